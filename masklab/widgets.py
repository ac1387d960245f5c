"""ipywidgets explorers used in the lessons.

Each explorer is a small ``ipywidgets.VBox`` whose controls are ordinary
widgets; changing a control's ``.value`` (with the mouse, or in a test)
recomputes the explorer's state at once and redraws an HTML view, so the
explorers can be tested without a browser. Importing this module imports
ipywidgets; ``import masklab`` alone does not.
"""

from __future__ import annotations

import html
import math
import numbers

import ipywidgets as widgets
import numpy as np

from masklab.display import TEXT, attention_to_html, batch_to_html, loss_to_html, mask_to_html
from masklab.padding import pad_batch


class _Explorer(widgets.VBox):
    """Base of the explorers: CSS classes, and a static HTML copy of the current state.

    Every explorer's root carries the classes ``masklab-explorer`` and
    ``masklab-<kind>-explorer``. Its mimebundle adds ``text/html`` beside the
    widget view: frontends with a live widget manager (JupyterLab, Notebook,
    VS Code) prefer the widget view; where none is live (an untrusted or not
    yet run notebook, nbconvert without widget state, GitHub) the HTML shows
    the explorer's state when the cell last ran, instead of the raw repr.
    """

    _kind = ""

    def __init__(self, children=(), **kwargs):
        super().__init__(children, **kwargs)
        self.add_class("masklab-explorer")
        self.add_class(f"masklab-{self._kind}-explorer")

    def _controls_text(self) -> str:
        """The controls' current settings, one short line of plain text."""
        return ""

    def _static_html(self) -> str:
        """The explorer's current state as static HTML (str): its settings and its current view."""
        controls = html.escape(self._controls_text())
        return (
            f'<div class="masklab-explorer masklab-static masklab-static-{self._kind}" style="color:{TEXT}">'
            f'<p style="margin:2px 0"><b>{type(self).__name__}</b>: {controls} '
            "<i>(a static copy: run the cell to use the controls)</i></p>"
            f"{self._view_html()}</div>"
        )

    def _view_html(self) -> str:
        return self.view.value

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = f"{type(self).__name__}({self._controls_text()})"
            data["text/html"] = self._static_html()
        return data


