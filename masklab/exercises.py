"""The lessons' self-check exercises, as data.

Each lesson ends with a few exercises. The learner writes an answer and calls
:func:`check`, which says whether it is right and, when it is not, why and
what to run to see it. No answer yet (``None``) gets the question and a hint,
not an error, so a fresh notebook runs top to bottom.

An exercise is a small spec: its id, question and hint, and an *answer kind*
that knows the right answer, the known wrong answers (each with its own
message) and how to read the learner's input. The kinds:

- :class:`WholeNumber`: ``8``; whole floats such as ``8.0`` count;
- :class:`Number`: a real number compared within a tolerance; named words
  (``"nan"``) may stand for numbers;
- :class:`Choice`: one of a closed list of options (strings or whole
  numbers), read case- and space-insensitively, with aliases;
- :class:`Boolean`: ``True``/``False`` (also ``"true"``/``"false"``);
- :class:`Grid`: a nested list of a fixed shape, of booleans (0/1 allowed)
  or of numbers;
- :class:`Run`: code only where an answer must be run (04.1, a layer class).

Every kind reads any input (ragged lists, ``10**400``, a 10 MB string, a
dict) and answers with a short message, never an internal error.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re

import numpy as np

from masklab._validate import first_line, show
from masklab.masks import attach_mask, get_mask

UNANSWERED = "unanswered"
CORRECT = "correct"
INCORRECT = "incorrect"
_LONGEST_TEXT = 200  # a longer string is no answer to any exercise: refused before it is read


@dataclasses.dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes:
        exercise: the exercise id, e.g. ``"01.2"``.
        status: ``"correct"``, ``"incorrect"`` or ``"unanswered"``.
        message: what was right or wrong, and what to try.
    """

    exercise: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        """True when the answer is right."""
        return self.status == CORRECT

    def __repr__(self) -> str:
        mark = {CORRECT: "Correct", INCORRECT: "Not yet", UNANSWERED: "No answer yet"}[self.status]
        return f"[{self.exercise}] {mark}: {self.message}"


class _Refused(Exception):
    """An answer of the wrong form; the message says which form is expected."""


def _text(answer):
    """A short string answer, normalised (lower case, single spaces), or None for other types."""
    if not isinstance(answer, str):
        return None
    if len(answer) > _LONGEST_TEXT:
        raise _Refused(f"that is a {len(answer):,}-character string; the answer is a few words at most")
    return " ".join(answer.lower().split())


