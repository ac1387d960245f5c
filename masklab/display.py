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
from masklab._i18n import _, ngettext
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
        # English in every language: trace_masks' table (not translated) shows masks with this view.
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


def _diagnosis_columns() -> tuple:
    """The column headings of :func:`diagnosis_to_html`, in the chosen language."""
    return ("",
            # Translators: a column heading of masklab.diagnose's table; the cells below hold finding kinds,
            # identifiers such as mask_lost, which stay in English.
            _("kind"),
            # Translators: a column heading of masklab.diagnose's table: the layer where the finding happened.
            _("layer"),
            # Translators: a column heading of masklab.diagnose's table: the layer (or "loss") that needed the
            # lost mask.
            _("needed by"),
            # Translators: a column heading of masklab.diagnose's table: the description of the finding.
            _("what happened"),
            # Translators: a column heading of masklab.diagnose's table: what to change.
            _("fix"))


def diagnosis_to_html(diagnosis) -> str:
    """Return an HTML table of a :class:`~masklab.doctor.Diagnosis` (the findings of ``masklab.diagnose``).

    Args:
        diagnosis: the diagnosis (or any sequence of
            :class:`~masklab.doctor.Finding`; ``trace`` read when present).

    Returns:
        ``str``, a ``<div class='masklab-diagnosis'>``: for a healthy model a
        line saying "no findings"; otherwise a table with one row per finding
        (number, kind, layer, the layer that needed the mask, what happened,
        the fix). Every row is a problem, told by more than colour: a warning
        sign, a bar at the row's start and ``data-kind='<kind>'``.
    """
    traced = getattr(diagnosis, "trace", None)
    calls = len(traced) if traced is not None else None
    if not len(diagnosis):
        if calls is None:
            # Translators: masklab.diagnose's verdict on a healthy model; "mask" is Keras' mask.
            verdict = _("no findings: every mask reached the layers that use it.")
        else:
            # Translators: masklab.diagnose's verdict on a healthy model; {calls} is the number of layer calls
            # it traced (the English keeps "calls" for any number, so both forms are the same).
            verdict = ngettext("no findings in {calls} layer calls: every mask reached the layers that use it.",
                               "no findings in {calls} layer calls: every mask reached the layers that use it.",
                               calls).format(calls=calls)
        return (f"<div class='masklab-diagnosis' style='color:{TEXT}'><p style='margin:2px 0'>&#10003; "
                f"{html.escape(verdict)}</p></div>")
    head = "".join(f"<th scope='col' style='{_HEAD};font-weight:bold;font-family:inherit'>{html.escape(h)}</th>"
                   for h in _diagnosis_columns())
    cell = f"padding:2px 8px;vertical-align:top;color:{TEXT};text-align:left"
    rows = []
    for number, finding in enumerate(diagnosis, 1):
        values = (f"&#9888; {number}", f"<b>{html.escape(finding.kind)}</b>", html.escape(finding.layer),
                  html.escape(finding.consumer or ""), html.escape(finding.what), html.escape(finding.fix))
        rows.append(
            f"<tr data-kind='{html.escape(finding.kind)}'>"
            + "".join(f"<td style='{cell}{f';box-shadow:inset 4px 0 0 {WARN};white-space:nowrap' if j == 0 else ''}"
                      f"{';font-family:monospace' if j in (2, 3) else ''}'>{v}</td>" for j, v in enumerate(values))
            + "</tr>"
        )
    count = len(diagnosis)
    if calls is None:
        # Translators: the caption of masklab.diagnose's table; {count} is the number of findings.
        title = ngettext("{count} finding", "{count} findings", count).format(count=count)
    else:
        # Translators: the caption of masklab.diagnose's table; {count} is the number of findings, {calls} the
        # number of layer calls traced (the plural form follows {count}).
        title = ngettext("{count} finding in {calls} layer calls", "{count} findings in {calls} layer calls",
                         count).format(count=count, calls=calls)
    caption = (f"<caption style='caption-side:top;text-align:left;color:{TEXT};padding:2px 0'>"
               f"{html.escape(title)}</caption>")
    return (f"<div class='masklab-diagnosis'><table style='border-collapse:collapse'>{caption}<tr>{head}</tr>"
            f"{''.join(rows)}</table></div>")


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


