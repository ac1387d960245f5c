"""HTML grids for notebooks: a padded batch and a mask, drawn as tables.

HTML renders at once in JupyterLab and in a widget, with no figure to redraw,
which keeps the explorers responsive. The colours match :mod:`masklab.plot`:
real timesteps are light blue, padding cells are grey and hatched, and a
masked-out (``False``) mask cell is dark.
"""

from __future__ import annotations

import html

import numpy as np

REAL = "#cfe3f7"
PAD = "#d9d9d9"
KEEP = "#2b7bba"
SKIP = "#f2f2f2"
_HATCH = "repeating-linear-gradient(45deg,#d9d9d9 0 4px,#ececec 4px 8px)"
_CELL = "border:1px solid #fff;padding:2px 5px;text-align:center;font:12px monospace;min-width:1.6em"


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}"
    return str(value)


def batch_to_html(batch, *, feature: int = 0, row_labels=None, max_rows: int = 40) -> str:
    """Return an HTML table of a :class:`~masklab.PaddedBatch`.

    Args:
        batch: the padded batch to draw.
        feature: for feature-vector timesteps (rank 3 values), the index of
            the feature whose value is written in each cell.
        row_labels: optional list of ``batch`` strings shown left of each row.
        max_rows: rows drawn at most; the rest are summarised in a note.

    Returns:
        ``str``, an HTML ``<table>`` with one row per sequence, one cell per
        timestep, ``data-pad`` set on padding cells, and a caption giving the
        shape, padding, truncating and padding fraction.
    """
    values = batch.values if batch.values.ndim == 2 else batch.values[..., feature]
    rows = []
    for i in range(min(len(values), max_rows)):
        label = html.escape(str(row_labels[i])) if row_labels is not None else str(i)
        cells = [f'<th style="{_CELL};background:#fff">{label}</th>']
        for t, v in enumerate(values[i]):
            if batch.mask[i, t]:
                cells.append(f'<td style="{_CELL};background:{REAL}">{_fmt(v)}</td>')
            else:
                cells.append(f'<td data-pad="1" style="{_CELL};background:{_HATCH};color:#777">{_fmt(v)}</td>')
        note = " (truncated)" if batch.truncated[i] else ""
        cells.append(f'<td style="{_CELL};background:#fff;text-align:left">len {batch.lengths[i]}{note}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = len(values) - max_rows
    if more > 0:
        rows.append(f'<tr><td colspan="{batch.maxlen + 2}" style="{_CELL}">... {more} more rows</td></tr>')
    caption = (
        f"values {batch.values.shape} {batch.values.dtype}, padding={batch.padding!r}, "
        f"truncating={batch.truncating!r}, value={batch.value!r}: "
        f"{batch.padding_fraction:.0%} padding (grey), {int(batch.truncated.sum())} row(s) truncated"
    )
    return (
        '<table class="masklab-batch" style="border-collapse:collapse">'
        f'<caption style="caption-side:bottom;text-align:left;font-size:12px">{html.escape(caption)}</caption>'
        + "".join(rows)
        + "</table>"
    )


def mask_to_html(mask, *, title: str = "", cell_px: int = 12) -> str:
    """Return an HTML grid of a bool mask ``(batch, timesteps)``.

    ``True`` (keep) cells are blue, ``False`` (skip) cells light grey.
    Returns ``str``; ``"no mask"`` in grey italics when ``mask`` is None.
    """
    if mask is None:
        return '<span style="color:#888;font-style:italic">no mask</span>'
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim == 1:
        mask = mask[None, :]
    size = f"width:{cell_px}px;height:{cell_px}px;padding:0;border:1px solid #fff"
    rows = "".join(
        "<tr>"
        + "".join(f'<td style="{size};background:{KEEP if m else SKIP}"></td>' for m in row)
        + "</tr>"
        for row in mask
    )
    caption = f'<caption style="font-size:11px">{html.escape(title)}</caption>' if title else ""
    return f'<table class="masklab-mask" style="border-collapse:collapse">{caption}{rows}</table>'