def _whole(answer):
    """``answer`` as an int if it is a whole number (int, NumPy int, or a whole float), else None."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real) and math.isfinite(answer) and float(answer).is_integer():
        return int(answer)
    return None


@dataclasses.dataclass(frozen=True)
class WholeNumber:
    """A whole-number answer.

    Attributes:
        right: the right number.
        praise: the message for the right number.
        wrong: ``{number: message}`` for known wrong numbers.
        below, above: messages for other numbers below / above ``right``
            (``{answer}`` is filled in); ``otherwise`` when they are None.
    """

    right: int
    praise: str
    wrong: dict = dataclasses.field(default_factory=dict)
    otherwise: str = "{answer} is not it."
    below: str | None = None
    above: str | None = None

    def judge(self, answer):
        value = _whole(answer)
        if value is None:
            raise _Refused(f"answer with a whole number, got {show(answer)}")
        if value == self.right:
            return True, self.praise
        if value in self.wrong:
            return False, self.wrong[value]
        template = (self.below if value < self.right else self.above) or self.otherwise
        return False, template.format(answer=show(value))


@dataclasses.dataclass(frozen=True)
class Number:
    """A real-number answer, compared within ``tolerance``.

    Attributes:
        right: the right number (``math.nan`` matches NaN).
        praise: the message for it.
        wrong: ``((number, message), ...)`` for known wrong numbers.
        otherwise: the message for any other number.
        words: ``{word: number}``, strings that stand for numbers (``"nan"``).
    """

    right: float
    praise: str
    wrong: tuple = ()
    otherwise: str = "{answer} is not it."
    words: dict = dataclasses.field(default_factory=dict)
    tolerance: float = 1e-6

    def _read(self, answer):
        text = _text(answer)
        if text is not None and text in self.words:
            return float(self.words[text])
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
            words = " or ".join(repr(w) for w in self.words)
            raise _Refused(f"answer with a number{' or ' + words if words else ''}, got {show(answer)}")
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf

    def _same(self, a, b):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= self.tolerance

    def judge(self, answer):
        value = self._read(answer)
        if self._same(value, self.right):
            return True, self.praise
        for number, message in self.wrong:
            if self._same(value, number):
                return False, message
        return False, self.otherwise.format(answer=show(answer))


@dataclasses.dataclass(frozen=True)
class Choice:
    """One of a closed list of options.

    Attributes:
        right: the right option.
        praise: the message for it.
        wrong: ``{option: message}`` for every other option.
        aliases: ``{other spelling: option}``, read like the options
            (case, repeated spaces and spaces around commas do not matter).
        notes: ``{answer: message}`` for answers outside the options that
            deserve more than the list of options.
    """

    right: object
    praise: str
    wrong: dict
    aliases: dict = dataclasses.field(default_factory=dict)
    notes: dict = dataclasses.field(default_factory=dict)

    @property
    def options(self):
        """Every option, in a fixed order that gives nothing away (sorted as text)."""
        return sorted([self.right, *self.wrong], key=str)

    def _read(self, answer):
        text = _text(answer)
        key = re.sub(r"\s*,\s*", ", ", text).replace(", )", ",)") if text is not None else _whole(answer)
        if key is not None:
            key = self.aliases.get(key, key)
            for option in self.options:
                if key == (option.lower() if isinstance(option, str) else option) or key == str(option):
                    return option
            if key in self.notes:
                raise _Refused(self.notes[key])
        shown = [repr(o) for o in self.options]
        either = f"{shown[0]} or {shown[1]}" if len(shown) == 2 else f"one of {', '.join(shown[:-1])} or {shown[-1]}"
        raise _Refused(f"answer {either}, got {show(answer)}")

    def judge(self, answer):
        option = self._read(answer)
        if option == self.right:
            return True, self.praise
        return False, self.wrong[option]


@dataclasses.dataclass(frozen=True)
class Boolean:
    """``True`` or ``False`` (NumPy booleans and the strings ``"true"``/``"false"`` count)."""

    right: bool
    praise: str
    wrong: str

    def judge(self, answer):
        if isinstance(answer, (bool, np.bool_)):
            value = bool(answer)
        elif _text(answer) in ("true", "false"):
            value = _text(answer) == "true"
        else:
            raise _Refused(f"answer True or False, got {show(answer)}")
        return (True, self.praise) if value == self.right else (False, self.wrong)


def _grid(answer, shapes, booleans):
    """``answer`` as a NumPy array of one of ``shapes`` (the first is canonical), or None."""
    if isinstance(answer, (str, bytes, dict, set)) or answer is None:
        return None
    try:
        array = np.asarray(answer)
    except (ValueError, TypeError, OverflowError):  # ragged, or not array-like
        return None
    if array.dtype.kind not in ("biu" if booleans else "biuf") or array.shape not in shapes:
        return None
    if array.dtype.kind == "b" and not booleans:
        return None
    if booleans and array.dtype.kind != "b":
        if not np.isin(array, (0, 1)).all():
            return None
        array = array.astype(bool)
    if array.dtype.kind == "f" and not (np.isfinite(array) & (np.mod(array, 1) == 0)).all():
        return None
    return array.reshape(shapes[0])


@dataclasses.dataclass(frozen=True)
class Grid:
    """A nested list of a fixed shape: booleans (0/1 allowed) or whole numbers.

    Attributes:
        right: the right grid (nested list).
        praise: the message for it.
        form: what the answer looks like, for the message on a wrong form.
        wrong: ``((grid, message), ...)`` for known wrong grids.
        otherwise: the message for any other grid.
        shapes: other accepted shapes (reshaped to ``right``'s).
        booleans: a grid of booleans (else of whole numbers).
    """

    right: list
    praise: str
    form: str
    wrong: tuple = ()
    otherwise: str = "that is not it."
    shapes: tuple = ()
    booleans: bool = True

    def judge(self, answer):
        canonical = np.asarray(self.right).shape
        array = _grid(answer, (canonical, *self.shapes), self.booleans)
        if array is None:
            raise _Refused(f"answer with {self.form}, got {show(answer)}")
        if np.array_equal(array, self.right):
            return True, self.praise
        for grid, message in self.wrong:
            if np.array_equal(array, grid):
                return False, message
        return False, self.otherwise


@dataclasses.dataclass(frozen=True)
class Run:
    """An answer that must be run: ``checker(answer) -> (correct, message)``."""

    checker: object

    def judge(self, answer):
        return self.checker(answer)


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise: its id, the question, a hint and its answer kind."""

    id: str
    question: str
    hint: str
    answer: object


def _zero_masked_layer(answer):
    """04.1: run the learner's layer class on a masked batch and look at values and mask."""
    import warnings

    import keras

    if not (isinstance(answer, type) and issubclass(answer, keras.layers.Layer)):
        return False, f"answer with your layer CLASS (a keras.layers.Layer subclass, not an instance), got {show(answer)}"
    try:
        layer = answer()
    except Exception as error:  # noqa: BLE001 - any learner error becomes advice
        return False, f"{answer.__name__}() could not be created without arguments: {first_line(error)}"
    rng = np.random.default_rng(0)
    values = rng.uniform(1.0, 2.0, size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    try:
        with warnings.catch_warnings():
            # Keras warns when a layer drops a mask; the message below says the same, with the fix.
            warnings.filterwarnings("ignore", message=".*destroy the mask.*")
            out = layer(attach_mask(values, mask))
        result = np.asarray(out)
    except Exception as error:  # noqa: BLE001
        return False, (f"calling your layer on a masked (2, 4, 3) tensor raised {type(error).__name__}: "
                       f"{first_line(error)}")
    if result.shape != values.shape:
        return False, f"the output must keep the input's shape (2, 4, 3), got {result.shape}"
    if not np.allclose(result[mask], values[mask]):
        return False, "kept timesteps must come out unchanged; only masked ones become 0."
    if not np.allclose(result[~mask], 0.0):
        return False, ("masked timesteps are not 0: accept `mask=None` in call() and multiply by it, e.g. "
                       "inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1).")
    if get_mask(out) is None or not (get_mask(out) == mask).all():
        return False, "the values are right, but the mask is lost: set self.supports_masking = True in __init__."
    return True, "masked steps are 0, kept steps unchanged, and the mask is passed on."


_PAD_POST = "padding='post' adds the padding at the END"
_CUT_PRE = "truncating='pre' removes timesteps from the START of a long sequence"
_MASK_02_3 = [[False, True, True, True], [False, False, False, True]]
_MASKED_SKIP = "the masked models skip padding entirely, however much there is; their accuracy did not move."
# 07.1: the options are "<side>, masking" and "<side>, no mask"; these spellings mean the same.
_NO_MASK = ("not masked", "unmasked", "without mask", "without a mask", "without masking", "no masking", "none")
_MASKING = ("masked", "mask", "with mask", "with a mask", "with masking")
_ALIASES_07_1 = {
    **{f"{side}{sep}{word}": f"{side}, no mask" for side in ("pre", "post") for sep in (", ", " ") for word in _NO_MASK},
    **{f"{side}{sep}{word}": f"{side}, masking" for side in ("pre", "post") for sep in (", ", " ") for word in _MASKING},
    **{f"{side} {word}": f"{side}, {word}" for side in ("pre", "post") for word in ("no mask", "masking")},
}

EXERCISES = {
    e.id: e
    for e in [
        Exercise("00.1", "How many lesson notebooks does masklab have?", "count the rows of the lesson map",
                 WholeNumber(9, "the lessons run from 00_start_here to 08_attention_masks.",
                             otherwise="{answer} is not it: count the rows of the lesson map, numbered 00 to 08.")),
        Exercise("00.2", "In the explorer of lesson 00 ([[3, 1, 4, 1, 5], [9, 2]]), the smallest maxlen that "
                 "truncates nothing?", "watch 'truncated rows' as you move the slider",
                 WholeNumber(5, "the longest sequence has 5 timesteps; any smaller maxlen truncates it.",
                             below="with maxlen={answer} the first sequence (5 timesteps) is truncated; "
                                   "watch 'truncated rows'.",
                             above="maxlen={answer} truncates nothing, but a smaller value does too: only pad to "
                                   "the longest sequence.")),
        Exercise("01.1", "Which padding side does keras.utils.pad_sequences use by default: 'pre' or 'post'?",
                 "call it on [[1, 2], [3]] without arguments",
                 Choice("pre", "keras.utils.pad_sequences pads (and truncates) at the start unless told otherwise.",
                        {"post": "'post' is a common choice, not the default: run keras.utils.pad_sequences("
                                 "[[1, 2], [3]]) and see on which side the 0 lands."})),
        Exercise("01.2", "Pad [[5, 8, 2, 9], [7, 1]] with maxlen=3, padding='post', truncating='pre' (nested list).",
                 "truncate first, then pad",
                 Grid([[8, 2, 9], [7, 1, 0]], "truncating='pre' dropped the 5, padding='post' put the 0 after [7, 1].",
                      "2 rows of 3 numbers (a nested list)", booleans=False,
                      wrong=(([[5, 8, 2], [7, 1, 0]], _CUT_PRE + "."),
                             ([[8, 2, 9], [0, 7, 1]], _PAD_POST + "."),
                             ([[5, 8, 2], [0, 7, 1]], f"{_CUT_PRE}; {_PAD_POST}.")),
                      otherwise="compare with keras.utils.pad_sequences(seqs, maxlen=3, padding='post', "
                                "truncating='pre').")),
        Exercise("01.3", "Words have ids 1..50 and 0 is padding. What input_dim does Embedding(mask_zero=True) need?",
                 "input_dim is a number of rows",
                 WholeNumber(51, "ids 0..50 index 51 rows; row 0 is the padding row that mask_zero=True masks.",
                             wrong={50: "the ids run from 0 (padding) to 50, which is 51 rows: input_dim must be "
                                        "larger than the largest id. Embedding(50, ...) has no row 50."},
                             otherwise="{answer} is not it: input_dim is the number of rows, the largest id + 1.")),
        Exercise("02.1", "The mask Masking(mask_value=0.0) computes for x = [[[0,0],[0,1],[0,0],[2,0]]]?",
                 "one boolean per timestep",
                 Grid([[False, True, False, True]], "a timestep is masked only when ALL its features equal mask_value.",
                      "4 booleans (one per timestep)", shapes=((4,),),
                      wrong=(([[False, False, False, False]],
                              "a timestep is masked only when ALL features equal mask_value; [0., 1.] has a non-zero "
                              "feature, so Masking keeps it."),),
                      otherwise="run masklab.mask_from_values(x, 0.0) or Masking(0.0) on x and compare step by step.")),
        Exercise("02.2", "True or False: Embedding(mask_zero=True) outputs zero vectors at padded positions.",
                 "look at the output values, not the mask",
                 Boolean(False, "the output at index 0 is row 0 of the embedding matrix; the mask travels beside it.",
                         "run it: Embedding(5, 2, mask_zero=True)(np.array([[0]])) returns row 0 of the weights, "
                         "not zeros. mask_zero only attaches a mask for later layers.")),
        Exercise("02.3", "The mask of lengths [3, 1] padded to maxlen=4 with padding='pre'?", "2 rows of 4 booleans",
                 Grid(_MASK_02_3, "with padding='pre' the real timesteps are the last ones of each row.",
                      "2 rows of 4 booleans",
                      wrong=(([row[::-1] for row in _MASK_02_3],
                              "that is the mask for padding='post'; with 'pre' the padding comes first."),),
                      otherwise="each row has exactly `length` True values; check "
                                "masklab.mask_from_lengths([3, 1], 4, padding='pre').")),
        Exercise("03.1", "Which effect does GlobalAveragePooling1D have on a mask?",
                 "generates, propagates, modifies, consumes or destroys",
                 Choice("consumes", "its call takes the mask (a masked mean over time) and it outputs no mask.", {
                     "generates": "a mask reaches it from Masking; it makes none of its own. Look at 'mask in'.",
                     "propagates": "the time axis is gone after pooling, so no (batch, timesteps) mask can come out.",
                     "modifies": "no mask at all comes out: the time axis is gone after pooling.",
                     "destroys": "it does use the mask: trace_masks shows uses_mask=True. A layer that drops a mask "
                                 "unused destroys it.",
                 })),
        Exercise("03.2", "Masking -> Flatten -> Dense: does the Dense layer receive a mask? (True/False)",
                 "what does Flatten do to a mask?",
                 Boolean(False, "Flatten destroys the mask, so nothing after it sees one.",
                         "Flatten does not support masking: Keras warns and drops the mask; trace it and look.")),
        Exercise("04.1", "Write a layer class that sets masked timesteps to 0 and passes the mask on.",
                 "call(self, inputs, mask=None) and supports_masking", Run(_zero_masked_layer)),
        Exercise("04.2", "What does the guide's TemporalSoftmax return at a masked step (after Dense(1))?",
                 "a number, or 'nan'",
                 Number(math.nan, "0 / 0: the guide sums over the last axis, so a masked step divides zero by zero.",
                        wrong=((0.0, "that is what it should return; run the guide's layer and look at the masked "
                                     "steps."),
                               (1.0, "1.0 is what it returns at the UNMASKED steps (a softmax over one feature).")),
                        otherwise="{answer} is not it: run the guide's TemporalSoftmax and read a masked step.",
                        words={"nan": math.nan, "nans": math.nan})),
        Exercise("05.1", "Per-step losses [1, 4, 9, 16], mask [True, True, False, False]: Keras' default loss?",
                 "sum the kept losses, then divide",
                 Number(2.5, "(1 + 4) / 2: the masked steps add nothing and the denominator counts kept steps only.",
                        wrong=((1.25, "you divided by all 4 timesteps; Keras 3 divides by the number of UNMASKED "
                                      "timesteps."),
                               (7.5, "that averages every step, masked ones included; masked losses get weight 0."),
                               (5.0, "that is the 'sum' reduction; the default 'sum_over_batch_size' also divides.")),
                        otherwise="check with masklab.explain_masked_loss(y_true, y_pred, mask) and read its "
                                  "numerator/denominator.")),
        Exercise("05.2", "Which sample_weight shape does evaluate() accept beside a (batch, timesteps) mask: "
                 "'(batch,)' or '(batch, timesteps)'?", "the lesson ran both",
                 Choice("(batch, timesteps)",
                        "one weight per timestep, the shape of the mask, is what evaluate() accepts here.",
                        {"(batch,)": "run it: on the installed Keras a (batch,) sample_weight with a (batch, "
                                     "timesteps) mask fails."},
                        aliases={"batch, timesteps": "(batch, timesteps)", "batch": "(batch,)",
                                 "(batch)": "(batch,)"})),
        Exercise("06.1", "TextVectorization reports vocabulary_size() == 120. The input_dim of its "
                 "Embedding(mask_zero=True)?", "what does vocabulary_size() count?",
                 WholeNumber(120, "vocabulary_size() already counts '' (0) and '[UNK]' (1): ids run 0..119.",
                             wrong={121: "no +1 here: TextVectorization's vocabulary_size() already includes the "
                                         "padding entry ''.",
                                    122: "vocabulary_size() already includes both reserved entries, '' and '[UNK]'."},
                             otherwise="{answer} is not it: input_dim is the number of ids, vocabulary_size().")),
        Exercise("06.2", "On TensorFlow, which row does Embedding(3, 2) return for id -1 (or 'error')?",
                 "the lesson ran it",
                 Choice(2, "no error: -1 counts from the end, like Python indexing, and selects the last row (2).", {
                     0: "not zeros and not row 0: run Embedding(3, 2)(np.array([[-1]])) and compare with the weights.",
                     1: "not row 1: run Embedding(3, 2)(np.array([[-1]])) and compare with the weights.",
                     "error": "run it: TensorFlow raises for ids >= input_dim on CPU, but a negative id passes "
                              "silently.",
                 }, aliases={"last row": 2, "the last row": 2, "row 2": 2, "row 0": 0, "zeros": 0, "row 1": 1},
                     notes={-1: "-1 is the id; answer with the row index it selects (0, 1 or 2), or 'error'."})),
        Exercise("07.1", "Which configuration lost the most accuracy when the test set was padded to 60 frames?",
                 "answer like 'pre, masking' or 'post, no mask'",
                 Choice("post, no mask",
                        "the unmasked model read padding after the data; more of it pushed its last state away.", {
                            "post, masking": _MASKED_SKIP,
                            "pre, masking": _MASKED_SKIP,
                            "pre, no mask": "pre padding without a mask suffered less: the padding comes first, "
                                            "before the real frames.",
                        }, aliases=_ALIASES_07_1)),
        Exercise("07.2", "With masking, did the padding side (pre or post) change test accuracy? (True/False)",
                 "compare the two masked runs",
                 Boolean(False, "with the mask the LSTM never sees padding, so pre and post train the same model.",
                         "compare the two masked rows of the table: same accuracy, and final losses equal to float "
                         "precision.")),
        Exercise("08.1", "A Keras padding mask is [[True, True, False]]. What key_padding_mask does PyTorch's "
                 "nn.MultiheadAttention need for the same batch?", "PyTorch's True means 'ignore this key'",
                 Grid([[False, False, True]], "key_padding_mask = ~keras_mask: PyTorch marks the keys to ignore.",
                      "1 row of 3 booleans", shapes=((3,),),
                      wrong=(([[True, True, False]],
                              "that is the Keras mask unchanged: PyTorch would ignore the two real keys and attend "
                              "only to the padding. Invert it."),))),
        Exercise("08.2", "In MultiHeadAttention with a padding mask, called with return_attention_scores=True, "
                 "what attention weight does a padded query row give each key?",
                 "look at the last rows of the weights in lesson 08",
                 Number(0.0, "a padded query row is all False in the combined mask, and on the path that returns "
                             "the weights Keras gives it weights of 0 (the default call takes another path, whose "
                             "output at that row differs).",
                        wrong=((0.25, "0.25 = 1/4 would be a uniform row; on the weights path Keras zeroes the row."),),
                        otherwise="{answer} is not it: print the weights of a padded query row.")),
    ]
}


def check(exercise: str, answer) -> Feedback:
    """Check a learner's answer to a lesson exercise.

    Args:
        exercise: exercise id such as ``"01.2"`` (lesson number, then
            exercise number), as printed in the lesson.
        answer: the learner's answer; ``None`` (or ``...``) means not
            answered yet. Any value is read: an answer of the wrong form
            gets a short message saying which form is expected.

    Returns:
        :class:`Feedback`; its ``repr`` is the message shown in the notebook.

    Raises:
        TypeError: ``exercise`` is not a string.
        ValueError: ``exercise`` is not a known id (the message lists them).

    Example:

    >>> check("00.1", 7)
    [00.1] Not yet: 7 is not it: count the rows of the lesson map, numbered 00 to 08.
    >>> check("02.2", "false").correct
    True
    """
    if not isinstance(exercise, str):
        raise TypeError(f"exercise must be an id string such as '01.2', got {show(exercise)}")
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {show(exercise)}")
    item = EXERCISES[exercise]
    if answer is None or answer is Ellipsis:
        hint = item.hint if item.hint.endswith(("?", ".")) else item.hint + "."
        return Feedback(exercise, UNANSWERED, f"{item.question} Hint: {hint}")
    try:
        ok, message = item.answer.judge(answer)
    except _Refused as refused:
        return Feedback(exercise, INCORRECT, str(refused))
    except Exception as error:  # noqa: BLE001 - the last guard: never an internal error for a learner
        return Feedback(exercise, INCORRECT, f"could not read {show(answer)} ({type(error).__name__}); "
                                             f"the question: {item.question}")
    return Feedback(exercise, CORRECT if ok else INCORRECT, message)
