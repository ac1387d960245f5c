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
from masklab._colours import KEEP, PAD, REAL, SKIP
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


def _cell_lines(ax, rows, cols):
    """White lines between the cells of a rows x cols grid drawn with imshow."""
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
