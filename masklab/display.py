"""HTML for notebooks: padded batches, masks, mask traces and loss explanations.

The modules that compute (:mod:`masklab.padding`, :mod:`masklab.trace`,
:mod:`masklab.losses`) return data; their ``_repr_html_`` methods call the
functions here. HTML renders at once in JupyterLab and in a widget, with no
figure to redraw, which keeps the explorers responsive. The colours match :mod:`masklab.plot`:
real timesteps are light blue, padding cells are grey and hatched, and a
masked-out (``False``) mask cell is dark.
"""

from __future__ import annotations

import html
import numbers

import numpy as np

from masklab._validate import show as _show

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


def feature_values(batch, feature) -> np.ndarray:
    """The ``(batch, maxlen)`` values of ``batch`` to draw: the values, or one feature of rank-3 values.

    Raises:
        TypeError: ``batch`` is not a ``PaddedBatch``; ``feature`` is not an integer.
        ValueError: ``feature`` is outside ``[0, features)``; values of rank 4 or more.
    """
    from masklab.padding import PaddedBatch

    if not isinstance(batch, PaddedBatch):
        raise TypeError(f"batch must be a masklab.PaddedBatch (from masklab.pad_batch), got {type(batch).__name__}")
    values = batch.values
    if values.ndim == 2:
        return values
    if values.ndim != 3:
        raise ValueError(
            f"batch values must have shape (batch, maxlen) or (batch, maxlen, features) to be drawn, got shape "
            f"{values.shape}; draw one slice, e.g. pad_batch([s[..., 0] for s in sequences])"
        )
    features = values.shape[2]
    if isinstance(feature, bool) or not isinstance(feature, numbers.Integral):
        raise TypeError(f"feature must be an integer in [0, {features}), got {_show(feature)}")
    if not 0 <= feature < features:
        raise ValueError(f"feature must be in [0, {features}) for values of shape {values.shape}, got {feature}")
    return values[..., int(feature)]


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

    Raises:
        TypeError, ValueError: as :func:`feature_values`; ``row_labels``
            that is not a list of one label per sequence.
    """
    values = feature_values(batch, feature)
    if row_labels is not None:
        if isinstance(row_labels, (str, bytes)) or not hasattr(row_labels, "__len__"):
            raise TypeError(f"row_labels must be a list of {len(values)} labels, got {_show(row_labels)}")
        if len(row_labels) != len(values):
            raise ValueError(
                f"row_labels must hold one label per sequence ({len(values)}), got {len(row_labels)} labels"
            )
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
        f"truncating={batch.truncating!r}, value={batch.padding_value!r}: "
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


_TRACE_COLUMNS = ("layer", "class", "mask in", "mask out", "effect", "supports_masking", "uses_mask")


def _mask_cells(mask) -> str:
    """One small grid per mask (a layer with several inputs or outputs has a list of masks)."""
    if isinstance(mask, list):
        return "".join(mask_to_html(m, cell_px=8) for m in mask)
    return mask_to_html(mask, cell_px=8)


def trace_to_html(trace) -> str:
    """Return an HTML table of a :class:`~masklab.MaskTrace`.

    Args:
        trace: the trace (or any sequence of :class:`~masklab.trace.MaskRecord`).

    Returns:
        ``str``, a ``<table class='masklab-trace'>`` with one row per layer
        call: name, class, small grids of the masks in and out, the effect
        and the ``supports_masking``/``uses_mask`` flags.
    """
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>" for h in _TRACE_COLUMNS)
    rows = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 8px;vertical-align:top'>{c}</td>" for c in (
            html.escape(r.name), html.escape(r.class_name), _mask_cells(r.input_mask), _mask_cells(r.output_mask),
            f"<b>{html.escape(r.effect)}</b>", r.supports_masking, r.uses_mask)) + "</tr>"
        for r in trace
    )
    return f"<table class='masklab-trace' style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>"


def loss_to_html(explanation) -> str:
    """Return HTML for a :class:`~masklab.losses.MaskedLossExplanation`.

    Returns:
        ``str``: the line ``loss = numerator / denominator = value`` and a
        table with one row per element (loss, weight, loss x weight); masked
        elements (weight 0) are grey.
    """
    e = explanation
    cells = "".join(
        f"<tr style='color:{'#aaa' if w == 0 else '#000'}'><td>{i}</td><td>{loss:.4f}</td><td>{w:g}</td>"
        f"<td>{c:.4f}</td></tr>"
        for i, loss, w, c in e.rows()
    )
    return (
        f"<p><b>loss = {e.numerator:.4f} / {e.denominator:g} = {e.value:.4f}</b> "
        f"(reduction={html.escape(repr(e.reduction))})</p>"
        "<table><tr><th>element</th><th>loss</th><th>weight</th><th>loss x weight</th></tr>"
        f"{cells}</table>"
    )


def attention_to_html(mask, weights=None, *, title: str = "") -> str:
    """Return an HTML grid of one ``(T_q, T_k)`` attention mask, with the weights written in.

    Rows are queries, columns keys. Allowed cells (``True``: may attend) are
    blue, forbidden ones light grey; with ``weights`` each cell shows its
    attention weight (2 decimals) and allowed cells are shaded by it.

    Args:
        mask: bool ``(T_q, T_k)``.
        weights: optional float ``(T_q, T_k)``, e.g. one head's scores from
            ``MultiHeadAttention(return_attention_scores=True)``.
        title: caption.

    Returns:
        ``str``, a ``<table class='masklab-attention'>``; forbidden cells carry
        ``data-masked="1"``.
    """
    mask = np.asarray(mask, dtype=bool)
    values = None if weights is None else np.asarray(weights, dtype=float)
    head = "<tr><th></th>" + "".join(f"<th style='{_CELL};background:#fff'>k{j}</th>" for j in range(mask.shape[1]))
    rows = [head + "</tr>"]
    for i, row in enumerate(mask):
        cells = [f"<th style='{_CELL};background:#fff'>q{i}</th>"]
        for j, allowed in enumerate(row):
            text = "" if values is None else f"{values[i, j]:.2f}"
            if allowed:
                shade = 1.0 if values is None else 0.25 + 0.75 * float(np.clip(values[i, j], 0, 1))
                cells.append(f"<td style='{_CELL};background:rgba(43,123,186,{shade:.2f});color:#000'>{text}</td>")
            else:
                cells.append(f"<td data-masked='1' style='{_CELL};background:{SKIP};color:#999'>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<caption style='font-size:12px'>{html.escape(title)}</caption>" if title else ""
    return f"<table class='masklab-attention' style='border-collapse:collapse'>{caption}{''.join(rows)}</table>"
