"""PropagationExplorer: stack layers after a ``Masking`` layer and watch the mask at every step."""

from __future__ import annotations

import dataclasses
import html
import re
import warnings
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np

from masklab._i18n import _, ngettext
from masklab._random import isolated_seed
from masklab.display import TEXT
from masklab.trace import MaskTrace, _call_and_record
from masklab.widgets._base import _Explorer
from masklab.widgets._layers import build_layer, menu_names

# Styles of the explorer's own HTML: JupyterLab's theme variables, with fallbacks for other frontends.
_TEXT = f"color:{TEXT}"
_NOTE = f"color:{TEXT};font-size:var(--jp-ui-font-size1, 13px)"
_PROBLEM = f"color:{TEXT};border-left:4px solid var(--jp-error-color1, #d32f2f);padding:2px 8px;margin:4px 0"


class _Step:
    """One layer of a PropagationExplorer stack, run once: its output (with Keras' mask), record or error."""

    __slots__ = ("output", "record", "error")

    def __init__(self, output=None, record=None, error=None):
        self.output, self.record, self.error = output, record, error


@dataclasses.dataclass(frozen=True)
class _StackError:
    """Why a stack cannot be built: the layer that failed, what it was given, and Keras' reason.

    Attributes:
        position: the failing layer's position in the stack (1-based int).
        name: its menu name (str).
        previous: what it follows, ``"Masking"`` or ``"layer <k> (<menu name>)"`` (str, in the chosen
            language).
        shape: the shape of the output it was given (tuple of ints).
        reason: Keras' reason, one line (str).
        skipped: how many layers after it did not run (int).
    """

    position: int
    name: str
    previous: str
    shape: tuple
    reason: str
    skipped: int

    @property
    def headline(self) -> str:
        """The headline, with its colon (str, in the chosen language)."""
        # Translators: the bold start of the PropagationExplorer's error line; the details follow the colon.
        return _("this stack cannot be built:")

    @property
    def detail(self) -> str:
        """Everything after the headline: the layer, its input and Keras' reason (str)."""
        fields = {"position": self.position, "name": self.name, "previous": self.previous,
                  "shape": str(self.shape), "reason": self.reason, "skipped": self.skipped}
        if not self.skipped:
            # Translators: {name} is a layer's menu name (e.g. LSTM), {previous} "Masking" or "layer 2 (Dense)",
            # {shape} a tuple such as (2, 3), {reason} Keras' own error message (in English).
            return _("layer {position} ({name}) cannot take the output of {previous}, shape {shape}: "
                     "{reason}").format(**fields)
        # Translators: as "layer {position} ({name}) cannot take the output of ...", then how many of the
        # layers after it were not run. The English keeps "layer(s)" in both forms.
        return ngettext("layer {position} ({name}) cannot take the output of {previous}, shape {shape}: "
                        "{reason}; the {skipped} layer(s) after it did not run",
                        "layer {position} ({name}) cannot take the output of {previous}, shape {shape}: "
                        "{reason}; the {skipped} layer(s) after it did not run",
                        self.skipped).format(**fields)

    def __str__(self) -> str:
        return f"{self.headline} {self.detail}"

    def to_html(self) -> str:
        """The error as an alert paragraph (str), the headline in bold."""
        return (f"<p class='masklab-stack-error' role='alert' style='{_PROBLEM}'>"
                f"<b>&#10006; {html.escape(self.headline)}</b> {html.escape(self.detail)}</p>")


