"""HTML for notebooks: padded batches, masks, mask traces and loss explanations.

The modules that compute (:mod:`masklab.padding`, :mod:`masklab.trace`,
:mod:`masklab.losses`) return data; their ``_repr_html_`` methods call the
functions here. HTML renders at once in JupyterLab and in a widget, with no
figure to redraw, which keeps the explorers responsive.

Colours and themes. Text that sits on the page follows the notebook's theme
through JupyterLab's CSS variables (``var(--jp-ui-font-color1, ...)``), with
JupyterLab Light's values as fallbacks for other frontends (nbconvert,
GitHub). Data cells carry their own light background, so their text colour is
fixed to a dark ink that reads at 4.5:1 or more (WCAG AA) on it in any theme.
State is never told by colour alone: padding cells are hatched and their
values italic, masked cells are hatched, kept/masked and padding/real are
written in each cell's ``aria-label`` and ``title`` for screen readers and
tooltips, and the views' colours match :mod:`masklab.plot` (real timesteps
light blue, padding grey and hatched, a kept mask cell dark blue).
"""

from __future__ import annotations

import html
import numbers

import numpy as np

from masklab._colours import GAP, INK, KEEP, PAD, REAL, SKIP, TEXT, TINT, WARN  # noqa: F401  (re-exported)
from masklab._validate import show as _show
from masklab.padding import feature_values
# A clear hatch: darker stripes than the cell colour, so padding is told by pattern, not shade. The
# plain grey underneath is what remains where a sanitizer drops gradients (JupyterLab's, for the
# static copy in a notebook not yet trusted).
_HATCH = "background-color:#d9d9d9;background-image:repeating-linear-gradient(45deg,#bdbdbd 0 3px,#ececec 3px 7px)"
_CELL = (f"border:1px solid {GAP};padding:2px 5px;text-align:center;font:12px monospace;min-width:1.6em;"
         f"color:{INK}")
_HEAD = f"padding:2px 6px;font:12px monospace;color:{TEXT};text-align:left;font-weight:normal"


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}"
    return str(value)


