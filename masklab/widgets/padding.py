"""PaddingExplorer: pad real sequences interactively and watch the grid, mask and lengths."""

from __future__ import annotations

import html
import math
import numbers

import ipywidgets as widgets
import numpy as np

from masklab._i18n import _
from masklab.display import TEXT, batch_to_html, mask_to_html
from masklab.padding import pad_batch
from masklab.widgets._base import _Explorer


def _value_problem(value, dtype) -> str | None:
    """Why ``value`` cannot be the explorer's padding value for ``dtype`` (one sentence), or None.

    Covers what ``keras.utils.pad_sequences`` lets through without an error: NaN and the
    infinities (for an integer dtype it casts them to an arbitrary integer, e.g. -2147483648, with
    only a RuntimeWarning) and, for a float dtype, a number too large for it (written as inf).
    Everything else (the type of ``value``, a non-integer or out-of-range value for an integer
    dtype, a bad dtype) is left to :func:`masklab.pad_batch`, which names it.

    Args:
        value: the padding value, any object.
        dtype: anything ``np.dtype`` accepts, or something it refuses (then only NaN and the
            infinities are checked).

    Returns:
        ``str`` naming ``value``, the value and what was expected, or None.

    >>> print(_value_problem(float("nan"), "int32"))  # doctest: +NORMALIZE_WHITESPACE
    value must be a finite integer when dtype is int32, got nan
    (keras.utils.pad_sequences would cast it to an arbitrary integer without an error)
    >>> print(_value_problem(1e300, "float32"))
    value must fit dtype float32 (at most 3.403e+38 in size), got 1e+300; it would be written as inf
    >>> _value_problem(7, "int32") is None
    True
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        np_dtype = np.dtype(dtype)
    except TypeError:
        np_dtype = None
    if not isinstance(value, numbers.Integral) and not math.isfinite(value):
        if np_dtype is not None and np_dtype.kind in "iu":
            return (f"value must be a finite integer when dtype is {np_dtype}, got {value!r} "
                    "(keras.utils.pad_sequences would cast it to an arbitrary integer without an error)")
        return f"value must be a finite number for the explorer's value box, got {value!r}"
    if np_dtype is not None and np_dtype.kind == "f":
        try:
            with np.errstate(over="ignore"):
                fits = bool(np.isfinite(np.array(float(value)).astype(np_dtype)))
        except OverflowError:  # an int too large for a Python float
            fits = False
        if not fits:
            return (f"value must fit dtype {np_dtype} (at most {float(np.finfo(np_dtype).max):.4g} in size), "
                    f"got {value!r}; it would be written as inf")
    return None


class PaddingExplorer(_Explorer):
    """Pad real sequences interactively and watch the grid, mask and lengths.

    Controls: ``padding`` and ``truncating`` (``"pre"``/``"post"`` radio
    buttons: the chosen side is a checked radio, for eyes and screen readers
    alike), ``maxlen`` (slider from 1 to the longest sequence + 2) and
    ``value`` (the padding value). Every change calls
    :func:`masklab.pad_batch` (so ``keras.utils.pad_sequences``) and
    updates ``batch``, ``grid`` and ``summary``. A value typed into the box
    that the batch cannot hold (NaN, an infinity, a number too large for
    ``dtype``) is replaced by the last good value.

    Args:
        sequences: list of ``n`` sequences, as for :func:`masklab.pad_batch`:
            token ids (1-D, lengths may differ) or ``(frames, features)``
            arrays with the same ``features``.
        row_labels: optional list of ``n`` strings, one per sequence (e.g. the
            sentence or the speaker), shown in full (long labels wrap).
        maxlen: initial maxlen, a positive int; None starts at the longest
            sequence.
        padding, truncating: initial sides, ``"pre"`` (Keras' default) or
            ``"post"``.
        value: initial padding value, a finite real number (an integer when
            ``dtype`` is an integer dtype).
        dtype: NumPy dtype of the padded values (``batch.values``); None picks
            ``"int32"`` for integer data and ``"float32"`` when any sequence
            holds floats.

    Attributes:
        batch: the current :class:`~masklab.PaddedBatch`: ``values`` of shape
            ``(n, maxlen)`` or ``(n, maxlen, features)`` and dtype ``dtype``,
            ``mask`` bool ``(n, maxlen)``, ``lengths`` int ``(n,)``.
        padding, truncating: ``ipywidgets.RadioButtons``.
        maxlen: ``ipywidgets.IntSlider``.
        value: ``ipywidgets.FloatText``.
        grid: ``ipywidgets.HTML`` with the padded values, and the ids
            truncation dropped, struck through, on the side they were cut from.
        summary: ``ipywidgets.HTML`` with the mask and the lengths.

    Raises:
        TypeError: as :func:`masklab.pad_batch`: ``sequences`` is not a list
            of sequences or holds non-numbers; ``value`` is not a real number;
            a ``dtype`` that is not an integer or float dtype. ``row_labels``
            that is not a list.
        ValueError: as :func:`masklab.pad_batch`: a bad ``maxlen``,
            ``padding`` or ``truncating``; a non-integer ``value`` for an
            integer ``dtype``. Also ``row_labels`` that is not one label per
            sequence; a ``value`` that is NaN or infinite (with an integer
            ``dtype``, ``keras.utils.pad_sequences`` would silently write an
            arbitrary integer instead) or too large for a float ``dtype``.
        OverflowError: as :func:`masklab.pad_batch`, an integer ``value`` or
            datum outside the range of an integer ``dtype``.

    Example:

    >>> explorer = PaddingExplorer([[3, 1, 4, 1, 5], [9, 2]])
    >>> explorer.maxlen.value = 3
    >>> explorer.batch.values.tolist()
    [[4, 1, 5], [0, 9, 2]]
    """

    _kind = "padding"

    def __init__(self, sequences, *, row_labels=None, maxlen=None, padding="pre", truncating="pre",
                 value=0, dtype=None):
        if dtype is None:
            try:
                floats = any(np.asarray(s).dtype.kind == "f" for s in sequences)
            except Exception:  # noqa: BLE001 - pad_batch below names what is wrong with sequences
                floats = False
            dtype = "float32" if floats else "int32"
        problem = _value_problem(value, dtype)
        if problem is not None:
            raise ValueError(problem)
        # Validate everything once, with pad_batch's and batch_to_html's messages, before building controls.
        first = pad_batch(sequences, maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype)
        self._row_labels = list(row_labels) if row_labels is not None and hasattr(row_labels, "__len__") else row_labels
        batch_to_html(first, row_labels=self._row_labels)
        self._sequences = sequences
        self._dtype = dtype
        longest = int(first.original_lengths.max())
        style = {"description_width": "80px"}
        # The controls are named after keras.utils.pad_sequences' arguments (padding=, truncating=, maxlen=,
        # value=), as the lesson's code writes them: those names are not translated.
        self.padding = widgets.RadioButtons(options=["pre", "post"], value=padding, description="padding",
                                            orientation="horizontal", style=style)
        self.truncating = widgets.RadioButtons(options=["pre", "post"], value=truncating, description="truncating",
                                               orientation="horizontal", style=style)
        # The slider reaches past the longest sequence (to see padding grow) and always includes the
        # initial maxlen: an IntSlider silently clamps a value above its max.
        self.maxlen = widgets.IntSlider(min=1, max=max(longest + 2, first.maxlen), description="maxlen",
                                        continuous_update=True, style=style)
        self.maxlen.value = first.maxlen
        self.value = widgets.FloatText(value=float(value), description="value", style=style,
                                       layout=widgets.Layout(width="180px"))
        self.grid = widgets.HTML()
        self.summary = widgets.HTML()
        self.batch = first
        for control in (self.padding, self.truncating, self.maxlen, self.value):
            control.observe(self._on_change, names="value")
        wrap = widgets.Layout(flex_flow="row wrap")  # narrow notebooks wrap whole controls, never their buttons
        super().__init__([
            widgets.HBox([self.padding, self.truncating], layout=wrap),
            widgets.HBox([self.maxlen, self.value], layout=wrap),
            self.grid,
            self.summary,
        ])
        self._render()

    def _typed_value(self):
        """The box's value as the padding value for ``dtype``, or None when the batch cannot hold it."""
        value = self.value.value
        np_dtype = np.dtype(self._dtype)
        if np_dtype.kind in "iu" and math.isfinite(value):
            value = round(value)  # an int
            info = np.iinfo(np_dtype)
            return value if info.min <= value <= info.max else None
        return None if _value_problem(value, np_dtype) is not None else value

    def _on_change(self, change=None):
        value = self._typed_value()
        if value is None:  # FloatText accepts 'inf'/'nan' typed in; keep the last good value
            self.value.value = float(self.batch.padding_value)
            return
        self.batch = pad_batch(self._sequences, self.maxlen.value, padding=self.padding.value,
                               truncating=self.truncating.value, value=value, dtype=self._dtype)
        self._render()

    def _render(self):
        self.grid.value = batch_to_html(self.batch, row_labels=self._row_labels)
        lengths = ", ".join(str(n) for n in self.batch.lengths.tolist())
        # Translators: a heading above the grid of the padded batch's mask; "mask" is Keras' boolean mask.
        mask_heading = _("mask")
        # Translators: the legend of the mask grid: a solid cell is a real timestep, a hatched cell is padding.
        legend = _("(solid = real timestep, hatched = padding)")
        # Translators: a label before the list of each padded sequence's real length (one number per row).
        lengths_label = _("lengths")
        # Translators: a label before the share of the padded grid's cells that are padding, e.g. "40% of cells".
        padding_label = _("padding")
        # Translators: the share of the padded grid's cells that are padding; {percent} is e.g. "40%".
        padding_share = _("{percent} of cells").format(percent=f"{self.batch.padding_fraction:.0%}")
        # Translators: a label before the number of sequences that truncation cut (were longer than maxlen).
        truncated_label = _("truncated rows")
        self.summary.value = (
            f'<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;color:{TEXT}">'
            f"<div><b>{mask_heading}</b> {legend}{mask_to_html(self.batch.mask)}</div>"
            f"<div><b>{lengths_label}</b>: [{html.escape(lengths)}]<br>"
            f"<b>{padding_label}</b>: {padding_share}<br>"
            f"<b>{truncated_label}</b>: {int(self.batch.truncated.sum())}</div></div>"
        )

    def _controls_text(self):
        return (f"padding={self.padding.value!r}, truncating={self.truncating.value!r}, "
                f"maxlen={self.maxlen.value}, value={self.batch.padding_value!r}")

    def _view_html(self):
        return self.grid.value + self.summary.value