class PropagationExplorer(_Explorer):
    """Stack layers after a ``Masking`` layer and watch the mask at every step.

    The model is ``Input (2, 6, 3) -> Masking(0.0) -> your layers``, run on a
    fixed padded float32 batch of two sequences (lengths 3 and 5 of 6
    timesteps, 3 features). Add a layer by typing its name in the ``add`` box
    and pressing Enter (the box suggests the names; case and spaces do not
    matter) or by clicking one of the suggestion buttons; the ``stack`` tags
    show the layers in order (drag to reorder, click x to remove). Every
    change shows the trace table of :func:`masklab.trace_masks`' records, one
    per layer.

    Each layer is run by Keras on the installed version: the layer is built
    and called eagerly on the previous layer's output, which carries the
    mask Keras attached, exactly as ``Sequential`` runs it, and recorded
    with the same rules as :func:`masklab.trace_masks`. The result of
    every stack prefix is kept (up to 512), so adding a layer runs only
    that layer and removing the last one runs nothing. Layers get stable
    names, ``<kind>_<position>`` (``dense_1``, ``lstm_2``), so a stack has
    the same names on every rebuild. Each layer is built and called under
    :func:`masklab._random.isolated_seed`, so its weights are the same in
    every session and the notebook's own random state (Python, NumPy,
    Keras) is left as it was.

    Args:
        layers: initial list of layer names from :attr:`menu` (default
            ``["Dense", "LSTM"]``); a name may repeat.

    Attributes:
        stack: ``ipywidgets.TagsInput`` holding the layer names; setting
            its ``.value`` to a list of menu names rebuilds the view.
        add: ``ipywidgets.Combobox`` to add a layer by name (its value is
            taken on Enter, then cleared).
        suggestions: list of ``ipywidgets.Button``, one per menu name; a
            click appends that layer.
        menu: list of the layer names on offer (str).
        trace: the current :class:`masklab.MaskTrace`: every layer of the
            stack, or, when the stack cannot be built, the layers before
            the one that failed.
        error: None, or one line (str) naming the layer that cannot be built
            (its position and menu name), the output it was given and Keras'
            reason.
        message: ``ipywidgets.HTML`` saying what the last entry in ``add``
            did (added, or an unknown name with the accepted names).
        view: ``ipywidgets.HTML`` with the trace table and the error line.

    Raises:
        TypeError: ``layers`` is not a list of names (a string, a number).
        ValueError: an initial layer name not in the menu.

    A stack Keras refuses (an ``LSTM`` after an ``LSTM`` without
    ``return_sequences``) raises nothing: ``error`` and the view say why.
    """

    _kind = "propagation"
    _CACHE_SIZE = 512

    def __init__(self, layers=None):
        self.menu = menu_names()
        if layers is not None and (isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__")):
            raise TypeError(f"layers must be a list of layer names from {self.menu}, got {layers!r}")
        layers = ["Dense", "LSTM"] if layers is None else list(layers)
        unknown = [name for name in layers if not isinstance(name, str) or name not in self.menu]
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
        # The layers' menu names (Dense, LSTM(return_sequences), ...) are Keras code: not translated.
        self.add = widgets.Combobox(options=self.menu, value="", ensure_option=False, continuous_update=False,
                                    # Translators: the hint in the empty box; "Enter" is the key.
                                    placeholder=_("type a layer name, press Enter"),
                                    # Translators: the label of the box where a layer's name is typed.
                                    description=_("add a layer"),
                                    style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
        # Translators: the tooltip of a button that adds the layer {name} (e.g. LSTM) after the others.
        tooltip = _("add {name} at the end of the stack")
        self.suggestions = [widgets.Button(description=name, tooltip=tooltip.format(name=name),
                                           layout=widgets.Layout(width="auto"))
                            for name in self.menu]
        self.message = widgets.HTML()
        self.view = widgets.HTML()
        self.stack.observe(self._update, names="value")
        self.add.observe(self._on_add, names="value")
        for button in self.suggestions:
            button.on_click(self._on_suggestion)
        # Translators: the explorer's model, then how to use it. "Input" and "Masking(0.0)" are Keras code;
        # keep the HTML entities (&rarr; an arrow, &times; the tags' remove cross); "Enter" is the key.
        how = _("Input (2 sequences, lengths 3 and 5, padded to 6) &rarr; Masking(0.0) &rarr; your layers (the "
                "tags below, in order: drag to reorder, &times; to remove). Add a layer: type its name and press "
                "Enter, or click a name.")
        help_text = widgets.HTML(f"<div style='{_NOTE}'>{how}</div>")
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
        if text in self.menu:
            return text
        folded = "".join(text.split()).casefold()
        for name in self.menu:
            if "".join(name.split()).casefold() == folded:
                return name
        return None

    def _append(self, name):
        self.stack.value = [*self.stack.value, name]
        # Translators: a status line after a layer was added; {name} is its menu name (e.g. LSTM), {position}
        # its place in the stack (1 is the first layer after Masking).
        added = _("added {name} as layer {position}").format(name=html.escape(name), position=len(self.stack.value))
        self.message.value = f"<span role='status' style='{_TEXT}'>&#10004; {added}</span>"

    def _on_add(self, change=None):
        text = self.add.value.strip()
        if not text:
            return
        name = self._resolve(text)
        if name is None:
            # Translators: {text} is what was typed, {names} the layers' menu names (Keras code); &ldquo; and
            # &rdquo; are the quotation marks around it (HTML entities: replace them by your own quotes if needed).
            unknown = _("unknown layer &ldquo;{text}&rdquo;; the accepted names are: {names}").format(
                text=html.escape(text), names=html.escape(", ".join(self.menu)))
            self.message.value = (
                f"<span role='alert' style='{_PROBLEM};display:inline-block'>&#10006; {unknown}</span>")
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
        if not key:
            import keras

            layer, previous = keras.layers.Masking(0.0, name="masking"), keras.ops.convert_to_tensor(self._data)
            return self._keep(key, self._call(layer, previous))
        before = self._run(key[:-1])
        if before.error is not None or before.output is None:
            return _Step(error="not run")
        # Layers take their initializers' seeds from Python's random when built and called: seeded here,
        # so the weights do not depend on the notebook's random state, and that state is left as it was.
        with isolated_seed(0):
            try:
                layer = build_layer(key[-1], len(key))
            except (ValueError, TypeError) as error:  # pragma: no cover - the menu's layers construct
                return self._keep(key, _Step(error=self._reason(error)))
            return self._keep(key, self._call(layer, before.output))

    def _keep(self, key, step):
        self._steps[key] = step
        while len(self._steps) > self._CACHE_SIZE:
            self._steps.popitem(last=False)
        return step

    @staticmethod
    def _reason(error):
        text = str(error).strip()
        first = text.splitlines()[0].strip() if text else type(error).__name__
        # Keras' input-spec message: keep what was expected and found; the error line names the layer and shape.
        first = re.sub(r"^Input \d+ .*? is incompatible with the layer: ", "", first)
        first = re.sub(r"\.?\s*Full shape received: .*$", "", first)
        return first if len(first) <= 220 else first[:217] + "..."

    def _call(self, layer, x):
        """Call ``layer`` on ``x`` as Keras runs a Sequential model, and record it as trace_masks does."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                output, record = _call_and_record(layer, (x,), {}, layer.name)
        except (ValueError, TypeError) as error:
            return _Step(error=self._reason(error))
        return _Step(output=output, record=record)

    def _update(self, change=None):
        names = tuple(self.stack.value)
        records, problem = [], None
        for end in range(len(names) + 1):
            step = self._run(names[:end])
            if step.error is not None:
                problem = _StackError(
                    position=end, name=names[end - 1],
                    # Translators: the layer a failing layer follows in the stack: its position and menu name.
                    previous="Masking" if end == 1 else _("layer {position} ({name})").format(
                        position=end - 1, name=names[end - 2]),
                    shape=tuple(self._run(names[:end - 1]).output.shape), reason=step.error,
                    skipped=len(names) - end)
                break
            records.append(step.record)
        self.error = None if problem is None else str(problem)
        self.trace = MaskTrace(records)
        self.view.value = self.trace._repr_html_() + ("" if problem is None else problem.to_html())

    def _controls_text(self):
        return "Masking(0.0) -> " + " -> ".join(self.stack.value)