def batch_to_html(batch, *, feature: int = 0, row_labels=None, max_rows: int = 40) -> str:
    """Return an HTML view of a :class:`~masklab.PaddedBatch`: a table and a caption under it.

    Args:
        batch: the padded batch to draw.
        feature: for feature-vector timesteps (rank 3 values), the index of
            the feature whose value is written in each cell.
        row_labels: optional list of ``batch`` strings shown left of each row,
            in full (long labels wrap; the whole label is also the tooltip).
        max_rows: rows drawn at most; the rest are summarised in a note.

    Returns:
        ``str``, HTML: a ``<table class="masklab-batch">`` with one row per
        sequence and one cell per timestep (padding cells carry
        ``data-pad="1"``, are hatched and say "padding" in their
        ``aria-label``); when rows were truncated, the ids truncation dropped
        (``batch.dropped``) struck through beside the grid, on the side they
        were cut from (``data-dropped``); and a caption (shape, dtype,
        padding, truncating, value, padding fraction) under the table, at most
        two lines wide.

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
    dropped = [np.asarray(d) for d in batch.dropped] or [np.zeros(0)] * len(values)  # () if built by hand
    show_dropped = any(len(d) for d in dropped)
    rows = []
    for i in range(min(len(values), max_rows)):
        label = html.escape(str(row_labels[i])) if row_labels is not None else str(i)
        cells = [f'<th scope="row" title="{label}" style="{_HEAD};max-width:22em;white-space:normal;'
                 f'overflow-wrap:anywhere">{label}</th>']
        cut = ""
        if show_dropped:
            cut_values = dropped[i] if dropped[i].ndim == 1 else dropped[i][:, feature]  # (steps,) or (steps, features)
            text = " ".join(_fmt(v) for v in cut_values)
            cut = (f'<td data-dropped="{len(cut_values)}" aria-label="dropped by truncation: {text or "none"}" '
                   f'style="{_HEAD};text-align:{"right" if batch.truncating == "pre" else "left"}">'
                   f'<s>{text}</s></td>')
        if cut and batch.truncating == "pre":
            cells.append(cut)
        for t, v in enumerate(values[i]):
            if batch.mask[i, t]:
                cells.append(f'<td aria-label="t{t}: {_fmt(v)}" style="{_CELL};background:{REAL}">{_fmt(v)}</td>')
            else:
                cells.append(f'<td data-pad="1" aria-label="t{t}: padding {_fmt(v)}" title="padding" '
                             f'style="{_CELL};{_HATCH};font-style:italic">{_fmt(v)}</td>')
        if cut and batch.truncating == "post":
            cells.append(cut)
        note = f" (truncated from {batch.original_lengths[i]})" if batch.truncated[i] else ""
        cells.append(f'<td style="{_HEAD}">len {batch.lengths[i]}{note}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = len(values) - max_rows
    if more > 0:
        rows.append(f'<tr><td colspan="{batch.maxlen + 3}" style="{_HEAD}">... {more} more rows</td></tr>')
    caption = (
        f"values {batch.values.shape} {batch.values.dtype} · padding={batch.padding!r} · "
        f"truncating={batch.truncating!r} · value={batch.padding_value!r} — "
        f"{batch.padding_fraction:.0%} padding (hatched), {int(batch.truncated.sum())} row(s) truncated"
        + (" (dropped ids struck through)" if show_dropped else "")
    )
    return (
        '<div class="masklab-batch-view">'
        f'<table class="masklab-batch" style="border-collapse:collapse" aria-label="{html.escape(caption)}">'
        + "".join(rows)
        + "</table>"
        f'<div class="masklab-caption" style="font-size:12px;color:{TEXT};max-width:60em;margin-top:2px">'
        f"{html.escape(caption)}</div></div>"
    )


def mask_to_html(mask, *, title: str = "", cell_px: int = 12) -> str:
    """Return an HTML grid of a bool mask ``(batch, timesteps)``.

    ``True`` (keep) cells are solid blue, ``False`` (skip) cells hatched grey;
    each cell's ``aria-label`` and tooltip say "row i, t: kept/masked", and
    the table's label counts the kept timesteps per row.

    Args:
        mask: bool-like ``(batch, timesteps)`` or ``(timesteps,)``, or None.
        title: optional caption.
        cell_px: cell size in CSS pixels.

    Returns:
        ``str``, a ``<table class="masklab-mask">``; ``"no mask"`` in
        italics when ``mask`` is None.
    """
    if mask is None:
        return f'<span style="color:{TEXT};font-style:italic">no mask</span>'
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim == 1:
        mask = mask[None, :]
    size = f"width:{cell_px}px;height:{cell_px}px;padding:0;border:1px solid {GAP}"

    def cell(i, t, m):
        state = "kept" if m else "masked"
        background = f"background:{KEEP}" if m else _HATCH
        return (f'<td role="cell" aria-label="row {i}, t{t}: {state}" title="row {i}, t{t}: {state}" '
                f'data-kept="{int(m)}" style="{size};{background}"></td>')

    rows = "".join("<tr>" + "".join(cell(i, t, m) for t, m in enumerate(row)) + "</tr>" for i, row in enumerate(mask))
    kept = ", ".join(str(int(n)) for n in mask.sum(axis=1))
    label = f"mask {mask.shape[0]} x {mask.shape[1]}, kept timesteps per row: {kept}"
    caption = f'<caption style="font-size:11px;color:{TEXT}">{html.escape(title)}</caption>' if title else ""
    return (f'<table class="masklab-mask" role="table" aria-label="{html.escape(label)}" '
            f'style="border-collapse:collapse">{caption}{rows}</table>')


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
        and the ``supports_masking``/``uses_mask`` flags. Rows whose effect
        is "destroys" stand out by more than colour: a warning sign before
        the effect, a bar at the row's start and ``data-effect="destroys"``.
    """
    head = "".join(f"<th scope='col' style='{_HEAD};font-weight:bold;font-family:inherit'>{h}</th>"
                   for h in _TRACE_COLUMNS)
    cell = f"padding:2px 8px;vertical-align:top;color:{TEXT}"
    rows = []
    for r in trace:
        destroys = r.effect == "destroys"
        effect = f"<b>{'&#9888; ' if destroys else ''}{html.escape(r.effect)}</b>"
        values = (html.escape(r.name), html.escape(r.class_name), _mask_cells(r.input_mask),
                  _mask_cells(r.output_mask), effect, r.supports_masking, r.uses_mask)
        style = f";background:{TINT}" if destroys else ""
        first = f";box-shadow:inset 4px 0 0 {WARN}" if destroys else ""
        rows.append(
            f"<tr data-effect='{html.escape(r.effect)}'>"
            + "".join(f"<td style='{cell}{style}{first if j == 0 else ''}'>{v}</td>" for j, v in enumerate(values))
            + "</tr>"
        )
    return (f"<table class='masklab-trace' style='border-collapse:collapse'><tr>{head}</tr>"
            f"{''.join(rows)}</table>")