class PaddingExplorer(_Explorer):
    """Pad real sequences interactively and watch the grid, mask and lengths.

    Controls: ``padding`` and ``truncating`` (``"pre"``/``"post"`` radio
    buttons: the chosen side is a checked radio, for eyes and screen readers
    alike), ``maxlen`` (slider from 1 to the longest sequence + 2) and
    ``value`` (the padding value). Every change calls
    :func:`masklab.pad_batch` (so ``keras.utils.pad_sequences``) and
    updates ``batch``, ``grid`` and ``summary``.

    Args:
        sequences: list of sequences, as for :func:`masklab.pad_batch`: token
            ids or ``(frames, features)`` arrays.
        row_labels: optional list of strings, one per sequence (e.g. the
            sentence or the speaker), shown in full (long labels wrap).
        maxlen: initial maxlen; None starts at the longest sequence.
        padding, truncating: initial sides, ``"pre"`` (Keras' default) or
            ``"post"``.
        value: initial padding value (a real number).
        dtype: dtype of the padded values; None picks ``"int32"`` for
            integer data and ``"float32"`` otherwise.

    Attributes:
        batch: the current :class:`~masklab.PaddedBatch`.
        padding, truncating: ``ipywidgets.RadioButtons``.
        maxlen: ``ipywidgets.IntSlider``.
        value: ``ipywidgets.FloatText``.
        grid: ``ipywidgets.HTML`` with the padded values, and the ids
            truncation dropped, struck through, on the side they were cut from.
        summary: ``ipywidgets.HTML`` with the mask and the lengths.

    Raises:
        TypeError, ValueError: as :func:`masklab.pad_batch`, for bad
            sequences or initial settings; ``row_labels`` that is not one
            label per sequence; a non-finite ``value``.

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
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isfinite(value):
            raise ValueError(f"value must be a finite number for the explorer's value box, got {value!r}")
        # Validate everything once, with pad_batch's and batch_to_html's messages, before building controls.
        first = pad_batch(sequences, maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype)
        self._row_labels = list(row_labels) if row_labels is not None and hasattr(row_labels, "__len__") else row_labels
        batch_to_html(first, row_labels=self._row_labels)
        self._sequences = sequences
        self._dtype = dtype
        longest = int(first.original_lengths.max())
        style = {"description_width": "80px"}
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

    def _on_change(self, change=None):
        value = self.value.value
        if not math.isfinite(value):  # FloatText accepts 'inf'/'nan' typed in; keep the last good value
            self.value.value = float(self.batch.padding_value)
            return
        if np.dtype(self._dtype).kind in "iu":
            value = int(round(value))
        self.batch = pad_batch(self._sequences, self.maxlen.value, padding=self.padding.value,
                               truncating=self.truncating.value, value=value, dtype=self._dtype)
        self._render()

    def _render(self):
        self.grid.value = batch_to_html(self.batch, row_labels=self._row_labels)
        lengths = ", ".join(str(n) for n in self.batch.lengths.tolist())
        self.summary.value = (
            f'<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;color:{TEXT}">'
            f"<div><b>mask</b> (solid = real timestep, hatched = padding){mask_to_html(self.batch.mask)}</div>"
            f"<div><b>lengths</b>: [{html.escape(lengths)}]<br>"
            f"<b>padding</b>: {self.batch.padding_fraction:.0%} of cells<br>"
            f"<b>truncated rows</b>: {int(self.batch.truncated.sum())}</div></div>"
        )

    def _controls_text(self):
        return (f"padding={self.padding.value!r}, truncating={self.truncating.value!r}, "
                f"maxlen={self.maxlen.value}, value={self.batch.padding_value!r}")

    def _view_html(self):
        return self.grid.value + self.summary.value


class LossExplorer(_Explorer):
    """Toggle timesteps in a mask and watch masklab's arithmetic and Keras' loss agree.

    A grid of checkboxes, one per ``(sample, timestep)``, is the mask
    (checked = kept). Every change recomputes the loss twice: with
    :func:`masklab.explain_masked_loss` (NumPy, every step shown) and with
    the Keras loss object on a ``y_pred`` that carries the mask
    (:func:`masklab.masks.attach_mask`), then shows both, with a timestep
    grid of ``y_true``, ``y_pred`` and the per-step loss (shaded by its size;
    masked steps hatched and struck through) and the numerator written out
    as the sum of the kept losses. When another reduction on offer gives the
    same value, the view says which and why (the same denominator, a zero
    numerator, or equal quotients), computed from masklab's arithmetic.

    Args:
        y_true, y_pred: arrays of shape ``(batch, timesteps, units)``.
        loss: a loss name of :func:`masklab.masked_loss` (default ``"mse"``).
        mask: initial boolean-like ``(batch, timesteps)``; None keeps all.
        sample_weight: optional ``(batch, timesteps)`` weights.

    Attributes:
        toggles: list of lists of ``ipywidgets.Checkbox`` (the mask; a
            native checkbox tells its state to screen readers and shows a
            check mark, not a shade).
        reduction: ``ipywidgets.Dropdown`` of Keras reductions.
        explanation: the current :class:`masklab.losses.MaskedLossExplanation`.
        keras_value: the Keras loss for the current mask (float).
        agree: whether the two agree (:func:`agrees`); the view says
            "agree" or "DISAGREE".
        same_as: the other reductions on offer that give the same value now
            (list of str).
        view: ``ipywidgets.HTML`` with the arithmetic.

    Raises:
        ValueError, TypeError: as :func:`masklab.masked_loss` for bad inputs
            (non-numbers, a mask that is not boolean-like or not ``(batch,
            timesteps)``).

    Example:

    >>> explorer = LossExplorer(np.zeros((1, 3, 1)), np.ones((1, 3, 1)))
    >>> explorer.toggles[0][2].value = False
    >>> explorer.explanation.denominator, explorer.agree
    (2.0, True)
    >>> explorer.reduction.value = "mean"; explorer.same_as
    ['sum_over_batch_size']
    """

    _kind = "loss"
    REDUCTIONS = ("sum_over_batch_size", "sum", "mean")

    def __init__(self, y_true, y_pred, *, loss="mse", mask=None, sample_weight=None):
        from masklab.losses import explain_masked_loss, keras_loss

        from masklab import _validate

        def floats(name, value):
            return _validate.numeric(name, _validate.to_numpy(name, value), allow_bool=True).astype("float32")

        self._explain = explain_masked_loss
        self._y_true = floats("y_true", y_true)
        self._y_pred = floats("y_pred", y_pred)
        self._sample_weight = None if sample_weight is None else floats("sample_weight", sample_weight)
        self._loss_name = loss
        if self._y_pred.ndim != 3:
            raise ValueError(f"y_pred must have shape (batch, timesteps, units), got shape {self._y_pred.shape}")
        batch, steps = self._y_pred.shape[:2]
        # The same boolean-like check as masked_loss: a 0.5-valued mask is refused, not rounded.
        initial = np.ones((batch, steps), bool) if mask is None else _validate.bool_mask("mask", mask)
        if initial.shape != (batch, steps):
            raise ValueError(f"mask must have shape (batch, timesteps) = {(batch, steps)}, got {initial.shape}")
        # Validate once with masklab's messages before building controls.
        keras_loss(loss)
        self._explain(self._y_true, self._y_pred, initial, loss, self._sample_weight)
        self.reduction = widgets.Dropdown(options=list(self.REDUCTIONS), value="sum_over_batch_size",
                                          description="reduction")
        self.toggles = [
            [widgets.Checkbox(value=bool(initial[i, t]), description=f"t{t}", indent=False,
                              layout=widgets.Layout(width="56px")) for t in range(steps)]
            for i in range(batch)
        ]
        self.view = widgets.HTML()
        rows = [widgets.HBox([widgets.Label(f"sample {i} keeps", layout=widgets.Layout(width="120px")), *row],
                             layout=widgets.Layout(flex_flow="row wrap"))
                for i, row in enumerate(self.toggles)]
        for control in [self.reduction, *(b for row in self.toggles for b in row)]:
            control.observe(self._update, names="value")
        super().__init__([self.reduction, *rows, self.view])
        self._update()

    @property
    def mask(self) -> np.ndarray:
        """The current mask, bool ``(batch, timesteps)``."""
        return np.array([[b.value for b in row] for row in self.toggles], dtype=bool)

    def _keras_loss(self, mask, reduction):
        from masklab.losses import keras_loss
        from masklab.masks import attach_mask

        loss = keras_loss(self._loss_name, reduction)
        return float(loss(self._y_true, attach_mask(self._y_pred, mask), sample_weight=self._sample_weight))

    def _same_value(self, mask, reduction):
        """The other reductions that give the current value, and one sentence each saying why."""
        mine = self.explanation
        why = []
        same_as = []
        for other in self.REDUCTIONS:
            if other == reduction:
                continue
            e = self._explain(self._y_true, self._y_pred, mask, self._loss_name, self._sample_weight, other)
            if not agrees(e.value, mine.value):
                continue
            same_as.append(other)
            if e.denominator == mine.denominator:
                reason = f"both divide the kept sum {mine.numerator:.4f} by {mine.denominator:g}"
            elif mine.numerator == 0:
                reason = "the kept sum is 0"
            else:
                reason = (f"{mine.numerator:.4f} / {mine.denominator:g} and {e.numerator:.4f} / {e.denominator:g} "
                          "happen to be equal")
            why.append(f"{other!r} gives the same value: {reason}.")
        return same_as, " ".join(why)

    def _update(self, change=None):
        mask = self.mask
        reduction = self.reduction.value
        self.explanation = self._explain(self._y_true, self._y_pred, mask, self._loss_name,
                                         self._sample_weight, reduction)
        self.keras_value = self._keras_loss(mask, reduction)
        self.agree = agrees(self.explanation.value, self.keras_value)
        self.same_as, note = self._same_value(mask, reduction)
        verdict = "agree" if self.agree else "&#10007; DISAGREE"
        self.view.value = (
            f"<div style='color:{TEXT}'>"
            f"<p style='margin:2px 0'>masklab: <b>{self.explanation.numerator:.4f} / "
            f"{self.explanation.denominator:g} = {self.explanation.value:.4f}</b> &nbsp; Keras: "
            f"<b>{self.keras_value:.4f}</b> &nbsp; ({verdict})</p>"
            f"<p style='margin:2px 0'>kept timesteps: {int(mask.sum())} of {mask.size}"
            f"{' &nbsp; ' + html.escape(note, quote=False) if note else ''}</p>"
            f"{loss_to_html(self.explanation, y_true=self._y_true, y_pred=self._y_pred, headline=False)}</div>"
        )

    def _controls_text(self):
        kept = "; ".join(f"sample {i}: " + "".join("✓" if m else "✗" for m in row) for i, row in enumerate(self.mask))
        return f"reduction={self.reduction.value!r}, kept: {kept}"


def agrees(masklab_value: float, keras_value: float) -> bool:
    """True when masklab's and Keras' losses agree to float32 precision (relative 1e-5, absolute near 0)."""
    return abs(masklab_value - keras_value) <= 1e-5 * max(1.0, abs(keras_value))


def _layer_menu():
    """Layer factories offered by the PropagationExplorer: menu name -> ``factory(name)``.

    Each call makes a fresh layer with the given (stable) Keras name; nested layers get
    ``<name>_inner``, so a stack gets the same names on every rebuild.
    """
    import keras

    L = keras.layers
    return {
        "Dense": lambda name: L.Dense(3, name=name),
        "Dropout": lambda name: L.Dropout(0.2, name=name),
        "Activation(relu)": lambda name: L.Activation("relu", name=name),
        "LayerNormalization": lambda name: L.LayerNormalization(name=name),
        "TimeDistributed(Dense)": lambda name: L.TimeDistributed(L.Dense(3, name=f"{name}_inner"), name=name),
        "Conv1D": lambda name: L.Conv1D(3, 2, padding="same", name=name),
        "LSTM(return_sequences)": lambda name: L.LSTM(3, return_sequences=True, name=name),
        "LSTM": lambda name: L.LSTM(3, name=name),
        "GRU(return_sequences)": lambda name: L.GRU(3, return_sequences=True, name=name),
        "Bidirectional(LSTM, return_sequences)": lambda name: L.Bidirectional(
            L.LSTM(2, return_sequences=True, name=f"{name}_inner"), name=name),
        "GlobalAveragePooling1D": lambda name: L.GlobalAveragePooling1D(name=name),
        "GlobalMaxPooling1D": lambda name: L.GlobalMaxPooling1D(name=name),
        "Flatten": lambda name: L.Flatten(name=name),
    }


# Keras names of the menu's layers: "<slug>_<position in the stack>" (Masking is "masking").
_LAYER_SLUGS = {
    "Dense": "dense", "Dropout": "dropout", "Activation(relu)": "relu", "LayerNormalization": "layer_norm",
    "TimeDistributed(Dense)": "time_distributed", "Conv1D": "conv1d", "LSTM(return_sequences)": "lstm_seq",
    "LSTM": "lstm", "GRU(return_sequences)": "gru_seq", "Bidirectional(LSTM, return_sequences)": "bidirectional",
    "GlobalAveragePooling1D": "global_avg_pool", "GlobalMaxPooling1D": "global_max_pool", "Flatten": "flatten",
}

# Styles of the explorer's own HTML: JupyterLab's theme variables, with fallbacks for other frontends.
_TEXT = f"color:{TEXT}"
_NOTE = f"color:{TEXT};font-size:var(--jp-ui-font-size1, 13px)"
_PROBLEM = f"color:{TEXT};border-left:4px solid var(--jp-error-color1, #d32f2f);padding:2px 8px;margin:4px 0"


class _Step:
    """One layer of a PropagationExplorer stack, run once: its output (with Keras' mask), record or error."""

    __slots__ = ("output", "record", "error")

    def __init__(self, output=None, record=None, error=None):
        self.output, self.record, self.error = output, record, error


class PropagationExplorer(_Explorer):
    """Stack layers after a ``Masking`` layer and watch the mask at every step.

    The model is ``Input (2, 6, 3) -> Masking(0.0) -> your layers``, run on a
    fixed padded batch of two sequences (lengths 3 and 5 of 6 timesteps).
    Add a layer by typing its name in the ``add`` box and pressing Enter
    (the box suggests the names; case does not matter) or by clicking one
    of the suggestion buttons; the ``stack`` tags show the layers in order
    (drag to reorder, click x to remove). Every change shows the trace
    table of :func:`masklab.trace_masks`' records, one per layer.

    Each layer is run by Keras on the installed version: the layer is built
    and called eagerly on the previous layer's output, which carries the
    mask Keras attached, exactly as ``Sequential`` runs it, and recorded
    with the same rules as :func:`masklab.trace_masks`. The result of
    every stack prefix is kept (up to 512), so adding a layer runs only
    that layer and removing the last one runs nothing. Layers get stable
    names, ``<kind>_<position>`` (``dense_1``, ``lstm_2``), so a stack has
    the same names on every rebuild.

    Args:
        layers: initial list of layer names from :attr:`menu` (default
            ``["Dense", "LSTM"]``).

    Attributes:
        stack: ``ipywidgets.TagsInput`` holding the layer names; setting
            its ``.value`` to a list of menu names rebuilds the view.
        add: ``ipywidgets.Combobox`` to add a layer by name (its value is
            taken on Enter, then cleared).
        suggestions: list of ``ipywidgets.Button``, one per menu name; a
            click appends that layer.
        menu: list of the layer names on offer.
        trace: the current :class:`masklab.MaskTrace`: every layer of the
            stack, or, when the stack cannot be built, the layers before
            the one that failed.
        error: None, or one line naming the layer that cannot be built
            (its position and menu name) and Keras' reason (str).
        message: ``ipywidgets.HTML`` saying what the last entry in ``add``
            did (added, or an unknown name with the accepted names).
        view: ``ipywidgets.HTML`` with the trace table and the error line.

    Raises:
        TypeError: ``layers`` is not a list of names.
        ValueError: an initial layer name not in the menu.
    """

    _kind = "propagation"
    _CACHE_SIZE = 512

    def __init__(self, layers=None):
        from collections import OrderedDict

        self._factories = _layer_menu()
        self.menu = list(self._factories)
        if layers is not None and (isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__")):
            raise TypeError(f"layers must be a list of layer names from {self.menu}, got {layers!r}")
        layers = ["Dense", "LSTM"] if layers is None else list(layers)
        unknown = [name for name in layers if not isinstance(name, str) or name not in self._factories]
        if unknown:
            raise ValueError(f"layers must be names from {self.menu}, got {unknown}")
        rng = np.random.default_rng(0)
        self._data = rng.uniform(0.5, 1.5, size=(2, 6, 3)).astype("float32")
        self._data[0, 3:] = 0.0
        self._data[1, 5:] = 0.0
        self._steps = OrderedDict()  # tuple of menu names (a stack prefix) -> _Step
        self.trace = None
        self.error = None
        self.stack = widgets.TagsInput(value=layers, allowed_tags=self.menu, allow_duplicates=True,
                                       layout=widgets.Layout(width="auto"))
        self.add = widgets.Combobox(options=self.menu, value="", ensure_option=False, continuous_update=False,
                                    placeholder="type a layer name, press Enter", description="add a layer",
                                    style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
        self.suggestions = [widgets.Button(description=name, tooltip=f"add {name} at the end of the stack",
                                           layout=widgets.Layout(width="auto"))
                            for name in self.menu]
        self.message = widgets.HTML()
        self.view = widgets.HTML()
        self.stack.observe(self._update, names="value")
        self.add.observe(self._on_add, names="value")
        for button in self.suggestions:
            button.on_click(self._on_suggestion)
        help_text = widgets.HTML(
            f"<div style='{_NOTE}'>Input (2 sequences, lengths 3 and 5, padded to 6) &rarr; Masking(0.0) &rarr; "
            "your layers (the tags below, in order: drag to reorder, &times; to remove). Add a layer: type its "
            "name and press Enter, or click a name.</div>")
        super().__init__([
            help_text,
            self.stack,
            widgets.HBox([self.add, self.message], layout=widgets.Layout(align_items="center", flex_flow="row wrap")),
            widgets.HBox(self.suggestions, layout=widgets.Layout(flex_flow="row wrap")),
            self.view,
        ])
        self._update()

    # -- adding layers -------------------------------------------------------------------------
    def _resolve(self, text):
        """The menu name for ``text`` (exact, else case- and space-insensitive), or None."""
        if text in self._factories:
            return text
        folded = "".join(text.split()).casefold()
        for name in self.menu:
            if "".join(name.split()).casefold() == folded:
                return name
        return None

    def _append(self, name):
        self.stack.value = [*self.stack.value, name]
        self.message.value = (f"<span role='status' style='{_TEXT}'>&#10004; added {html.escape(name)} as layer "
                              f"{len(self.stack.value)}</span>")

    def _on_add(self, change=None):
        text = self.add.value.strip()
        if not text:
            return
        name = self._resolve(text)
        if name is None:
            self.message.value = (
                f"<span role='alert' style='{_PROBLEM};display:inline-block'>&#10006; unknown layer "
                f"&ldquo;{html.escape(text)}&rdquo;; the accepted names are: {html.escape(', '.join(self.menu))}"
                "</span>")
        else:
            self._append(name)  # first, so the new view goes out before the box is cleared
        self.add.value = ""  # the box is always left empty, so a rejected entry cannot spoil the next one

    def _on_suggestion(self, button):
        self._append(button.description)

    # -- tracing ------------------------------------------------------------------------------
    def _run(self, key):
        """The :class:`_Step` for the stack prefix ``key`` (a tuple of menu names), computed once."""
        step = self._steps.get(key)
        if step is not None:
            self._steps.move_to_end(key)
            return step
        import keras

        if not key:
            layer, previous = keras.layers.Masking(0.0, name="masking"), keras.ops.convert_to_tensor(self._data)
        else:
            before = self._run(key[:-1])
            if before.error is not None or before.output is None:
                return _Step(error="not run")
            previous = before.output
            position, name = len(key), key[-1]
            try:
                layer = self._factories[name](f"{_LAYER_SLUGS[name]}_{position}")
            except (ValueError, TypeError) as error:  # pragma: no cover - the menu's layers construct
                return self._keep(key, _Step(error=self._reason(error)))
        step = self._call(layer, previous)
        return self._keep(key, step)

    def _keep(self, key, step):
        self._steps[key] = step
        while len(self._steps) > self._CACHE_SIZE:
            self._steps.popitem(last=False)
        return step

    @staticmethod
    def _reason(error):
        import re

        text = str(error).strip()
        first = text.splitlines()[0].strip() if text else type(error).__name__
        # Keras' input-spec message: keep what was expected and found; the error line names the layer and shape.
        first = re.sub(r"^Input \d+ .*? is incompatible with the layer: ", "", first)
        first = re.sub(r"\.?\s*Full shape received: .*$", "", first)
        return first if len(first) <= 220 else first[:217] + "..."

    def _call(self, layer, x):
        """Call ``layer`` on ``x`` as Keras runs a Sequential model, and record it as trace_masks does."""
        import warnings

        from masklab.trace import _call_and_record

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                output, record = _call_and_record(layer, (x,), {}, layer.name)
        except (ValueError, TypeError) as error:
            return _Step(error=self._reason(error))
        return _Step(output=output, record=record)

    def _update(self, change=None):
        from masklab.trace import MaskTrace

        names = tuple(self.stack.value)
        records, self.error = [], None
        for end in range(len(names) + 1):
            step = self._run(names[:end])
            if step.error is not None:
                position, name = end, names[end - 1]
                shape = tuple(self._run(names[:end - 1]).output.shape)
                after = len(names) - end
                rest = f"; the {after} layer(s) after it did not run" if after else ""
                self.error = (f"this stack cannot be built: layer {position} ({name}) cannot take the output of "
                              f"{'Masking' if end == 1 else f'layer {end - 1} ({names[end - 2]})'}, shape {shape}: "
                              f"{step.error}{rest}")
                break
            records.append(step.record)
        self.trace = MaskTrace(records)
        view = self.trace._repr_html_()
        if self.error is not None:
            view += (f"<p class='masklab-stack-error' role='alert' style='{_PROBLEM}'>"
                     f"<b>&#10006; {html.escape(self.error.split(': ', 1)[0])}:</b> "
                     f"{html.escape(self.error.split(': ', 1)[1])}</p>")
        self.view.value = view

    def _controls_text(self):
        return "Masking(0.0) -> " + " -> ".join(self.stack.value)


class AttentionMaskExplorer(_Explorer):
    """Set the real lengths of a query and a key sequence, switch the causal mask, watch attention.

    A fixed small ``keras.layers.MultiHeadAttention`` (2 heads, seeded) attends
    from a query sequence to a key/value sequence, both ``steps`` long and
    padded after their real steps. Every change builds the combined mask with
    :func:`masklab.attention_mask`, runs the layer on inputs carrying the two
    padding masks (``use_causal_mask`` from the checkbox,
    ``return_attention_scores=True``) and shows the mask grid beside the
    weights of head 0, with a check that masked keys got weight 0.

    Args:
        steps: timesteps of both sequences (int, 2..12).
        query_length, key_length: initial real lengths (1..steps); None = steps.
        causal: initial state of the causal checkbox.

    Attributes:
        query_length, key_length: ``ipywidgets.IntSlider``.
        causal: ``ipywidgets.Checkbox``.
        mask: the current combined mask, bool ``(steps, steps)``.
        weights: head 0's attention weights, float ``(steps, steps)``.
        agree: whether every forbidden cell got weight 0 (bool).
        view: ``ipywidgets.HTML`` with the two grids.

    Raises:
        ValueError: ``steps`` outside 2..12; a length outside 1..steps.
        TypeError: ``causal`` not a bool.
    """

    _kind = "attention"

    def __init__(self, steps=6, *, query_length=None, key_length=None, causal=False):
        import keras

        from masklab import _validate

        steps = _validate.positive_int("steps", steps)
        if not 2 <= steps <= 12:
            raise ValueError(f"steps must be between 2 and 12 for the explorer's grids, got {steps}")
        lengths = {}
        for name, value in (("query_length", query_length), ("key_length", key_length)):
            value = steps if value is None else _validate.positive_int(name, value)
            if value > steps:
                raise ValueError(f"{name} must be between 1 and steps={steps}, got {value}")
            lengths[name] = value
        if not isinstance(causal, bool):
            raise TypeError(f"causal must be True or False, got {_validate.show(causal)}")
        self.steps = steps
        rng = np.random.default_rng(0)
        self._query = rng.normal(size=(1, steps, 4)).astype("float32")
        self._value = rng.normal(size=(1, steps, 4)).astype("float32")
        keras.utils.set_random_seed(0)
        self._layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2, name="explorer_attention")
        style = {"description_width": "90px"}
        self.query_length = widgets.IntSlider(value=lengths["query_length"], min=1, max=steps,
                                              description="query length", style=style)
        self.key_length = widgets.IntSlider(value=lengths["key_length"], min=1, max=steps,
                                            description="key length", style=style)
        self.causal = widgets.Checkbox(value=causal, description="use_causal_mask", indent=False)
        self.view = widgets.HTML()
        for control in (self.query_length, self.key_length, self.causal):
            control.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.query_length, self.key_length, self.causal]), self.view])
        self._update()

    def _update(self, change=None):
        from masklab.masks import attach_mask, attention_mask

        steps = np.arange(self.steps)
        query_mask = (steps < self.query_length.value)[None]
        key_mask = (steps < self.key_length.value)[None]
        self.mask = attention_mask(query_mask, key_mask, causal=self.causal.value)[0]
        _, scores = self._layer(attach_mask(self._query, query_mask), attach_mask(self._value, key_mask),
                                use_causal_mask=self.causal.value, return_attention_scores=True)
        self.weights = np.asarray(scores)[0, 0]
        self.agree = bool((self.weights[~self.mask] == 0).all())
        verdict = "every masked key got weight 0" if self.agree else "&#10007; A MASKED KEY GOT WEIGHT"
        self.view.value = (
            f'<div style="display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;color:{TEXT}">'
            f"<div><b>masklab.attention_mask</b> (blue = may attend, hatched = masked)"
            f"{attention_to_html(self.mask)}</div>"
            f"<div><b>MultiHeadAttention weights</b>, head 0{attention_to_html(self.mask, self.weights)}</div></div>"
            f"<p style='color:{TEXT}'>{verdict}; padded query rows: {int((~query_mask).sum())}, all weights 0</p>"
        )

    def _controls_text(self):
        return (f"steps={self.steps}, query_length={self.query_length.value}, key_length={self.key_length.value}, "
                f"use_causal_mask={self.causal.value}")
