"""matplotlib drawings of padded batches, masks and mask traces.

Each function takes an optional ``ax`` (a new figure is made when it is
None), passes its extra keyword arguments on to matplotlib's ``imshow`` and
returns the artist it drew, in matplotlib's style. Real timesteps are
coloured by value; padding cells are grey and hatched, so they stand apart
from real data even when the padding value also occurs in the data. The
objects that compute (:class:`~masklab.PaddedBatch`,
:class:`~masklab.MaskTrace`) hold data only; their ``.plot()`` calls into
this module. Importing this module imports matplotlib; ``import masklab``
alone does not.
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from masklab import _validate
from masklab._colours import INK, KEEP, PAD, REAL, SKIP
from masklab.masks import get_mask
from masklab.padding import feature_values
from masklab.trace import MaskTrace


def _axes(ax, batch_rows: int, cols: int):
    if ax is None:
        width = min(12.0, 1.2 + 0.45 * cols)
        height = min(8.0, 0.9 + 0.35 * batch_rows)
        _, ax = plt.subplots(figsize=(width, height))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {_validate.show(ax)}")
    return ax


def _imshow(ax, data, defaults, kwargs):
    """``ax.imshow(data)`` with masklab's defaults, which the caller's keyword arguments override."""
    return ax.imshow(data, **{**defaults, **kwargs})


def plot_padded_batch(batch, ax=None, *, feature: int = 0, annotate=None, title=None, cmap=None, **kwargs):
    """Draw a padded batch as a grid: rows are sequences, columns timesteps.

    Args:
        batch: a :class:`~masklab.PaddedBatch`.
        ax: matplotlib ``Axes`` to draw on; None makes a new figure.
        feature: for rank-3 values ``(batch, maxlen, features)``, the feature
            whose value colours the cells (an int in ``[0, features)``).
        annotate: write each value in its cell; None does so when the grid
            has at most 12 rows and 30 columns.
        title: axes title; None describes padding and truncating.
        cmap: colormap for real timesteps; None colours token ids (integers,
            which have no order worth a colour scale) uniformly light blue,
            and floats with ``"viridis"``.
        **kwargs: passed on to ``ax.imshow`` (e.g. ``vmin``, ``vmax``).

    Returns:
        ``matplotlib.image.AxesImage`` of the real (unmasked) values; the
        padding cells are ``Rectangle`` patches with hatching on the same axes.

    Raises:
        TypeError: ``batch`` is not a ``PaddedBatch``; ``feature`` is not an
            int; ``ax`` is not an ``Axes``.
        ValueError: ``feature`` outside ``[0, features)``; values of rank 4
            or more.
    """
    values = feature_values(batch, feature)
    rows, cols = values.shape
    ax = _axes(ax, rows, cols)
    shown = np.ma.masked_array(values.astype(float), mask=~batch.mask)
    if cmap is None:
        cmap = ListedColormap([REAL]) if values.dtype.kind in "iu" else "viridis"
    image = _imshow(ax, shown, {"cmap": cmap, "aspect": "auto", "interpolation": "nearest"}, kwargs)
    for i, t in zip(*np.nonzero(~batch.mask)):
        ax.add_patch(Rectangle((t - 0.5, i - 0.5), 1, 1, facecolor=PAD, edgecolor="#9a9a9a", hatch="///", lw=0))
    if annotate is None:
        annotate = rows <= 12 and cols <= 30
    if annotate:
        for i in range(rows):
            for t in range(cols):
                v = values[i, t]
                text = f"{v:.1f}" if values.dtype.kind == "f" else str(v)
                color = "#555"
                if batch.mask[i, t]:
                    r, g, b, _ = image.cmap(image.norm(v))
                    color = "k" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "w"
                ax.text(t, i, text, ha="center", va="center", fontsize=8, color=color)
    ax.set_xlabel("timestep")
    ax.set_ylabel("sequence")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_title(title if title is not None else f"padding={batch.padding!r}, truncating={batch.truncating!r}")
    ax.legend(handles=[Patch(facecolor=PAD, edgecolor="#9a9a9a", hatch="///", label="padding")],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    return image


def plot_mask(mask, ax=None, *, title="mask (blue = keep, grey = skip)", **kwargs):
    """Draw a bool mask ``(batch, timesteps)``: blue keeps a timestep, grey skips it.

    Args:
        mask: bool array-like or tensor of shape ``(batch, timesteps)``.
        ax: matplotlib ``Axes``; None makes a new figure.
        title: axes title.
        **kwargs: passed on to ``ax.imshow``.

    Returns:
        ``matplotlib.image.AxesImage``.

    Raises:
        TypeError: ``mask`` does not hold booleans or 0/1 numbers; ``ax`` is
            not an ``Axes``.
        ValueError: ``mask`` is not rank 2.
    """
    mask = _validate.rank("mask", _validate.bool_mask("mask", mask), 2, "(batch, timesteps)")
    rows, cols = mask.shape
    ax = _axes(ax, rows, cols)
    image = _imshow(ax, mask.astype(int), {"cmap": ListedColormap([SKIP, KEEP]), "vmin": 0, "vmax": 1,
                                           "aspect": "auto", "interpolation": "nearest"}, kwargs)
    _cell_lines(ax, rows, cols)
    ax.set_xlabel("timestep")
    ax.set_ylabel("sequence")
    ax.set_title(title)
    return image


def plot_trace(trace, ax=None, *, sample: int = 0, **kwargs):
    """Draw each layer's output mask for one sample of a :class:`~masklab.MaskTrace`, one row per layer.

    Args:
        trace: the :class:`~masklab.MaskTrace` from :func:`masklab.trace_masks`.
        ax: matplotlib ``Axes``; None makes a new figure.
        sample: which sample of the batch to draw, an int in ``[0, batch)``.
        **kwargs: passed on to ``ax.imshow``.

    Returns:
        ``matplotlib.image.AxesImage``: rows are layers in execution order,
        columns timesteps; blue = kept, light grey = masked, white = no mask
        (each row is labelled with the layer's effect).

    Raises:
        TypeError: ``trace`` is not a ``MaskTrace``; ``sample`` is not an
            int; ``ax`` is not an ``Axes``.
        ValueError: ``sample`` is outside the batch.
    """
    if not isinstance(trace, MaskTrace):
        raise TypeError(f"trace must be a masklab.MaskTrace (from masklab.trace_masks), got {type(trace).__name__}")
    if isinstance(sample, bool) or not isinstance(sample, numbers.Integral):
        raise TypeError(f"sample must be an integer index into the batch, got {_validate.show(sample)}")

    def first(mask):
        return mask[0] if isinstance(mask, list) else mask

    masks = [first(r.output_mask) for r in trace]
    width = max((m.shape[1] for m in masks if m is not None and m.ndim == 2), default=1)
    grid = np.full((len(masks), width), -1.0)
    for i, m in enumerate(masks):
        if m is not None and m.ndim == 2:
            if not 0 <= sample < m.shape[0]:
                raise ValueError(f"sample must be in [0, {m.shape[0]}), got {sample}")
            grid[i, : m.shape[1]] = m[sample]
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12, 3 + 0.4 * width), 0.9 + 0.35 * len(masks)))
    ax = _axes(ax, len(masks), width)
    image = _imshow(ax, np.ma.masked_less(grid, 0), {"cmap": ListedColormap([SKIP, KEEP]), "vmin": 0, "vmax": 1,
                                                      "aspect": "auto", "interpolation": "nearest"}, kwargs)
    ax.set_yticks(range(len(masks)))
    ax.set_yticklabels([f"{r.name} ({r.effect})" for r in trace], fontsize=8)
    ax.set_xlabel("timestep")
    ax.set_title(f"output mask of each layer, sample {sample} (blue = keep; blank = no mask)")
    return image


def plot_attention_mask(mask, ax=None, *, sample: int = 0, weights=None, title=None, **kwargs):
    """Draw one sample of a ``(batch, T_q, T_k)`` attention mask: rows are queries, columns keys.

    Args:
        mask: boolean-like ``(batch, T_q, T_k)`` or ``(T_q, T_k)``, e.g. from
            :func:`masklab.attention_mask` (True = may attend).
        ax: matplotlib ``Axes``; None makes a new figure.
        sample: which sample of the batch to draw (an int).
        weights: optional attention weights of the same shape (or one
            sample's ``(T_q, T_k)``): allowed cells are then coloured by
            weight and each weight is written in its cell.
        title: axes title; None describes what is drawn.
        **kwargs: passed on to ``ax.imshow``.

    Returns:
        ``matplotlib.image.AxesImage``; forbidden cells are grey.

    Raises:
        TypeError: ``mask`` not boolean-like; ``sample`` not an int; ``ax``
            not an ``Axes``.
        ValueError: ``mask`` not rank 2 or 3; ``sample`` outside the batch;
            ``weights`` of another shape.
    """
    mask = _validate.bool_mask("mask", mask)
    mask = _validate.rank("mask", mask, (2, 3), "(batch, T_q, T_k) or (T_q, T_k)")
    if mask.ndim == 2:
        mask = mask[None]
    if isinstance(sample, bool) or not isinstance(sample, numbers.Integral):
        raise TypeError(f"sample must be an integer index into the batch, got {_validate.show(sample)}")
    if not 0 <= sample < mask.shape[0]:
        raise ValueError(f"sample must be in [0, {mask.shape[0]}), got {sample}")
    grid = mask[sample]
    shown = None
    if weights is not None:
        weights = _validate.numeric("weights", _validate.to_numpy("weights", weights)).astype(float)
        if weights.shape == mask.shape:
            weights = weights[sample]
        if weights.shape != grid.shape:
            raise ValueError(f"weights must have shape {mask.shape} or {grid.shape}, got {weights.shape}")
        shown = weights
    rows, cols = grid.shape
    ax = _axes(ax, rows, cols)
    if shown is None:
        image = _imshow(ax, grid.astype(int), {"cmap": ListedColormap([SKIP, KEEP]), "vmin": 0, "vmax": 1,
                                               "aspect": "equal", "interpolation": "nearest"}, kwargs)
    else:
        ax.imshow(np.zeros_like(grid, dtype=float), cmap=ListedColormap([SKIP]), aspect="equal")
        image = _imshow(ax, np.ma.masked_array(shown, mask=~grid), {"cmap": "Blues", "vmin": 0, "vmax": 1,
                                                                     "aspect": "equal", "interpolation": "nearest"},
                        kwargs)
        for i in range(rows):
            for j in range(cols):
                ax.text(j, i, f"{shown[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="w" if grid[i, j] and shown[i, j] > 0.6 else "#333")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    _cell_lines(ax, rows, cols)
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    ax.set_title(title if title is not None else ("attention weights (grey = masked)" if shown is not None
                                                  else "attention mask (blue = may attend)"))
    return image


def _attention_grid(name, value, sample, head, *, boolean=False):
    """One sample's (and head's) ``(T_q, T_k)`` grid of an attention array of rank 2, 3 or 4."""
    array = _validate.bool_mask(name, value) if boolean else \
        _validate.numeric(name, _validate.to_numpy(name, value)).astype(float)
    array = _validate.rank(name, array, (2, 3, 4), "(T_q, T_k), (batch, T_q, T_k) or (batch, heads, T_q, T_k)")
    if array.ndim >= 3:
        if not 0 <= sample < array.shape[0]:
            raise ValueError(f"sample must be in [0, {array.shape[0]}) for {name} of shape {array.shape}, got {sample}")
        array = array[sample]
    if array.ndim == 3:
        if array.shape[0] > 1 and not 0 <= head < array.shape[0]:
            raise ValueError(f"head must be in [0, {array.shape[0]}) for {name}, got {head}")
        array = array[head if array.shape[0] > 1 else 0]
    return array


def _number(value: float) -> str:
    """A score for a small cell: 2 decimals, or a short exponent for large magnitudes (-1e9)."""
    if abs(value) < 1000:
        return f"{value:.2f}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def plot_attention_steps(mask, scores, weights, axes=None, *, sample: int = 0, head: int = 0,
                         large_negative: float = -1e9, **kwargs):
    """Draw masked attention step by step, one panel each: the mask, the masked scores, then each set of weights.

    For one sample and one head: panel 1 is the combined attention mask (blue =
    may attend); panel 2 the scores ``Q K^T / sqrt(d)`` with ``large_negative``
    written where the mask is False (the cells a softmax then sends to 0);
    each further panel one set of weights, coloured from 0 to 1 with every
    weight written in its cell. Cells the mask forbids are grey and hatched
    in every panel, so a weight that lands on a forbidden cell shows, and a
    query row with no allowed key is labelled "all masked" (in the first
    panel, which names the rows for the whole row of panels). The caller
    computes every number; this function only draws them.

    Args:
        mask: boolean-like, ``(T_q, T_k)``, ``(batch, T_q, T_k)`` or
            ``(batch, heads or 1, T_q, T_k)``: True = may attend (e.g. from
            :func:`masklab.attention_mask`).
        scores: real numbers (array or tensor) of one of those shapes: the
            scores before masking.
        weights: dict ``{panel title: weights}``, each of one of those shapes
            (e.g. MultiHeadAttention's default path and its scores path); one
            panel each, in the dict's order.
        axes: a sequence of at least ``2 + len(weights)`` matplotlib ``Axes``;
            None makes a new figure with one row of panels.
        sample: which sample of the batch to draw (an int).
        head: which attention head to draw (an int; ignored for arrays
            without a head axis or with one head).
        large_negative: float, the number the caller put where the mask is
            False, written in those cells of the scores panel.
        **kwargs: passed on to ``ax.imshow`` of the weight panels (e.g.
            ``cmap``).

    Returns:
        list of ``matplotlib.image.AxesImage``, one per panel: the mask, the
        scores, then the weights in order.

    Raises:
        TypeError: ``mask`` not boolean-like; ``scores`` or a weight not
            numeric; ``weights`` not a dict of str to arrays; ``sample`` or
            ``head`` not an int; ``axes`` not a sequence of ``Axes``.
        ValueError: an array not of rank 2, 3 or 4; ``sample`` or ``head``
            out of range; grids of different ``(T_q, T_k)``; fewer axes than
            panels.

    Example:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> mask = [[True, False], [False, False]]          # query 1 may attend to no key
    >>> images = plot_attention_steps(mask, [[0.3, 1.2], [0.5, -0.4]], {"weights": [[1.0, 0.0], [0.0, 0.0]]})
    >>> len(images), [t.get_text() for t in images[1].axes.texts]
    (3, ['0.30', '-1e9', '-1e9', '-1e9'])
    >>> [t.get_text() for t in images[0].axes.get_yticklabels()]
    ['0', '1 (all masked)']
    >>> plt.close(images[0].figure)
    """
    for name, value in (("sample", sample), ("head", head)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer index, got {_validate.show(value)}")
    if not isinstance(weights, dict) or not all(isinstance(k, str) for k in weights):
        raise TypeError(f"weights must be a dict of panel title (str) to weights, got {_validate.show(weights)}")
    grid = _attention_grid("mask", mask, sample, head, boolean=True)
    panels = [("scores", _attention_grid("scores", scores, sample, head))]
    panels += [(title, _attention_grid(f"weights[{title!r}]", w, sample, head)) for title, w in weights.items()]
    for i, (title, values) in enumerate(panels):
        if values.shape != grid.shape:
            name = "scores" if i == 0 else f"weights[{title!r}]"
            raise ValueError(f"{name} must have the mask's (T_q, T_k) = {grid.shape}, got {values.shape}")
    if axes is None:
        _, axes = plt.subplots(1, 1 + len(panels), figsize=(3.3 * (1 + len(panels)), 3.4), constrained_layout=True)
    axes = list(np.ravel(axes)) if isinstance(axes, (list, tuple, np.ndarray)) else axes
    if not isinstance(axes, list) or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(f"axes must be a sequence of matplotlib Axes or None, got {_validate.show(axes)}")
    if len(axes) < 1 + len(panels):
        raise ValueError(f"axes must hold at least {1 + len(panels)} Axes (the mask, the scores and "
                         f"{len(weights)} weight panels), got {len(axes)}")
    rows, cols = grid.shape
    labels = [f"{i} (all masked)" if not grid[i].any() else str(i) for i in range(rows)]
    images = [plot_attention_mask(grid, axes[0], title="1. mask (blue = may attend)")]
    axes[0].set_title(axes[0].get_title(), fontsize=9)
    for step, (ax, (title, values)) in enumerate(zip(axes[1:], panels), start=2):
        is_scores = step == 2
        shown = np.ma.masked_array(values, mask=~grid)
        defaults = {"cmap": "viridis" if is_scores else "Blues", "aspect": "equal", "interpolation": "nearest"}
        if not is_scores:
            defaults.update(vmin=0.0, vmax=1.0)
        image = _imshow(ax, shown, defaults, {} if is_scores else kwargs)
        for i in range(rows):
            for j in range(cols):
                if grid[i, j]:
                    r, g, b, _ = image.cmap(image.norm(values[i, j]))
                    color = "k" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "w"
                else:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=PAD, edgecolor="#9a9a9a",
                                           hatch="///", lw=0))
                    color = INK
                text = _number(large_negative if is_scores and not grid[i, j] else values[i, j])
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color=color)
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
        _cell_lines(ax, rows, cols)
        ax.set_xlabel("key")
        ax.set_title(f"2. scores, {_number(large_negative)} where masked" if is_scores else f"{step}. {title}",
                     fontsize=9)
        images.append(image)
    axes[0].set_yticks(range(rows))
    axes[0].set_yticklabels(labels)  # the panels share their rows: the first one names them
    return images


def plot_lookup(ids, input_dim, ax=None, *, title=None, **kwargs):
    """Draw how an ``Embedding(input_dim)`` looks ids up: an arrow from each id to the row it selects.

    The rule is Keras 3's (:func:`masklab.vocab.lookup_rows`): a negative id
    gets ``input_dim`` added once (written beside it, e.g. ``-1+3=2``), then an
    id in ``[0, input_dim)`` selects its row. Every other id ends at the
    hatched "no row" box: what happens to it is the backend's and device's
    choice (an error, NaN, zeros or a clamped row), not drawn here.

    Args:
        ids: integer ids, any shape (drawn flattened, in order); 1 to 12 of them.
        input_dim: positive int, the rows of the table (at most 12 are drawn).
        ax: matplotlib ``Axes``; None makes a new figure.
        title: axes title; None names the layer.
        **kwargs: passed on to every arrow's ``arrowprops`` (e.g. ``lw``,
            ``color``), after masklab's defaults.

    Returns:
        list of ``matplotlib.text.Annotation``: one arrow per id, in order.

    Raises:
        TypeError: ``ids`` holds non-integers; ``ax`` is not an ``Axes``.
        ValueError: ``input_dim`` is not a positive integer or is above 12;
            no ids, more than 12, or ragged ids.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> arrows = plot_lookup([2, -1, -4, 5], input_dim=3)
    >>> [a.xy[1] for a in arrows]   # rows 2 and 2 (y = -row), then twice the "no row" box
    [-2.0, -2.0, -3.5, -3.5]
    >>> plt.close("all")
    """
    from masklab.vocab import lookup_rows

    rows = lookup_rows(ids, input_dim).ravel()
    values = np.asarray(_validate.to_numpy("ids", ids)).ravel() if rows.size else rows
    input_dim = int(input_dim)
    if not 1 <= rows.size <= 12:
        raise ValueError(f"plot_lookup draws 1 to 12 ids, got {rows.size}")
    if input_dim > 12:
        raise ValueError(f"plot_lookup draws a table of at most 12 rows, got input_dim={input_dim}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.9 + 0.45 * max(rows.size, input_dim + 1.5)))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {_validate.show(ax)}")
    none_y = -(input_dim + 0.5)
    for r in range(input_dim):
        ax.add_patch(Rectangle((4.0, -r - 0.4), 1.6, 0.8, facecolor=KEEP, edgecolor="white"))
        ax.text(4.8, -r, f"row {r}", ha="center", va="center", fontsize=9, color="white")
    ax.add_patch(Rectangle((4.0, none_y - 0.4), 1.6, 0.8, facecolor=PAD, edgecolor="#9a9a9a", hatch="///"))
    ax.text(4.8, none_y, "no row", ha="center", va="center", fontsize=9, color=INK,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    arrows = []
    for i, (value, row) in enumerate(zip(values.tolist(), rows.tolist())):
        ax.add_patch(Rectangle((0.0, -i - 0.35), 1.0, 0.7, facecolor=REAL, edgecolor="white"))
        ax.text(0.5, -i, str(int(value)), ha="center", va="center", fontsize=9, color=INK)
        if value < 0:
            ax.text(-0.1, -i, f"{int(value)}+{input_dim}={int(value) + input_dim}", ha="right", va="center",
                    fontsize=8, color="#555")
        target = float(-row) if row >= 0 else none_y
        props = {"arrowstyle": "->", "lw": 1.2, "shrinkA": 0, "shrinkB": 2,
                 "color": KEEP if row >= 0 else "#b3261e", "linestyle": "-" if row >= 0 else "--", **kwargs}
        arrows.append(ax.annotate("", xy=(4.0, target), xytext=(1.0, float(-i)), arrowprops=props))
    ax.set_xlim(-1.6, 5.8)
    ax.set_ylim(min(none_y, -(rows.size - 1)) - 0.7, 1.0)
    ax.axis("off")
    ax.text(0.5, 0.55, "ids", ha="center", va="bottom", fontsize=9, color=INK)
    ax.text(4.8, 0.55, "embedding rows", ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_title(title if title is not None else f"Embedding(input_dim={input_dim}): the row each id selects",
                 fontsize=10)
    return arrows


def _cell_lines(ax, rows, cols):
    """White lines between the cells of a rows x cols grid drawn with imshow."""
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)


def _flow_stage(i, stage, sample, max_features):
    """One stage of :func:`plot_mask_flow` as ``(label, values (rows, T), mask (T,) or None, integer?)``."""
    if not isinstance(stage, (tuple, list)) or len(stage) not in (2, 3):
        raise TypeError(f"stages[{i}] must be a (label, values) or (label, values, mask) tuple, "
                        f"got {_validate.show(stage)}")
    label, values = stage[0], stage[1]
    if not isinstance(label, str):
        raise TypeError(f"stages[{i}][0] (the label) must be a str, got {_validate.show(label)}")
    mask = stage[2] if len(stage) == 3 else get_mask(values)
    array = _validate.numeric(f"stages[{i}] values", _validate.to_numpy(f"stages[{i}] values", values),
                              allow_bool=True)
    _validate.rank(f"stages[{i}] values", array, (2, 3), "(batch, timesteps) or (batch, timesteps, features)")
    if not 0 <= sample < array.shape[0]:
        raise ValueError(f"sample must be in [0, {array.shape[0]}) for stages[{i}] of shape {array.shape}, "
                         f"got {sample}")
    shown = array[sample][None, :] if array.ndim == 2 else array[sample].T[:max_features]
    if mask is not None:
        mask = _validate.rank(f"stages[{i}] mask", _validate.bool_mask(f"stages[{i}] mask", mask), 2,
                              "(batch, timesteps)")
        if mask.shape != array.shape[:2]:
            raise ValueError(f"stages[{i}] mask must have shape (batch, timesteps) = {array.shape[:2]}, "
                             f"got shape {mask.shape}")
        mask = mask[sample]
    return label, shown, mask, array.dtype.kind in "biu"


def plot_mask_flow(stages, ax=None, *, sample: int = 0, max_features: int = 4, title=None, **kwargs):
    """Draw a mask travelling beside the values: each stage's values for one sample, its mask underneath.

    Each stage is a band of rows: the values (token ids written in their
    cells, or up to ``max_features`` features coloured by value on a scale
    centred on 0, one scale per stage), then a strip with the mask attached
    to them (dark blue 1 = keep, pale grey 0 = skip, "no mask" when none is
    attached). Columns are timesteps, aligned across stages, so a padded
    timestep can be followed down the model: its values are still there, and
    the mask beside them says to skip it.

    Args:
        stages: a sequence of ``(label, values)`` or ``(label, values, mask)``
            tuples, in the order the data flows. ``label`` is a str (e.g. the
            layer's name); ``values`` is a tensor or array of numbers of shape
            ``(batch, timesteps)`` (token ids) or ``(batch, timesteps,
            features)``, e.g. a layer's output called eagerly on data. With
            two items the mask is the one Keras attached to ``values``
            (:func:`masklab.get_mask`; a NumPy array has none); a third item
            gives it: boolean-like ``(batch, timesteps)`` or None.
        ax: matplotlib ``Axes``; None makes a new figure.
        sample: which sample of the batch to draw (an int).
        max_features: how many features (the first ones) to draw per stage,
            a positive int.
        title: axes title; None describes the drawing.
        **kwargs: passed on to ``ax.imshow`` for the feature values (e.g.
            ``cmap``).

    Returns:
        tuple ``(value_images, mask_images)``: two lists with one entry per
        stage, the ``matplotlib.image.AxesImage`` of its values and of its
        mask (None for a stage without a mask).

    Raises:
        TypeError: ``stages`` is not a non-empty sequence of such tuples; a
            label is not a str; values are not numbers; a mask is not
            boolean-like; ``sample`` is not an int; ``ax`` is not an ``Axes``.
        ValueError: values not of rank 2 or 3; a mask whose shape is not the
            values' ``(batch, timesteps)``; ``sample`` outside the batch;
            ``max_features`` not a positive int.

    Example (the ids 0 are padding; Embedding(mask_zero=True) attaches the mask):

    >>> import keras, matplotlib
    >>> matplotlib.use("Agg")
    >>> ids = np.array([[4, 2, 0]])
    >>> vectors = keras.layers.Embedding(5, 3, mask_zero=True)(ids)
    >>> values, masks = plot_mask_flow([("ids", ids), ("Embedding", vectors)])
    >>> masks[0] is None, masks[1].get_array().tolist()
    (True, [[1, 1, 0]])
    >>> plt.close("all")
    """
    if isinstance(sample, bool) or not isinstance(sample, numbers.Integral):
        raise TypeError(f"sample must be an integer index into the batch, got {_validate.show(sample)}")
    max_features = _validate.positive_int("max_features", max_features)
    if isinstance(stages, (str, bytes)) or not isinstance(stages, (list, tuple)) or not stages:
        raise TypeError(f"stages must be a non-empty list of (label, values[, mask]) tuples, "
                        f"got {_validate.show(stages)}")
    bands = [_flow_stage(i, stage, int(sample), max_features) for i, stage in enumerate(stages)]
    width = max(values.shape[1] for _, values, _, _ in bands)
    gap = 0.6
    height = sum(values.shape[0] + 1 for _, values, _, _ in bands) + gap * (len(bands) - 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12.0, 3.0 + 0.6 * width), min(10.0, 0.8 + 0.38 * height)))
    ax = _axes(ax, len(bands), width)
    value_images, mask_images, ticks, labels = [], [], [], []
    top = 0.0
    for label, values, mask, integer in bands:
        rows, cols = values.shape
        extent = (-0.5, cols - 0.5, top + rows, top)
        if integer:
            image = ax.imshow(values.astype(float), cmap=ListedColormap([REAL]), extent=extent, aspect="auto",
                              interpolation="nearest")
            for t in range(cols):
                ax.text(t, top + 0.5, str(int(values[0, t])), ha="center", va="center", fontsize=9, color=INK)
        else:
            scale = float(np.abs(values).max()) or 1.0
            image = _imshow(ax, values.astype(float), {"cmap": "RdBu_r", "vmin": -scale, "vmax": scale,
                                                       "extent": extent, "aspect": "auto",
                                                       "interpolation": "nearest"}, kwargs)
        value_images.append(image)
        ticks.append(top + rows / 2)
        labels.append(label if integer or rows == 1 else f"{label}\n(features 0-{rows - 1})")
        strip = top + rows
        if mask is None:
            ax.add_patch(Rectangle((-0.5, strip), cols, 1, facecolor="white", edgecolor="#9a9a9a", hatch="..",
                                   lw=0.8))
            ax.text((cols - 1) / 2, strip + 0.5, "no mask", ha="center", va="center", fontsize=9, color=INK,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            mask_images.append(None)
        else:
            mask_images.append(ax.imshow(mask[None, :].astype(int), cmap=ListedColormap([SKIP, KEEP]), vmin=0,
                                         vmax=1, extent=(-0.5, cols - 0.5, strip + 1, strip), aspect="auto",
                                         interpolation="nearest"))
            for t in range(cols):
                ax.text(t, strip + 0.5, str(int(mask[t])), ha="center", va="center", fontsize=9,
                        color="white" if mask[t] else INK)
        ticks.append(strip + 0.5)
        labels.append("mask")
        ax.vlines(np.arange(0.5, cols - 0.5), top, strip + 1, colors="white", linewidth=1)
        ax.hlines(strip, -0.5, cols - 0.5, colors="white", linewidth=1.5)
        top = strip + 1 + gap
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height, 0)
    ax.set_xticks(range(width))
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels, fontsize=8)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("timestep")
    ax.set_title(title if title is not None else
                 f"sample {sample}: values (red +, blue -), with the mask beside them (1 = keep, 0 = skip)",
                 fontsize=10)
    return value_images, mask_images


def _effect_strips(i, record, which, sample):
    """The masks of ``record.<which>`` for one sample: a list of 1-D bool arrays (several for a merge)."""
    mask = getattr(record, which)
    masks = [m for m in (mask if isinstance(mask, list) else [mask]) if m is not None]
    strips = []
    for m in masks:
        m = np.asarray(m)
        if m.ndim != 2:
            raise ValueError(f"records[{i}].{which} must be (batch, timesteps) masks, got shape {m.shape}")
        if not 0 <= sample < m.shape[0]:
            raise ValueError(f"sample must be in [0, {m.shape[0]}) for records[{i}], got {sample}")
        strips.append(m[sample].astype(bool))
    return strips


def plot_mask_effects(records, ax=None, *, sample: int = 0, labels=None, title=None, **kwargs):
    """Draw what each layer did to the mask: the mask it received, an arrow with the effect, the mask it handed on.

    One row per record (a layer call from :func:`masklab.trace_masks`, or
    the table rows of :func:`masklab.behaviours.trace_after_masking`): on
    the left the mask that reached the layer, on the right the mask on its
    output, both for one sample, one cell per timestep (dark blue ``1`` =
    keep, pale grey hatched ``0`` = skip; several input masks side by side
    for a merge layer). A dotted box saying "no mask" stands where there
    was none. The arrow between them is labelled with the effect
    (generates, propagates, modifies, consumes, destroys or none), and
    "call() used it" is written under the arrow when the layer's ``call``
    received the mask, "supports_masking=False" when a layer destroyed it.
    Rows are labelled with the layer's class name, or with ``labels``.

    Args:
        records: a non-empty sequence of :class:`masklab.trace.MaskRecord`
            (a :class:`~masklab.MaskTrace` works): masks are bool arrays
            ``(batch, timesteps)``, a list of them, or None.
        ax: matplotlib ``Axes``; None makes a new figure.
        sample: which sample of the batch to draw (an int).
        labels: optional sequence of str, one row label per record (e.g.
            ``"Concatenate(axis=1)"``); None uses each record's class name.
        title: axes title; None describes the drawing.
        **kwargs: passed on to every mask cell (``matplotlib.patches.Rectangle``),
            e.g. ``linewidth`` or ``alpha``.

    Returns:
        list of ``matplotlib.patches.Rectangle``: the mask cells, row by row,
        input cells before output cells (the "no mask" boxes are not in it).

    Raises:
        TypeError: ``records`` is not a non-empty sequence of mask records;
            ``labels`` is not one str per record; ``sample`` is not an int;
            ``ax`` is not an ``Axes``.
        ValueError: a mask that is not ``(batch, timesteps)``; ``sample``
            outside the batch.

    Example (two hand-made records: one layer passes the mask on, one drops it):

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from masklab.trace import MaskRecord
    >>> m = np.array([[True, True, False]])
    >>> records = [MaskRecord("dense", "Dense", m, m, True, False, "propagates"),
    ...            MaskRecord("flatten", "Flatten", m, None, False, False, "destroys")]
    >>> cells = plot_mask_effects(records)
    >>> len(cells)  # 3 in and 3 out for Dense, 3 in for Flatten
    9
    >>> plt.close("all")
    """
    from masklab.trace import MaskRecord

    if isinstance(sample, bool) or not isinstance(sample, numbers.Integral):
        raise TypeError(f"sample must be an integer index into the batch, got {_validate.show(sample)}")
    if isinstance(records, (str, bytes)) or not hasattr(records, "__len__") or not len(records) \
            or not all(isinstance(r, MaskRecord) for r in records):
        raise TypeError("records must be a non-empty sequence of masklab.trace.MaskRecord (e.g. a MaskTrace), "
                        f"got {_validate.show(records)}")
    names = [r.class_name for r in records] if labels is None else labels
    if isinstance(names, (str, bytes)) or not hasattr(names, "__len__") or len(names) != len(records) \
            or not all(isinstance(n, str) for n in names):
        raise TypeError(f"labels must be a list of {len(records)} str (one per record) or None, "
                        f"got {_validate.show(labels)}")
    gap, none_width = 0.4, 3.0
    rows = [(r, _effect_strips(i, r, "input_mask", int(sample)), _effect_strips(i, r, "output_mask", int(sample)))
            for i, r in enumerate(records)]

    def width(strips):
        return sum(len(s) for s in strips) + gap * (len(strips) - 1) if strips else none_width

    left = max(width(ins) for _, ins, _ in rows)
    arrow = 4.0  # room for the effect's name over the arrow
    start_out = left + arrow
    right = start_out + max(width(outs) for _, _, outs in rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12.0, 2.0 + 0.42 * right), 0.9 + 0.62 * len(rows)))
    ax = _axes(ax, len(rows), int(right))
    cells = []

    def draw(strips, x0, y):
        if not strips:
            ax.add_patch(Rectangle((x0, y - 0.35), none_width - 0.1, 0.7, facecolor="white", edgecolor="#9a9a9a",
                                   hatch="..", lw=0.8))
            ax.text(x0 + (none_width - 0.1) / 2, y, "no mask", ha="center", va="center", fontsize=8, color=INK,
                    style="italic", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            return
        x = x0
        for strip in strips:
            for keep in strip:
                cell = Rectangle((x, y - 0.35), 0.9, 0.7, **{"facecolor": KEEP if keep else SKIP,
                                                             "edgecolor": "#9a9a9a", "lw": 0.5,
                                                             "hatch": None if keep else "///", **kwargs})
                ax.add_patch(cell)
                cells.append(cell)
                ax.text(x + 0.45, y, "1" if keep else "0", ha="center", va="center", fontsize=7,
                        color="white" if keep else INK)
                x += 1
            x += gap

    for y, (record, ins, outs) in enumerate(rows):
        draw(ins, 0.0, y)
        draw(outs, start_out, y)
        ax.annotate("", xy=(start_out - 0.3, y), xytext=(left + 0.2, y),
                    arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.2})
        ax.text(left + arrow / 2, y - 0.12, record.effect, ha="center", va="bottom", fontsize=9,
                fontweight="bold", color=INK)
        note = "call() used it" if record.uses_mask else (
            "supports_masking=False" if record.effect == "destroys" else "")
        if note:
            ax.text(left + arrow / 2, y + 0.12, note, ha="center", va="top", fontsize=7, color="#444444")
    ax.text(left / 2, -0.75, "mask in", ha="center", va="center", fontsize=8, color=INK)
    ax.text(start_out + (right - start_out) / 2, -0.75, "mask out", ha="center", va="center", fontsize=8,
            color=INK)
    ax.set_xlim(-0.2, right + 0.2)
    ax.set_ylim(len(rows) - 0.5, -1.1)
    ax.set_xticks([])
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(list(names), fontsize=9)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title if title is not None else
                 f"what each layer does with the mask (sample {sample}; 1 = keep, 0 = skip)", fontsize=10)
    return cells