def _shade(fraction: float, light: str = "#ffffff", dark: str = "#1d5a8c") -> tuple[str, str]:
    """An opaque colour ``fraction`` (0..1) of the way from ``light`` to ``dark``, and its text colour.

    The text is black or white, whichever contrasts more; the worse of the two
    is still 4.58:1 (WCAG's relative luminance), so any shade passes AA.
    """
    a = np.array([int(light[i:i + 2], 16) for i in (1, 3, 5)], float)
    b = np.array([int(dark[i:i + 2], 16) for i in (1, 3, 5)], float)
    rgb = np.round(a + (b - a) * float(np.clip(fraction, 0.0, 1.0))).astype(int)
    linear = np.where(rgb / 255 <= 0.04045, rgb / 255 / 12.92, ((rgb / 255 + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ [0.2126, 0.7152, 0.0722])
    text = "#000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#fff"
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


def _value_text(values, index) -> str:
    """One timestep of ``y_true``/``y_pred`` as short text: a number, or the first few of a vector."""
    v = np.asarray(values)[index]
    flat = np.ravel(v)
    if flat.size == 1:
        return f"{float(flat[0]):.2f}"
    return ", ".join(f"{float(x):.2f}" for x in flat[:3]) + (", …" if flat.size > 3 else "")


def loss_to_html(explanation, *, y_true=None, y_pred=None, headline: bool = True) -> str:
    """Return HTML for a :class:`~masklab.losses.MaskedLossExplanation`.

    Args:
        explanation: the explanation to draw.
        y_true, y_pred: optional, the arrays it was computed from (batch
            axis first). With them and ``(batch, timesteps)`` per-element
            losses, each sample is drawn as a timestep grid of ``y_true``,
            ``y_pred``, the loss (shaded by its size) and whether it is kept.
        headline: whether to start with the ``loss = ...`` line (a view that
            already shows the quotient leaves it out).

    Returns:
        ``str``: the line ``loss = numerator / denominator = value``, the
        numerator written out as the sum of the kept ``loss x weight``, and a
        ``<table class="masklab-loss">``: one row per element (kept, loss,
        weight, loss x weight), or the timestep grid. Masked elements (weight
        0) are marked "masked" in words and struck through, not greyed.
    """
    e = explanation
    kept = [(index, c) for index, _, w, c in e.rows() if w != 0]
    terms = " + ".join(f"{c:.4f}" for _, c in kept[:12]) + (" + …" if len(kept) > 12 else "")
    numerator = f"{terms} = {e.numerator:.4f}" if kept else f"{e.numerator:.4f} (every element is masked)"
    top = max((abs(loss) for _, loss, _, _ in e.rows()), default=0.0) or 1.0
    cell = f"padding:2px 8px;color:{TEXT};text-align:right"
    if y_true is not None and y_pred is not None and e.losses.ndim == 2:
        table = []
        steps = e.losses.shape[1]
        for i in range(e.losses.shape[0]):
            head = "".join(f"<th scope='col' style='{_HEAD};text-align:right'>t{t}</th>" for t in range(steps))
            table.append(f"<tr><th scope='row' style='{_HEAD};font-weight:bold'>sample {i}</th>{head}</tr>")
            for name, row in (("y_true", y_true), ("y_pred", y_pred)):
                tds = "".join(f"<td style='{cell}'>{_value_text(row, (i, t))}</td>" for t in range(steps))
                table.append(f"<tr><th scope='row' style='{_HEAD}'>{name}</th>{tds}</tr>")
            losses, marks = [], []
            for t in range(steps):
                loss, weight = float(e.losses[i, t]), float(e.weights[i, t])
                if weight:
                    background, ink = _shade(abs(loss) / top)
                    losses.append(f"<td data-kept='1' aria-label='t{t} loss {loss:.4f}, kept' "
                                  f"style='{_CELL};background:{background};color:{ink}'>{loss:.4f}</td>")
                    marks.append(f"<td style='{cell};text-align:center'>&#10003; kept</td>")
                else:
                    losses.append(f"<td data-masked='1' aria-label='t{t} loss {loss:.4f}, masked' "
                                  f"style='{_CELL};{_HATCH};font-style:italic'><s>{loss:.4f}</s></td>")
                    marks.append(f"<td style='{cell};text-align:center;font-style:italic'>&#10007; masked</td>")
            table.append(f"<tr><th scope='row' style='{_HEAD}'>loss</th>{''.join(losses)}</tr>")
            table.append(f"<tr><th scope='row' style='{_HEAD}'>mask</th>{''.join(marks)}</tr>")
        body = "".join(table)
    else:
        head = "".join(f"<th scope='col' style='{_HEAD};font-weight:bold'>{h}</th>"
                       for h in ("element", "", "loss", "weight", "loss x weight"))
        rows = []
        for index, loss, w, c in e.rows():
            if w == 0:
                rows.append(f"<tr data-masked='1' style='font-style:italic'><td style='{cell}'>{index}</td>"
                            f"<td style='{cell}'>&#10007; masked</td><td style='{cell}'>{loss:.4f}</td>"
                            f"<td style='{cell}'>{w:g}</td><td style='{cell}'><s>{c:.4f}</s></td></tr>")
            else:
                rows.append(f"<tr><td style='{cell}'>{index}</td><td style='{cell}'>&#10003; kept</td>"
                            f"<td style='{cell}'>{loss:.4f}</td><td style='{cell}'>{w:g}</td>"
                            f"<td style='{cell}'><b>{c:.4f}</b></td></tr>")
        body = f"<tr>{head}</tr>" + "".join(rows)
    return (
        f"<div class='masklab-loss-view' style='color:{TEXT}'>"
        + (f"<p style='margin:2px 0'><b>loss = {e.numerator:.4f} / {e.denominator:g} = {e.value:.4f}</b> "
           f"(reduction={html.escape(repr(e.reduction))})</p>" if headline else "")
        + f"<p style='margin:2px 0'>numerator, the kept loss x weight: {numerator}</p>"
        f"<table class='masklab-loss' style='border-collapse:collapse'>{body}</table></div>"
    )


def attention_to_html(mask, weights=None, *, title: str = "") -> str:
    """Return an HTML grid of one ``(T_q, T_k)`` attention mask, with the weights written in.

    Rows are queries, columns keys. Allowed cells (``True``: may attend) are
    blue, forbidden ones hatched grey; with ``weights`` each cell shows its
    attention weight (2 decimals), allowed cells are shaded by it (opaque,
    with black or white text, whichever reads better) and forbidden ones
    are italic. Each cell's ``aria-label`` says "may attend" or "masked".

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
    head = "<tr><th></th>" + "".join(f"<th scope='col' style='{_HEAD}'>k{j}</th>" for j in range(mask.shape[1]))
    rows = [head + "</tr>"]
    for i, row in enumerate(mask):
        cells = [f"<th scope='row' style='{_HEAD}'>q{i}</th>"]
        for j, allowed in enumerate(row):
            text = "" if values is None else f"{values[i, j]:.2f}"
            if allowed:
                shade = 1.0 if values is None else 0.25 + 0.75 * float(np.clip(values[i, j], 0, 1))
                background, ink = _shade(shade, light="#ffffff", dark="#2b7bba")
                cells.append(f"<td aria-label='q{i} k{j}: may attend{(', weight ' + text) if text else ''}' "
                             f"style='{_CELL};background:{background};color:{ink}'>{text}</td>")
            else:
                cells.append(f"<td data-masked='1' aria-label='q{i} k{j}: masked' "
                             f"style='{_CELL};{_HATCH};font-style:italic'>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<caption style='font-size:12px;color:{TEXT}'>{html.escape(title)}</caption>" if title else ""
    return f"<table class='masklab-attention' style='border-collapse:collapse'>{caption}{''.join(rows)}</table>"