def loss_to_html(explanation, *, y_true=None, y_pred=None, headline: bool = True, formula=None,
                 keras_value=None) -> str:
    """Return HTML for a :class:`~masklab.losses.MaskedLossExplanation`.

    Args:
        explanation: the explanation to draw.
        y_true, y_pred: optional, the arrays it was computed from (batch
            axis first). With them and ``(batch, timesteps)`` per-element
            losses, each sample is drawn as a timestep grid of ``y_true``,
            ``y_pred``, the loss (shaded by its size) and whether it is kept.
        headline: whether to start with the ``loss = ...`` line (a view that
            already shows the quotient leaves it out).
        formula: optional ``str``, the reduction in words or symbols, e.g.
            ``"sum(mask × loss) / sum(mask)"``: the headline then reads
            ``loss = formula = numerator / denominator = value``, so the
            formula stands next to its numbers. The caller chooses it (the
            explanation does not record whether weights came from a mask or
            from ``sample_weight``).
        keras_value: optional number, the loss Keras computed for the same
            inputs; the headline ends with ``Keras: value`` (4 decimals).

    Returns:
        ``str``: the line ``loss = numerator / denominator = value``, the
        numerator written out as the sum of the kept ``loss x weight``, and a
        ``<table class="masklab-loss">``: one row per element (kept, loss,
        weight, loss x weight), or the timestep grid. Masked elements (weight
        0) are marked "masked" in words and struck through, not greyed; in
        the grid, those left out by ``ignore_class`` (the explanation's
        ``ignored``) are marked "ignored".

    Raises:
        TypeError: ``formula`` is not a str, or ``keras_value`` is not a real
            number.

    Example:

    >>> from masklab.losses import explain_masked_loss
    >>> e = explain_masked_loss([[[0.0], [0.0], [0.0]]], [[[1.0], [3.0], [5.0]]], [[True, True, False]])
    >>> page = loss_to_html(e, formula="sum(mask × loss) / sum(mask)", keras_value=5.0)
    >>> "loss = sum(mask × loss) / sum(mask) = 10.0000 / 2 = 5.0000" in page, "Keras: <b>5.0000</b>" in page
    (True, True)
    """
    if formula is not None and not isinstance(formula, str):
        raise TypeError(f"formula must be a str such as 'sum(mask × loss) / sum(mask)', got {_show(formula)}")
    if keras_value is not None and (isinstance(keras_value, bool) or not isinstance(keras_value, numbers.Real)):
        raise TypeError(f"keras_value must be a real number (the loss Keras reported), got {_show(keras_value)}")
    e = explanation
    kept = [(index, c) for index, _loss, w, c in e.rows() if w != 0]
    terms = " + ".join(f"{c:.4f}" for _index, c in kept[:12]) + (" + …" if len(kept) > 12 else "")
    if kept:
        numerator = f"{terms} = {e.numerator:.4f}"
    else:
        numerator = _("{numerator} (every element is masked)").format(numerator=f"{e.numerator:.4f}")
    top = max((abs(loss) for _index, loss, _weight, _product in e.rows()), default=0.0) or 1.0
    # Translators: a loss table's marks: a timestep the loss keeps, one the mask drops, one ignore_class drops.
    words = {"kept": _("kept"), "masked": _("masked"), "ignored": _("ignored")}
    cell = f"padding:2px 8px;color:{TEXT};text-align:right"
    ignored = getattr(e, "ignored", None)  # True where y_true == ignore_class (masklab.losses), or None
    if y_true is not None and y_pred is not None and e.losses.ndim == 2:
        table = []
        steps = e.losses.shape[1]
        for i in range(e.losses.shape[0]):
            head = "".join(f"<th scope='col' style='{_HEAD};text-align:right'>t{t}</th>" for t in range(steps))
            sample = _("sample {index}").format(index=i)
            table.append(f"<tr><th scope='row' style='{_HEAD};font-weight:bold'>{sample}</th>{head}</tr>")
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
                    marks.append(f"<td style='{cell};text-align:center'>&#10003; {words['kept']}</td>")
                else:
                    why = "ignored" if ignored is not None and ignored[i, t] else "masked"
                    losses.append(f"<td data-masked='1' aria-label='t{t} loss {loss:.4f}, {why}' "
                                  f"style='{_CELL};{_HATCH};font-style:italic'><s>{loss:.4f}</s></td>")
                    marks.append(f"<td style='{cell};text-align:center;font-style:italic'>&#10007; {words[why]}</td>")
            table.append(f"<tr><th scope='row' style='{_HEAD}'>loss</th>{''.join(losses)}</tr>")
            table.append(f"<tr><th scope='row' style='{_HEAD}'>mask</th>{''.join(marks)}</tr>")
        body = "".join(table)
    else:
        head = "".join(f"<th scope='col' style='{_HEAD};font-weight:bold'>{h}</th>"
                       # Translators: the columns of a loss table: which element, kept or masked, its loss,
                       # its weight (the mask as 0/1 times any sample weight) and the product of the two.
                       for h in (_("element"), "", _("loss"), _("weight"), _("loss x weight")))
        rows = []
        for index, loss, w, c in e.rows():
            if w == 0:
                rows.append(f"<tr data-masked='1' style='font-style:italic'><td style='{cell}'>{index}</td>"
                            f"<td style='{cell}'>&#10007; {words['masked']}</td><td style='{cell}'>{loss:.4f}</td>"
                            f"<td style='{cell}'>{w:g}</td><td style='{cell}'><s>{c:.4f}</s></td></tr>")
            else:
                rows.append(f"<tr><td style='{cell}'>{index}</td><td style='{cell}'>&#10003; {words['kept']}</td>"
                            f"<td style='{cell}'>{loss:.4f}</td><td style='{cell}'>{w:g}</td>"
                            f"<td style='{cell}'><b>{c:.4f}</b></td></tr>")
        body = f"<tr>{head}</tr>" + "".join(rows)
    return (
        f"<div class='masklab-loss-view' style='color:{TEXT}'>"
        + ("<p style='margin:2px 0'><b>loss = "
           + (f"{html.escape(formula)} = " if formula is not None else "")
           + f"{e.numerator:.4f} / {e.denominator:g} = {e.value:.4f}</b> "
           f"(reduction={html.escape(repr(e.reduction))})"
           + (f" &nbsp; Keras: <b>{float(keras_value):.4f}</b>" if keras_value is not None else "")
           + "</p>" if headline else "")
        + f"<p style='margin:2px 0'>{_('numerator, the kept loss x weight: {terms}').format(terms=numerator)}</p>"
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


def _steps_array(name, value, shape_hint, ndim, kind="f"):
    """``value`` as a NumPy array of rank ``ndim`` (floats, or bools for kind "b"); ValueError names it."""
    array = np.asarray(value, dtype=bool if kind == "b" else float)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have shape {shape_hint}, got shape {array.shape}")
    return array


def embedding_steps_to_html(ids, rows, mask, outputs, *, carried=None, embeddings=None, title: str = "") -> str:
    """Return an HTML table of one sequence through ``Embedding(mask_zero=True)`` and an RNN: a row per timestep.

    Side by side, for each timestep ``t``: the id, the Embedding's output row
    (one cell per number, 2 decimals), the mask and the RNN's output (3
    decimals). Masked timesteps are hatched, their mask cell says "masked" in
    words (kept cells are dark blue and say "kept"), and every row's
    ``aria-label`` says both. With ``carried``, an output that repeats the step
    before says so ("repeats t<i>", or "zeros (initial)" at the first step, the RNN's initial
    output). With ``embeddings``, a second table lists the embedding matrix, a
    row per id, so a padded step's row can be matched with row 0.

    Args:
        ids: ints, shape ``(T,)``.
        rows: floats ``(T, output_dim)``, the Embedding's output.
        mask: bools ``(T,)`` (``True`` = kept), or None when no mask was
            attached (then every step is drawn as kept and the mask column
            says "no mask").
        outputs: floats ``(T, units)``, the RNN's output at every step
            (``return_sequences=True``).
        carried: optional bools ``(T,)``: whether step ``t``'s output equals the
            one before (zeros before step 0).
        embeddings: optional floats ``(input_dim, output_dim)``, the layer's weights.
        title: caption of the steps table.

    Returns:
        ``str``: a ``<table class="masklab-steps">`` (masked rows carry
        ``data-masked="1"``, repeated outputs ``data-carried="1"``), then, with
        ``embeddings``, a ``<table class="masklab-embeddings">``.

    Raises:
        ValueError: an argument's rank is wrong, or the lengths ``T`` differ
            (the message names the argument and the shapes).

    Example:

    >>> page = embedding_steps_to_html([1, 0], [[0.1, 0.2], [0.3, 0.4]], [True, False], [[0.5], [0.5]],
    ...                                carried=[False, True])
    >>> page.count('data-masked="1"'), page.count('data-carried="1"')
    (1, 1)
    """
    ids = _steps_array("ids", ids, "(T,)", 1)
    rows = _steps_array("rows", rows, "(T, output_dim)", 2)
    outputs = _steps_array("outputs", outputs, "(T, units)", 2)
    masked = None if mask is None else ~_steps_array("mask", mask, "(T,)", 1, "b")
    repeats = None if carried is None else _steps_array("carried", carried, "(T,)", 1, "b")
    steps = len(ids)
    for name, array in (("rows", rows), ("mask", masked), ("outputs", outputs), ("carried", repeats)):
        if array is not None and len(array) != steps:
            raise ValueError(f"{name} must have one entry per id ({steps}), got shape {array.shape}")
    head = (f"<tr><th scope='col' style='{_HEAD}'>t</th><th scope='col' style='{_HEAD}'>id</th>"
            f"<th scope='col' colspan='{rows.shape[1]}' style='{_HEAD}'>{_('Embedding output (row of the matrix)')}</th>"
            # Translators: a column heading: the Keras mask at each timestep.
            f"<th scope='col' style='{_HEAD}'>{_('mask')}</th>"
            f"<th scope='col' colspan='{outputs.shape[1]}' style='{_HEAD}'>{_('LSTM output')}</th>"
            + (f"<th scope='col' style='{_HEAD}'></th>" if repeats is not None else "") + "</tr>")
    body = []
    for t in range(steps):
        off = masked is not None and bool(masked[t])
        state = "no mask" if masked is None else ("masked" if off else "kept")
        look = f"{_CELL};{_HATCH};font-style:italic" if off else f"{_CELL};background:{REAL}"
        cells = [f"<th scope='row' style='{_HEAD}'>t{t}</th>", f"<td style='{look}'>{int(ids[t])}</td>"]
        cells += [f"<td style='{look}'>{v:.2f}</td>" for v in rows[t]]
        if masked is None:
            cells.append(f"<td style='{_HEAD};font-style:italic'>{_('no mask')}</td>")
        elif off:
            cells.append(f"<td style='{_CELL};{_HATCH};font-style:italic'>{_('masked')}</td>")
        else:
            cells.append(f"<td style='{_CELL};background:{KEEP};color:#fff'>{_('kept')}</td>")
        cells += [f"<td style='{look}'>{v:.3f}</td>" for v in outputs[t]]
        if repeats is not None:
            # Translators: the RNN's output at a step: carried over from the step before, or "new".
            note = ("= zeros" if t == 0 else f"= t{t - 1}") if repeats[t] else _("new")
            flag = ' data-carried="1"' if repeats[t] else ""
            cells.append(f"<td{flag} style='{_HEAD}'>{note}</td>")
        flag = ' data-masked="1"' if off else ""
        label = f"t{t}: id {int(ids[t])}, {state}"
        body.append(f"<tr{flag} aria-label='{html.escape(label)}'>" + "".join(cells) + "</tr>")
    caption = f"<caption style='font-size:12px;color:{TEXT}'>{html.escape(title)}</caption>" if title else ""
    page = (f"<table class='masklab-steps' style='border-collapse:collapse'>{caption}{head}"
            f"{''.join(body)}</table>")
    if embeddings is not None:
        weights = _steps_array("embeddings", embeddings, "(input_dim, output_dim)", 2)
        used = {int(i) for i in ids}
        lines = []
        for i, row in enumerate(weights):
            name = _("{id} (padding)").format(id=i) if i == 0 else str(i)
            # Translators: beside a row of the embedding matrix that an id of the sequence selected.
            mark = " &#8592; " + _("looked up") if i in used else ""
            lines.append(f"<tr><th scope='row' style='{_HEAD}'>{name}</th>"
                         + "".join(f"<td style='{_CELL};background:{REAL}'>{v:.2f}</td>" for v in row)
                         + f"<td style='{_HEAD}'>{mark}</td></tr>")
        page += (f"<table class='masklab-embeddings' style='border-collapse:collapse;margin-top:6px'>"
                 f"<caption style='font-size:12px;color:{TEXT}'>{_('the embedding matrix, a row per id')}</caption>"
                 f"{''.join(lines)}</table>")
    return page


# Series styles for accuracy_curves_to_html: colours with 3:1 or more contrast on the chart's white
# background (Okabe-Ito blue and vermillion, a purple, a dark gold), and dashes, so two series never
# rely on colour alone and a dashed series stays visible where it lies on a solid one.
_SERIES = (("#0072B2", ""), ("#6a3d9a", "7 4"), ("#D55E00", ""), ("#8c6d00", "7 4"),
           ("#1a1a1a", "2 3"), ("#007a5a", "9 3 2 3"))


def _curve_inputs(maxlens, accuracies, at, reference, baseline):
    """Validate :func:`accuracy_curves_to_html`'s inputs; return ``(xs, {label: ys}, at, reference, baseline)``."""
    if isinstance(maxlens, (str, bytes)) or not hasattr(maxlens, "__len__"):
        raise TypeError(f"maxlens must be a sequence of ints, got {_show(maxlens)}")
    xs = []
    for x in maxlens:
        if isinstance(x, bool) or not isinstance(x, numbers.Integral) or x <= 0:
            raise ValueError(f"maxlens must hold positive ints, got {_show(x)}")
        xs.append(int(x))
    if not xs or not np.all(np.diff(xs) > 0):
        raise ValueError(f"maxlens must be a non-empty, strictly increasing sequence, got {_show(list(xs))}")
    if not isinstance(accuracies, dict) or not accuracies:
        raise TypeError(f"accuracies must be a non-empty dict of label -> accuracies, got {_show(accuracies)}")
    if len(accuracies) > len(_SERIES):
        raise ValueError(f"accuracies may hold at most {len(_SERIES)} series, got {len(accuracies)}")
    series = {}
    for label, ys in accuracies.items():
        if not isinstance(label, str):
            raise TypeError(f"accuracies' keys must be str labels, got {_show(label)}")
        try:
            values = np.asarray(ys, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"accuracies[{label!r}] must be numbers, got {_show(ys)}") from None
        if values.shape != (len(xs),):
            raise ValueError(f"accuracies[{label!r}] must hold one accuracy per maxlen ({len(xs)}), "
                             f"got shape {values.shape}")
        if not np.all((values >= 0) & (values <= 1)):
            raise ValueError(f"accuracies[{label!r}] must lie in [0, 1], got {_show(values.tolist())}")
        series[label] = values
    for name, value in (("at", at), ("reference", reference)):
        if value is not None and (isinstance(value, bool) or value not in xs):
            raise ValueError(f"{name} must be one of maxlens {xs} or None, got {_show(value)}")
    if baseline is not None:
        if isinstance(baseline, bool) or not isinstance(baseline, numbers.Real) or not 0 <= baseline <= 1:
            raise ValueError(f"baseline must be a number in [0, 1] or None, got {_show(baseline)}")
        baseline = float(baseline)
    return xs, series, (None if at is None else int(at)), (None if reference is None else int(reference)), baseline


def accuracy_curves_to_html(maxlens, accuracies, *, at=None, reference=None, baseline=None, title: str = "") -> str:
    """Return an HTML view of accuracy against test padding length: an SVG chart and a table.

    The chart draws one line per series (colour and dash told apart, a dot
    per measured length with a tooltip), a vertical marker at ``at``, a
    dotted line at ``reference`` (the padding length used in training) and,
    with ``baseline``, a dashed grey horizontal line. The chart has its own
    white background and dark ink, so it reads in light and dark themes. The
    table under it gives each series' accuracy at ``at`` and its change from
    ``reference``, in words as well as numbers.

    Args:
        maxlens: strictly increasing positive ints, the test padding lengths
            (the x axis), length ``n >= 1``.
        accuracies: dict of ``label`` (str) -> ``n`` accuracies in ``[0, 1]``,
            at most 6 series, drawn in the dict's order.
        at: one of ``maxlens``, the length the marker and the table show;
            None shows the last.
        reference: one of ``maxlens`` or None: the length the table's change is
            measured from (None: ``maxlens[0]``).
        baseline: optional accuracy in ``[0, 1]`` to draw for comparison.
        title: caption (str).

    Returns:
        ``str``: a ``<div class='masklab-curves-view'>`` holding an ``<svg
        role='img'>`` (its ``aria-label`` lists the accuracies at ``at``) and a
        ``<table class='masklab-curves'>``; a table row whose accuracy fell by
        more than 0.5 points from ``reference`` carries ``data-dropped="1"``.

    Raises:
        TypeError: ``maxlens`` not a sequence; ``accuracies`` not a non-empty
            dict, or a key that is not a str, or values that are not numbers.
        ValueError: ``maxlens`` empty, not strictly increasing or not positive
            ints; a series of the wrong length or outside ``[0, 1]``; more than
            6 series; ``at``/``reference`` not in ``maxlens``; ``baseline``
            outside ``[0, 1]``.

    >>> page = accuracy_curves_to_html([29, 60], {"masked": [0.98, 0.98], "not masked": [0.97, 0.83]}, at=60)
    >>> page.count("<polyline"), page.count('data-dropped="1"')
    (2, 1)
    """
    xs, series, at, reference, baseline = _curve_inputs(maxlens, accuracies, at, reference, baseline)
    at = xs[-1] if at is None else at
    reference = xs[0] if reference is None else reference
    i_at, i_ref = xs.index(at), xs.index(reference)
    width, height, left, right, top, bottom = 560, 250, 52, 22, 22, 40
    lowest = min([float(v.min()) for v in series.values()] + ([baseline] if baseline is not None else []))
    y_min = min(0.5, np.floor(lowest * 10) / 10)
    span = max(xs[-1] - xs[0], 1)

    def px(x):
        return left + (width - left - right) * ((x - xs[0]) / span if len(xs) > 1 else 0.5)

    def py(y):
        return top + (height - top - bottom) * (1.0 - (y - y_min) / (1.0 - y_min))

    parts = [f"<rect x='0' y='0' width='{width}' height='{height}' fill='#ffffff' stroke='#bdbdbd'/>"]
    for k in range(round(float(y_min) * 10), 11):  # horizontal grid and y labels every 10 points
        y = py(k / 10)
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e6e6e6'/>"
                     f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' font-size='11' fill='{INK}'>"
                     f"{k * 10}%</text>")
    for x in xs:
        parts.append(f"<text x='{px(x):.1f}' y='{height - bottom + 15}' text-anchor='middle' font-size='11' "
                     f"fill='{INK}'>{x}</text>")
    parts.append(f"<text x='{(left + width - right) / 2:.1f}' y='{height - 6}' text-anchor='middle' font-size='11' "
                 f"fill='{INK}'>test set padded to (frames)</text>")
    parts.append(f"<line x1='{px(reference):.1f}' x2='{px(reference):.1f}' y1='{top}' y2='{height - bottom}' "
                 f"stroke='#757575' stroke-dasharray='2 3'/>"
                 f"<text x='{px(reference) + 4:.1f}' y='{height - bottom - 6}' font-size='11' fill='{INK}'>"
                 f"trained: {reference}</text>")
    if baseline is not None:
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{py(baseline):.1f}' y2='{py(baseline):.1f}' "
                     f"stroke='#757575' stroke-dasharray='6 4'/>"
                     f"<text x='{left + 4}' y='{py(baseline) + 13:.1f}' font-size='11' "
                     f"fill='{INK}'>baseline {baseline:.1%}</text>")
    for (label, ys), (colour, dash) in zip(series.items(), _SERIES):
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys))
        dashes = f" stroke-dasharray='{dash}'" if dash else ""
        parts.append(f"<polyline points='{points}' fill='none' stroke='{colour}' stroke-width='2.5'{dashes}/>")
        for x, y in zip(xs, ys):
            parts.append(f"<circle cx='{px(x):.1f}' cy='{py(y):.1f}' r='3' fill='{colour}'>"
                         f"<title>{html.escape(label)}: {y:.1%} at {x} frames</title></circle>")
    # The marker's label stays inside the chart: anchored at its end near the right edge, its start near the left.
    anchor = "end" if px(at) > width - right - 40 else "start" if px(at) < left + 40 else "middle"
    parts.append(f"<line x1='{px(at):.1f}' x2='{px(at):.1f}' y1='{top - 6}' y2='{height - bottom}' stroke='{INK}' "
                 f"stroke-width='1.5'/><text x='{px(at):.1f}' y='{top - 9}' text-anchor='{anchor}' font-size='11' "
                 f"font-weight='bold' fill='{INK}'>{_('{count} frames').format(count=at)}</text>")
    legend = []
    for (label, _ys), (colour, dash) in zip(series.items(), _SERIES):
        dashes = f" stroke-dasharray='{dash}'" if dash else ""
        legend.append(f"<span style='display:inline-flex;align-items:center;gap:4px;margin-right:14px'>"
                      f"<svg width='30' height='10' aria-hidden='true' style='background:#fff'>"
                      f"<line x1='1' x2='29' y1='5' y2='5' stroke='{colour}' stroke-width='2.5'{dashes}/></svg>"
                      f"{html.escape(label)}</span>")
    described = "; ".join(f"{label} {ys[i_at]:.1%}" for label, ys in series.items())
    chart = (f"<svg class='masklab-curves-chart' role='img' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' style='max-width:100%;height:auto' "
             f"aria-label='{html.escape(f'test accuracy with the test set padded to {at} frames: {described}')}'>"
             f"{''.join(parts)}</svg>")
    # Translators: the columns of the capstone's table: the model, its test accuracy with the test set
    # padded to {count} frames (timesteps), and the change from the accuracy at {reference} frames.
    headings = (_("model"), _("accuracy at {count} frames").format(count=at),
                _("change from {reference} frames").format(reference=reference))
    rows = ["<tr>" + "".join(f"<th scope='col' style='{_HEAD};font-weight:bold'>{h}</th>" for h in headings) + "</tr>"]
    for label, ys in series.items():
        change = (ys[i_at] - ys[i_ref]) * 100
        dropped = change < -0.5
        # Translators: the change of accuracy, in percentage points ("+1.5 points").
        words = _("unchanged") if abs(change) < 0.05 else _("{change} points").format(change=f"{change:+.1f}")
        flag = ' data-dropped="1"' if dropped else ""
        bar = f";border-left:4px solid {WARN}" if dropped else ""
        rows.append(f"<tr{flag}><th scope='row' style='{_HEAD}{bar}'>{html.escape(label)}</th>"
                    f"<td style='{_HEAD}'>{ys[i_at]:.1%}</td>"
                    f"<td style='{_HEAD}'>{'<b>' + words + '</b>' if dropped else words}</td></tr>")
    caption = f"<p style='margin:2px 0'><b>{html.escape(title)}</b></p>" if title else ""
    return (f"<div class='masklab-curves-view' style='color:{TEXT}'>{caption}{chart}"
            f"<div style='font-size:12px;margin:2px 0 4px'>{''.join(legend)}</div>"
            f"<table class='masklab-curves' style='border-collapse:collapse'>{''.join(rows)}</table></div>")
