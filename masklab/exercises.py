"""Checkers for the lessons' self-check exercises.

Each lesson ends with a few exercises. The learner writes an answer and calls
:func:`check`, which says whether it is right and, when it is not, why and
what to run to see it. No answer yet (``None``) gets a hint, not an error, so
a fresh notebook runs top to bottom.
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

UNANSWERED = "unanswered"
CORRECT = "correct"
INCORRECT = "incorrect"


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


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise: its id, the question, a hint and a checker.

    ``checker(answer)`` returns ``(correct: bool, message: str)``.
    """

    id: str
    question: str
    hint: str
    checker: object


def _not_whole_number(answer):
    """The message for an answer that is not a whole number, else None."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return f"answer with a whole number, got {answer!r}"
    return None


def _not_true_or_false(answer):
    """The message for an answer that is not True/False, else None."""
    if not isinstance(answer, (bool, np.bool_)):
        return f"answer True or False, got {answer!r}"
    return None


def _as_bool_grid(answer, shape):
    array = np.asarray(answer)
    if array.dtype.kind not in "biu" or array.shape != shape:
        return None
    if array.dtype.kind != "b" and not np.isin(array, (0, 1)).all():
        return None
    return array.astype(bool)


def _lessons_count(answer):
    if _not_whole_number(answer):
        return False, _not_whole_number(answer)
    if answer == 8:
        return True, "the lessons run from 00_start_here to 07_capstone_japanese_vowels."
    return False, f"{answer} is not it: count the rows of the lesson map, numbered 00 to 07."


def _smallest_maxlen(answer):
    if _not_whole_number(answer):
        return False, _not_whole_number(answer)
    if answer == 5:
        return True, "the longest sequence has 5 timesteps; any smaller maxlen truncates it."
    if answer < 5:
        return False, f"with maxlen={answer} the first sequence (5 timesteps) is truncated; watch 'truncated rows'."
    return False, f"maxlen={answer} truncates nothing, but a smaller value does too: only pad to the longest sequence."


def _default_padding(answer):
    if answer == "pre":
        return True, "keras.utils.pad_sequences pads (and truncates) at the start unless told otherwise."
    if answer == "post":
        return False, ("'post' is a common choice, not the default: run keras.utils.pad_sequences([[1, 2], [3]]) "
                       "and see on which side the 0 lands.")
    return False, f"answer 'pre' or 'post', got {answer!r}"


_SEQS_01_2 = [[5, 8, 2, 9], [7, 1]]


def _pad_by_hand(answer):
    from keras.utils import pad_sequences

    expected = pad_sequences(_SEQS_01_2, maxlen=3, padding="post", truncating="pre")
    try:
        array = np.asarray(answer)
    except ValueError:
        array = np.asarray([], dtype=object)
    if array.shape != (2, 3) or array.dtype.kind not in "iuf":
        return False, f"the result has 2 rows of 3 numbers (a nested list), got {answer!r}"
    if np.array_equal(array, expected):
        return True, "truncating='pre' dropped the 5, padding='post' put the 0 after [7, 1]."
    for pad in ("pre", "post"):
        for cut in ("pre", "post"):
            if np.array_equal(array, pad_sequences(_SEQS_01_2, maxlen=3, padding=pad, truncating=cut)):
                wrong = []
                if cut != "pre":
                    wrong.append("truncating='pre' removes timesteps from the START of a long sequence")
                if pad != "post":
                    wrong.append("padding='post' adds the padding at the END")
                return False, "; ".join(wrong) + "."
    return False, "compare with keras.utils.pad_sequences(seqs, maxlen=3, padding='post', truncating='pre')."


def _input_dim(answer):
    if _not_whole_number(answer):
        return False, _not_whole_number(answer)
    if answer == 51:
        return True, "ids 0..50 index 51 rows; row 0 is the padding row that mask_zero=True masks."
    if answer == 50:
        return False, ("the ids run from 0 (padding) to 50, which is 51 rows: input_dim must be larger than "
                       "the largest id. Embedding(50, ...) has no row 50.")
    return False, f"{answer} is not it: input_dim is the number of rows, the largest id + 1."


_X_02_1 = [[[0.0, 0.0], [0.0, 1.0], [0.0, 0.0], [2.0, 0.0]]]


def _masking_rule(answer):
    grid = _as_bool_grid(answer, (1, 4))
    if grid is None:
        grid = _as_bool_grid([answer] if np.ndim(answer) == 1 else answer, (1, 4))
    if grid is None:
        return False, f"answer with 4 booleans (one per timestep), got {answer!r}"
    expected = np.array([[False, True, False, True]])
    if np.array_equal(grid, expected):
        return True, "a timestep is masked only when ALL its features equal mask_value."
    if np.array_equal(grid, np.array([[False, False, False, False]])):
        return False, ("a timestep is masked only when ALL features equal mask_value; [0., 1.] has a non-zero "
                       "feature, so Masking keeps it.")
    return False, "run masklab.mask_from_values(x, 0.0) or Masking(0.0) on x and compare step by step."


def _mask_zero_zeros(answer):
    if _not_true_or_false(answer):
        return False, _not_true_or_false(answer)
    if not answer:
        return True, "the output at index 0 is row 0 of the embedding matrix; the mask travels beside it."
    return False, ("run it: Embedding(5, 2, mask_zero=True)(np.array([[0]])) returns row 0 of the weights, "
                   "not zeros. mask_zero only attaches a mask for later layers.")


def _mask_from_lengths(answer):
    grid = _as_bool_grid(answer, (2, 4))
    if grid is None:
        return False, f"answer with 2 rows of 4 booleans, got {answer!r}"
    pre = np.array([[False, True, True, True], [False, False, False, True]])
    if np.array_equal(grid, pre):
        return True, "with padding='pre' the real timesteps are the last ones of each row."
    if np.array_equal(grid, pre[:, ::-1]):
        return False, "that is the mask for padding='post'; with 'pre' the padding comes first."
    return False, "each row has exactly `length` True values; check masklab.mask_from_lengths([3, 1], 4, padding='pre')."


def _default_reduction(answer):
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return False, f"answer with a number, got {answer!r}"
    if abs(answer - 2.5) < 1e-6:
        return True, "(1 + 4) / 2: the masked steps add nothing and the denominator counts kept steps only."
    if abs(answer - 1.25) < 1e-6:
        return False, "you divided by all 4 timesteps; Keras 3 divides by the number of UNMASKED timesteps."
    if abs(answer - 7.5) < 1e-6:
        return False, "that averages every step, masked ones included; masked losses get weight 0."
    if abs(answer - 5.0) < 1e-6:
        return False, "that is the 'sum' reduction; the default 'sum_over_batch_size' also divides."
    return False, "check with masklab.explain_masked_loss(y_true, y_pred, mask) and read its numerator/denominator."


def _sample_weight_shape(answer):
    normal = answer.replace(" ", "").lower() if isinstance(answer, str) else answer
    if normal in ("(batch,timesteps)", "batch,timesteps"):
        return True, "one weight per timestep, the shape of the mask, is what evaluate() accepts here."
    if normal in ("(batch,)", "batch", "(batch)"):
        return False, "run it: on the installed Keras a (batch,) sample_weight with a (batch, timesteps) mask fails."
    return False, f"answer '(batch,)' or '(batch, timesteps)', got {answer!r}"


def _gap_effect(answer):
    text = str(answer).strip().lower()
    if text == "consumes":
        return True, "its call takes the mask (a masked mean over time) and it outputs no mask."
    if text == "destroys":
        return False, "it does use the mask: trace_masks shows uses_mask=True. A layer that drops a mask unused destroys it."
    if text == "propagates":
        return False, "the time axis is gone after pooling, so no (batch, timesteps) mask can come out."
    return False, f"answer one of 'generates', 'propagates', 'modifies', 'consumes', 'destroys', got {answer!r}"


def _lstm_after_flatten(answer):
    if _not_true_or_false(answer):
        return False, _not_true_or_false(answer)
    if not answer:
        return True, "Flatten destroys the mask, so nothing after it sees one."
    return False, "Flatten does not support masking: Keras warns and drops the mask; trace it and look."


def _vocabulary_input_dim(answer):
    if _not_whole_number(answer):
        return False, _not_whole_number(answer)
    if answer == 120:
        return True, "vocabulary_size() already counts '' (0) and '[UNK]' (1): ids run 0..119."
    if answer == 121:
        return False, "no +1 here: TextVectorization's vocabulary_size() already includes the padding entry ''."
    if answer == 122:
        return False, "vocabulary_size() already includes both reserved entries, '' and '[UNK]'."
    return False, f"{answer} is not it: input_dim is the number of ids, vocabulary_size()."


def _negative_id(answer):
    text = str(answer).strip().lower()
    if text in ("2", "last row", "the last row", "row 2", "-1"):
        return True, "no error: -1 counts from the end, like Python indexing, and selects the last row (2)."
    if "error" in text or "raise" in text:
        return False, "run it: TensorFlow raises for ids >= input_dim on CPU, but a negative id passes silently."
    if text in ("0", "zeros", "row 0"):
        return False, "not zeros and not row 0: run Embedding(3, 2)(np.array([[-1]])) and compare with the weights."
    return False, f"answer with the row index it returns (0, 1 or 2) or 'error', got {answer!r}"


def _padding_side_with_mask(answer):
    if _not_true_or_false(answer):
        return False, _not_true_or_false(answer)
    if not answer:
        return True, "with the mask the LSTM never sees padding, so pre and post train the same model."
    return False, "compare the two masked rows of the table: same accuracy, and final losses equal to float precision."


def _longer_padding(answer):
    text = str(answer).strip().lower().replace("_", " ").replace("-", " ")
    if "post" in text and ("no mask" in text or "unmasked" in text or "without" in text):
        return True, "the unmasked model read padding after the data; more of it pushed its last state away."
    if "mask" in text and "no" not in text and "un" not in text and "without" not in text:
        return False, "the masked models skip padding entirely, however much there is; their accuracy did not move."
    if "pre" in text:
        return False, "pre padding without a mask suffered less: the padding comes first, before the real frames."
    return False, f"answer like 'post, no mask', got {answer!r}"


def _zero_masked_layer(answer):
    import keras

    from masklab.masks import attach_mask, get_mask

    if not (isinstance(answer, type) and issubclass(answer, keras.layers.Layer)):
        return False, f"answer with your layer CLASS (a keras.layers.Layer subclass, not an instance), got {answer!r}"
    try:
        layer = answer()
    except Exception as error:  # noqa: BLE001 - any learner error becomes advice
        return False, f"{answer.__name__}() could not be created without arguments: {error}"
    rng = np.random.default_rng(0)
    values = rng.uniform(1.0, 2.0, size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    import warnings

    try:
        with warnings.catch_warnings():
            # Keras warns when a layer drops a mask; the message below says the same, with the fix.
            warnings.filterwarnings("ignore", message=".*destroy the mask.*")
            out = layer(attach_mask(values, mask))
    except Exception as error:  # noqa: BLE001
        return False, f"calling your layer on a masked (2, 4, 3) tensor raised {type(error).__name__}: {error}"
    result = np.asarray(out)
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


def _guide_softmax_masked(answer):
    text = str(answer).strip().lower()
    if text in ("nan", "nans") or (isinstance(answer, float) and np.isnan(answer)):
        return True, "0 / 0: the guide sums over the last axis, so a masked step divides zero by zero."
    if text in ("0", "0.0"):
        return False, "that is what it should return; run the guide's layer and look at the masked steps."
    if text in ("1", "1.0"):
        return False, "1.0 is what it returns at the UNMASKED steps (a softmax over one feature)."
    return False, f"run the guide's TemporalSoftmax and read a masked step, got {answer!r}"


EXERCISES = {
    e.id: e
    for e in [
        Exercise("00.1", "How many lesson notebooks does masklab have?",
                 "count the rows of the lesson map", _lessons_count),
        Exercise("00.2", "In the explorer of lesson 00 ([[3, 1, 4, 1, 5], [9, 2]]), the smallest maxlen that "
                 "truncates nothing?", "watch 'truncated rows' as you move the slider", _smallest_maxlen),
        Exercise("01.1", "Which padding side does keras.utils.pad_sequences use by default: 'pre' or 'post'?",
                 "call it on [[1, 2], [3]] without arguments", _default_padding),
        Exercise("01.2", "Pad [[5, 8, 2, 9], [7, 1]] with maxlen=3, padding='post', truncating='pre' (nested list).",
                 "truncate first, then pad", _pad_by_hand),
        Exercise("01.3", "Words have ids 1..50 and 0 is padding. What input_dim does Embedding(mask_zero=True) need?",
                 "input_dim is a number of rows", _input_dim),
        Exercise("02.1", "The mask Masking(mask_value=0.0) computes for x = [[[0,0],[0,1],[0,0],[2,0]]]?",
                 "one boolean per timestep", _masking_rule),
        Exercise("02.2", "True or False: Embedding(mask_zero=True) outputs zero vectors at padded positions.",
                 "look at the output values, not the mask", _mask_zero_zeros),
        Exercise("02.3", "The mask of lengths [3, 1] padded to maxlen=4 with padding='pre'?",
                 "2 rows of 4 booleans", _mask_from_lengths),
        Exercise("03.1", "Which effect does GlobalAveragePooling1D have on a mask?",
                 "generates, propagates, modifies, consumes or destroys", _gap_effect),
        Exercise("03.2", "Masking -> Flatten -> Dense: does the Dense layer receive a mask? (True/False)",
                 "what does Flatten do to a mask?", _lstm_after_flatten),
        Exercise("04.1", "Write a layer class that sets masked timesteps to 0 and passes the mask on.",
                 "call(self, inputs, mask=None) and supports_masking", _zero_masked_layer),
        Exercise("04.2", "What does the guide's TemporalSoftmax return at a masked step (after Dense(1))?",
                 "a number, or 'nan'", _guide_softmax_masked),
        Exercise("06.1", "TextVectorization reports vocabulary_size() == 120. The input_dim of its "
                 "Embedding(mask_zero=True)?", "what does vocabulary_size() count?", _vocabulary_input_dim),
        Exercise("06.2", "On TensorFlow, which row does Embedding(3, 2) return for id -1 (or 'error')?",
                 "the lesson ran it", _negative_id),
        Exercise("07.1", "Which configuration lost the most accuracy when the test set was padded to 60 frames?",
                 "answer like 'pre, masking' or 'post, no mask'", _longer_padding),
        Exercise("07.2", "With masking, did the padding side (pre or post) change test accuracy? (True/False)",
                 "compare the two masked runs", _padding_side_with_mask),
        Exercise("05.1", "Per-step losses [1, 4, 9, 16], mask [True, True, False, False]: Keras' default loss?",
                 "sum the kept losses, then divide", _default_reduction),
        Exercise("05.2", "Which sample_weight shape does evaluate() accept beside a (batch, timesteps) mask: "
                 "'(batch,)' or '(batch, timesteps)'?", "the lesson ran both", _sample_weight_shape),
    ]
}


def check(exercise: str, answer) -> Feedback:
    """Check a learner's answer to a lesson exercise.

    Args:
        exercise: exercise id such as ``"01.2"`` (lesson number, then
            exercise number), as printed in the lesson.
        answer: the learner's answer; ``None`` means not answered yet.

    Returns:
        :class:`Feedback`; its ``repr`` is the message shown in the notebook.

    Raises:
        ValueError: ``exercise`` is not a known id (the message lists them).
    """
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")
    item = EXERCISES[exercise]
    if answer is None or answer is Ellipsis:
        hint = item.hint if item.hint.endswith(("?", ".")) else item.hint + "."
        return Feedback(exercise, UNANSWERED, f"{item.question} Hint: {hint}")
    ok, message = item.checker(answer)
    return Feedback(exercise, CORRECT if ok else INCORRECT, message)
