"""EmbeddingMaskExplorer: type ids, watch ``Embedding(mask_zero=True)``'s rows, its mask and an LSTM's steps."""

from __future__ import annotations

import html
import re
import warnings

import ipywidgets as widgets
import numpy as np

from masklab._i18n import _
from masklab._random import isolated_seed
from masklab._validate import show
from masklab.display import TEXT, embedding_steps_to_html
from masklab.masks import check_cudnn_mask, get_mask
from masklab.widgets._base import _Explorer

_NOTE = f"color:{TEXT};font-size:var(--jp-ui-font-size1, 13px)"
_PROBLEM = f"color:{TEXT};border-left:4px solid var(--jp-error-color1, #d32f2f);padding:2px 8px;margin:4px 0"
_SEPARATORS = re.compile(r"[\s,]+")


def parse_ids(text, input_dim: int, max_steps: int) -> np.ndarray:
    """Read a short sequence of token ids typed as text (or given as a list).

    Args:
        text: a string of whole numbers separated by spaces and/or commas
            (brackets allowed: ``"[1, 0, 2, 0]"``), or a list/tuple/array of ints.
        input_dim: int, the Embedding's number of rows: ids run from 0
            (padding) to ``input_dim - 1``.
        max_steps: int, the most ids accepted.

    Returns:
        ``np.ndarray`` of int64, shape ``(T,)`` with ``1 <= T <= max_steps``.

    Raises:
        ValueError: a part that is not a whole number, an id below 0 or at
            least ``input_dim``, no ids, or more than ``max_steps``; the message
            names the value and the accepted range.
        TypeError: ``text`` is neither a string nor a list of ints.

    >>> parse_ids("[1, 0, 2 0]", 6, 12).tolist()
    [1, 0, 2, 0]
    >>> parse_ids("1 7", 6, 12)
    Traceback (most recent call last):
    ...
    ValueError: id 7 is out of range: ids must be from 0 (padding) to 5 (input_dim=6), got '1 7'
    """
    allowed = f"from 0 (padding) to {input_dim - 1} (input_dim={input_dim})"
    if isinstance(text, str):
        parts = [p for p in _SEPARATORS.split(text.strip().strip("[]()")) if p]
        values = []
        for part in parts:
            if not re.fullmatch(r"[+-]?\d+", part):
                raise ValueError(f"ids must be whole numbers {allowed}, separated by spaces or commas; "
                                 f"{show(part)} is not one (in {show(text)})")
            values.append(int(part))
    elif isinstance(text, (list, tuple, np.ndarray)):
        array = np.asarray(text)
        if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
            raise TypeError(f"ids must be a 1-D list of ints, got {show(text)}")
        values = array.astype(np.int64).tolist()
    else:
        raise TypeError(f"ids must be a string such as '1 0 2 0' or a list of ints, got {show(text)}")
    if not values:
        raise ValueError(f"ids must hold 1 to {max_steps} ids {allowed}, got none ({show(text)})")
    if len(values) > max_steps:
        raise ValueError(f"ids must hold at most {max_steps} ids, got {len(values)}")
    for value in values:
        if value < 0:
            raise ValueError(f"id {value} is negative: ids must be {allowed}, got {show(text)}")
        if value >= input_dim:
            raise ValueError(f"id {value} is out of range: ids must be {allowed}, got {show(text)}")
    return np.asarray(values, dtype=np.int64)


