"""matplotlib drawings of padded batches and masks.

Each helper takes an optional ``ax`` (a new figure is made when it is None)
and returns what it drew, in matplotlib's style. Real timesteps are coloured
by value; padding cells are grey and hatched, so they stand apart from real
data even when the padding value also occurs in the data. Importing this
module imports matplotlib; ``import masklab`` alone does not.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from masklab import _validate
from masklab.display import KEEP, PAD, REAL, SKIP
from masklab.padding import PaddedBatch


def _axes(ax, batch_rows: int, cols: int):
    if ax is None:
        width = min(12.0, 1.2 + 0.45 * cols)
        height = min(8.0, 0.9 + 0.35 * batch_rows)
        _, ax = plt.subplots(figsize=(width, height))
    return ax


def plot_padded_batch(batch, ax=None, *, feature: int = 0, annotate=None, title=None, cmap=None):
    """Draw a padded batch as a grid: rows are sequences, columns timesteps.

    Args:
        batch: a :class:`~masklab.PaddedBatch`.
        ax: matplotlib ``Axes`` to draw on; None makes a new figure.
        feature: for rank-3 values ``(batch, maxlen, features)``, the feature
            whose value colours the cells.
        annotate: write each value in its cell; None does so when the grid
            has at most 12 rows and 30 columns.
        title: axes title; None describes padding and truncating.
        cmap: colormap for real timesteps; None colours token ids (integers,
            which have no order worth a colour scale) uniformly light blue,
            and floats with ``"viridis"``.

    Returns:
        ``matplotlib.image.AxesImage`` of the real (unmasked) values; the
        padding cells are ``Rectangle`` patches with hatching on the same axes.

    Raises:
        TypeError: ``batch`` is not a ``PaddedBatch``.
    """
    if not isinstance(batch, PaddedBatch):
        raise TypeError(f"batch must be a masklab.PaddedBatch (from masklab.pad_batch), got {type(batch).__name__}")
    values = batch.values if batch.values.ndim == 2 else batch.values[..., feature]
    rows, cols = values.shape
    ax = _axes(ax, rows, cols)
    shown = np.ma.masked_array(values.astype(float), mask=~batch.mask)
    if cmap is None:
        cmap = ListedColormap([REAL]) if values.dtype.kind in "iu" else "viridis"
    image = ax.imshow(shown, cmap=cmap, aspect="auto", interpolation="nearest")
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


def plot_mask(mask, ax=None, *, title="mask (blue = keep, grey = skip)"):
    """Draw a bool mask ``(batch, timesteps)``: blue keeps a timestep, grey skips it.

    Args:
        mask: bool array-like or tensor of shape ``(batch, timesteps)``.
        ax: matplotlib ``Axes``; None makes a new figure.
        title: axes title.

    Returns:
        ``matplotlib.image.AxesImage``.

    Raises:
        TypeError: ``mask`` does not hold booleans or 0/1 numbers.
        ValueError: ``mask`` is not rank 2.
    """
    mask = _validate.rank("mask", _validate.bool_mask("mask", mask), 2, "(batch, timesteps)")
    rows, cols = mask.shape
    ax = _axes(ax, rows, cols)
    image = ax.imshow(mask.astype(int), cmap=ListedColormap([SKIP, KEEP]), vmin=0, vmax=1,
                      aspect="auto", interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("timestep")
    ax.set_ylabel("sequence")
    ax.set_title(title)
    return image