def _size(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be an int from {low} to {high}, got {show(value)}")
    return int(value)


class EmbeddingMaskExplorer(_Explorer):
    """Type a short id sequence; see ``Embedding(mask_zero=True)``'s output rows, its mask and an LSTM's steps.

    The model is ``Embedding(input_dim, output_dim, mask_zero=True) ->
    LSTM(units, return_sequences=True)``, one sequence (batch 1). Both layers
    are built once, under :func:`masklab._random.isolated_seed` ``(seed)``
    (the same weights in every session; the notebook's random state is left
    as it was), and every change calls them eagerly on the new ids, so an
    update takes milliseconds after the first (no model is rebuilt or traced).
    The embedding matrix is drawn from ``RandomUniform(-1, 1)`` instead of the
    default ``±0.05``, only so that the numbers are readable.

    The LSTM is Keras' own, run on the installed backend and device; on a
    CPU that is the generic kernel, which repeats the previous output at a
    masked step (zeros before the first kept step). The view also says
    whether the mask fits the cuDNN kernel's rule (TensorFlow on a GPU),
    from :func:`masklab.check_cudnn_mask`.

    Args:
        ids: the initial ids, a string such as ``"1 0 2 0"`` or a list of ints
            from 0 (padding) to ``input_dim - 1``, 1 to :attr:`MAX_STEPS` of them.
        input_dim: int from 2 to 20, the embedding's rows (vocabulary + 1).
        output_dim: int from 1 to 6, the length of an embedding row.
        units: int from 1 to 6, the LSTM's units.
        seed: int, the seed the weights are drawn with.

    Attributes:
        ids: ``ipywidgets.Text``, the ids as typed; setting ``.value`` updates
            everything (a bad entry keeps the last good state and sets ``error``).
        use_mask: ``ipywidgets.Checkbox``: whether the LSTM gets the mask
            (off: it gets the same vectors as a plain array, which carries none).
        sequence: ``np.ndarray`` int64 ``(T,)``, the ids in use.
        embeddings: ``np.ndarray`` float32 ``(input_dim, output_dim)``, the weights.
        rows: ``np.ndarray`` float32 ``(T, output_dim)``, the Embedding's output.
        mask: ``np.ndarray`` bool ``(T,)``, the mask Keras attached (``ids != 0``).
        outputs: ``np.ndarray`` float32 ``(T, units)``, the LSTM's output per step.
        carried: ``np.ndarray`` bool ``(T,)``: the step's output equals the
            previous step's (zeros before step 0), read from ``outputs``.
        cudnn: :class:`masklab.CudnnMaskCheck` of the mask (true when it fits).
        error: None, or one line naming the bad entry and what is accepted.
        message: ``ipywidgets.HTML`` showing ``error``.
        view: ``ipywidgets.HTML``, the steps table and the embedding matrix.

    Raises:
        ValueError: a bad initial ``ids`` (as :func:`parse_ids`) or size.
        TypeError: ``ids`` of the wrong type.

    Example:

    >>> explorer = EmbeddingMaskExplorer("1 0 2 0")
    >>> explorer.mask.tolist(), explorer.carried.tolist()
    ([True, False, True, False], [False, True, False, True])
    >>> explorer.ids.value = "3 0 9"
    >>> explorer.error
    "id 9 is out of range: ids must be from 0 (padding) to 5 (input_dim=6), got '3 0 9'"
    """

    _kind = "embedding"
    MAX_STEPS = 12

    def __init__(self, ids="1 0 2 0", *, input_dim=6, output_dim=3, units=2, seed=0):
        self._input_dim = _size("input_dim", input_dim, 2, 20)
        output_dim = _size("output_dim", output_dim, 1, 6)
        units = _size("units", units, 1, 6)
        first = parse_ids(ids, self._input_dim, self.MAX_STEPS)
        import keras

        with isolated_seed(seed), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._embedding = keras.layers.Embedding(
                self._input_dim, output_dim, mask_zero=True, name="embedding",
                embeddings_initializer=keras.initializers.RandomUniform(-1.0, 1.0, seed=seed))
            self._lstm = keras.layers.LSTM(units, return_sequences=True, name="lstm")
            self._lstm(self._embedding(np.ones((1, 1), "int64")))  # builds both layers, once
        self.embeddings = np.asarray(self._embedding.embeddings.numpy(), dtype="float32")
        self.error = None
        text = ids if isinstance(ids, str) else " ".join(str(i) for i in first.tolist())
        # Translators: the label of the box where the learner types token ids (whole numbers); also the
        # first step of the model diagram "ids → Embedding(...) → LSTM(...)".
        ids_label = _("ids")
        self.ids = widgets.Text(value=text, description=ids_label, continuous_update=False,
                                # Translators: the example shown in the empty ids box; keep the numbers.
                                placeholder=_("e.g. 3 1 0 0"), style={"description_width": "40px"},
                                layout=widgets.Layout(width="320px"))
        # Translators: a checkbox, and the title of the steps table when it is checked: the LSTM layer is
        # given the mask that Embedding(mask_zero=True) attached.
        self.use_mask = widgets.Checkbox(value=True, description=_("the LSTM gets the mask"), indent=False)
        self.message = widgets.HTML()
        self.view = widgets.HTML()
        self._compute(first)
        self.ids.observe(self._on_ids, names="value")
        self.use_mask.observe(self._on_mask, names="value")
        # The model diagram is code (Keras' layers and arguments), but for its first word.
        diagram = (f"{ids_label} &rarr; Embedding({self._input_dim}, {output_dim}, mask_zero=True) &rarr; "
                   f"LSTM({units}, return_sequences=True).")
        # Translators: how to use the ids box; id 0 is the padding id; "Enter" is the key.
        how = _("Type ids from 0 (padding) to {max_id}, separated by spaces or commas (at most {max_steps}), "
                "and press Enter.").format(max_id=self._input_dim - 1, max_steps=self.MAX_STEPS)
        help_text = widgets.HTML(f"<div style='{_NOTE}'>{diagram} {how}</div>")
        super().__init__([
            help_text,
            widgets.HBox([self.ids, self.use_mask], layout=widgets.Layout(flex_flow="row wrap",
                                                                          align_items="center")),
            self.message,
            self.view,
        ])

    def _compute(self, sequence):
        """Run both layers on ``sequence`` (int64 ``(T,)``) and redraw."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vectors = self._embedding(sequence[None, :])
            mask = get_mask(vectors)
            given = vectors if self.use_mask.value else np.asarray(vectors)  # an array carries no mask
            outputs = np.asarray(self._lstm(given))[0]
        self.sequence = sequence
        self.rows = np.asarray(vectors)[0]
        self.mask = mask[0]
        self.outputs = outputs
        previous = np.vstack([np.zeros_like(outputs[:1]), outputs[:-1]])
        self.carried = np.all(outputs == previous, axis=1)
        self.cudnn = check_cudnn_mask(mask)
        self._render()

    def _on_ids(self, change=None):
        try:
            sequence = parse_ids(self.ids.value, self._input_dim, self.MAX_STEPS)
        except (ValueError, TypeError) as problem:
            self.error = str(problem)
            # Translators: shown when the typed ids are refused; {error} is why (an English error message);
            # keep the HTML tags and the cross mark &#10006;.
            refused = _("<b>&#10006; not used:</b> {error}. Showing the last good ids.").format(
                error=html.escape(self.error))
            self.message.value = f"<p role='alert' style='{_PROBLEM}'>{refused}</p>"
            return
        self.error = None
        self.message.value = ""
        self._compute(sequence)

    def _on_mask(self, change=None):
        self._compute(self.sequence)

    def _render(self):
        if self.use_mask.value:
            title = _("the LSTM gets the mask")
        else:
            # Translators: the title of the steps table when the LSTM is given the Embedding's output as a plain
            # array, which carries no mask, so it computes the padded steps too.
            title = _("the LSTM gets the same vectors without a mask: padded steps are computed")
        if self.cudnn:
            # Translators: the answer to "Fits the cuDNN kernel's mask rule ...?".
            cudnn = _("yes")
        else:
            # The reason is masklab.masks.CudnnMaskCheck's text, less its opening words.
            reason = str(self.cudnn)
            reason = reason.removeprefix("cuDNN would reject this mask: ")
            # Translators: the answer to "Fits the cuDNN kernel's mask rule ...?", then why not.
            cudnn = _("no: {reason}").format(reason=reason)
        # Translators: a question whose answer (yes, or no and why) follows it; cuDNN is NVIDIA's library of
        # GPU kernels, which TensorFlow uses for an LSTM on a GPU.
        question = _("Fits the cuDNN kernel's mask rule (TensorFlow on a GPU, not run here)?")
        self.view.value = (
            embedding_steps_to_html(self.sequence, self.rows, self.mask, self.outputs, carried=self.carried,
                                    embeddings=self.embeddings, title=title)
            + f"<p style='{_NOTE}'>{question} {html.escape(cudnn)}</p>")

    def _controls_text(self):
        return f"ids={' '.join(str(i) for i in self.sequence.tolist())!r}, use_mask={self.use_mask.value}"
