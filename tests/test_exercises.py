import keras
import numpy as np
import pytest
from keras import ops

from masklab import check
from masklab.exercises import EXERCISES

class ZeroMasked(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1)


class ForgetsMask(keras.layers.Layer):
    def call(self, inputs, mask=None):
        return inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1)


class IgnoresMask(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs


class ZerosEverything(keras.layers.Layer):
    def call(self, inputs, mask=None):
        return ops.zeros_like(inputs)


RIGHT = {
    "00.1": 9,
    "00.2": 5,
    "01.1": "pre",
    "01.2": [[8, 2, 9], [7, 1, 0]],
    "01.3": 51,
    "02.1": [False, True, False, True],
    "02.2": False,
    "02.3": [[False, True, True, True], [False, False, False, True]],
    "03.1": "consumes",
    "03.2": False,
    "04.1": ZeroMasked,
    "04.2": "nan",
    "05.1": 2.5,
    "05.2": "(batch, timesteps)",
    "06.1": 120,
    "06.2": "last row",
    "07.1": "post, no mask",
    "07.2": False,
    "08.1": [[False, False, True]],
    "08.2": 0.0,
}


def test_every_exercise_has_a_right_answer_here():
    assert set(RIGHT) == set(EXERCISES)


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answers_pass(exercise):
    feedback = check(exercise, RIGHT[exercise])
    assert feedback.correct, feedback
    assert repr(feedback).startswith(f"[{exercise}] Correct:")


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_no_answer_gives_the_question_and_a_hint(exercise):
    feedback = check(exercise, None)
    assert feedback.status == "unanswered" and not feedback.correct
    assert "Hint:" in feedback.message


@pytest.mark.parametrize(
    "exercise, answer, says",
    [
        ("00.1", 7, "numbered 00 to 08"),
        ("00.1", "8", "whole number"),
        ("00.2", 4, "is truncated"),
        ("00.2", 9, "smaller value"),
        ("01.1", "post", "not the default"),
        ("01.1", "left", "answer 'post' or 'pre', got 'left'"),
        ("01.2", [[5, 8, 2], [7, 1, 0]], "START of a long sequence"),
        ("01.2", [[8, 2, 9], [0, 7, 1]], "padding at the END"),
        ("01.2", [[1, 2]], "2 rows of 3"),
        ("01.3", 50, "no row 50"),
        ("01.3", 52, "largest id + 1"),
        ("02.1", [False, False, False, False], "ALL features"),
        ("02.1", "yes", "4 booleans"),
        ("02.2", True, "not zeros"),
        ("02.2", "no", "True or False"),
        ("02.3", [[True, True, True, False], [True, False, False, False]], "padding='post'"),
        ("02.3", np.ones((2, 4), bool), "exactly `length` True"),
        ("03.1", "destroys", "uses_mask=True"),
        ("03.1", "propagates", "time axis is gone"),
        ("03.1", 5, "answer one of"),
        ("03.2", True, "does not support masking"),
        ("03.2", "no", "True or False"),
        ("04.1", ZeroMasked(), "CLASS"),
        ("04.1", ForgetsMask, "supports_masking = True"),
        ("04.1", IgnoresMask, "masked timesteps are not 0"),
        ("04.1", ZerosEverything, "kept timesteps must come out unchanged"),
        ("04.2", 0, "what it should return"),
        ("04.2", 1.0, "UNMASKED"),
        ("05.1", 1.25, "UNMASKED timesteps"),
        ("05.1", 7.5, "weight 0"),
        ("05.1", 5.0, "'sum' reduction"),
        ("05.1", "2.5", "with a number"),
        ("05.2", "(batch,)", "fails"),
        ("06.1", 121, "no +1 here"),
        ("06.1", 122, "both reserved"),
        ("06.2", "error", "passes silently"),
        ("06.2", 0, "not zeros"),
        ("07.1", "post, masking", "did not move"),
        ("07.2", True, "same accuracy"),
        ("07.1", "pre, no mask", "suffered less"),
        ("07.1", 3, "answer one of 'post, masking', 'post, no mask', 'pre, masking' or 'pre, no mask'"),
        ("07.1", "post, not masked at all", "answer one of"),
        ("05.2", 3, "'(batch,)'"),
        ("06.2", -1, "-1 is the id"),
        ("06.2", 1, "not row 1"),
        ("01.2", [[5, 8, 2], [0, 7, 1]], "START of a long sequence; padding='post'"),
        ("01.2", [[8, 2, 9], [7, 1]], "2 rows of 3"),
        ("03.1", "modifies", "no mask at all"),
        ("04.2", 0.5, "0.5 is not it"),
        ("02.2", 1, "True or False"),
        ("00.1", 8.5, "whole number"),
    ],
)
def test_wrong_answers_get_a_helpful_message(exercise, answer, says):
    feedback = check(exercise, answer)
    assert feedback.status == "incorrect"
    assert says in feedback.message
    assert repr(feedback).startswith(f"[{exercise}] Not yet:")


def test_unknown_exercise():
    with pytest.raises(ValueError, match=r"exercise must be one of \['00.1', .*got '9.9'"):
        check("9.9", 1)
    with pytest.raises(TypeError, match=r"exercise must be an id string such as '01.2', got \['01.1'\]"):
        check(["01.1"], "pre")
    with pytest.raises(TypeError, match="exercise must be an id string"):
        check(1.1, "pre")


@pytest.mark.parametrize(
    "answer, right_for",
    [
        ("false", "02.2"), ("FALSE ", "03.2"), (np.False_, "07.2"),      # booleans, any spelling
        (9.0, "00.1"), (np.int64(51), "01.3"),                           # whole numbers of any type
        (float("nan"), "04.2"), ("NaN", "04.2"),
        ("post,no mask", "07.1"), ("Post, not masked", "07.1"), ("post unmasked", "07.1"),  # closed choice, aliases
        ("(batch,timesteps)", "05.2"), (2, "06.2"), ("2", "06.2"), (2.0, "06.2"),
        ("  PRE ", "01.1"), ("Consumes", "03.1"),
        ([1, 0, 1, 0][::-1], "02.1"), ([[0, 1, 1, 1], [0, 0, 0, 1]], "02.3"),
        (np.array([[8.0, 2.0, 9.0], [7.0, 1.0, 0.0]]), "01.2"),
    ],
)
def test_other_spellings_of_right_answers(answer, right_for):
    assert check(right_for, answer).correct, check(right_for, answer)


class Unprintable:
    def __repr__(self):
        raise RuntimeError("no repr")


STRANGE = [
    [[1, 2], [3]],                # ragged
    [[[1], [2, 3]]],
    10**400,                      # beyond float and int64
    -(10**5000),                  # beyond str(int) limits
    "x" * 10_000_000,             # 10 MB string
    {"a": 1}, {1, 2}, (i for i in range(3)), b"pre", 1 + 2j, float("inf"), -float("inf"), float("nan"),
    object(), Unprintable(), np.zeros((2, 3, 4)), np.array("pre"), [None, None], [[True, False]] * 1000,
    print, int, ZeroMasked(), np.array([[8, 2, 9], [7, 1, 2**70]], dtype=object), [[8, 2, 9], [7, 1, 10**400]],
]


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_any_input_gets_a_short_clear_message(exercise):
    for answer in STRANGE:
        if exercise == "04.2" and isinstance(answer, float) and answer != answer:
            continue  # NaN is 04.2's right answer
        feedback = check(exercise, answer)
        assert feedback.status == "incorrect", (exercise, feedback)
        text = repr(feedback)
        assert len(text) < 400 and text.count("\n") <= 2, (exercise, text[:500])
        for internal in ("Traceback", "numpy", "could not read", "setting an array element"):
            assert internal not in text, (exercise, text)


def test_every_exercise_is_a_spec_of_a_known_kind():
    from masklab import exercises

    kinds = (exercises.WholeNumber, exercises.Number, exercises.Choice, exercises.Boolean, exercises.Grid)
    runs = [e.id for e in EXERCISES.values() if isinstance(e.answer, exercises.Run)]
    assert runs == ["04.1"], "code only where an answer must be run"
    assert all(isinstance(e.answer, kinds) for e in EXERCISES.values() if e.id not in runs)


def test_the_known_wrong_grids_of_01_2_are_what_keras_produces():
    seqs = [[5, 8, 2, 9], [7, 1]]
    spec = EXERCISES["01.2"].answer
    assert np.array_equal(keras.utils.pad_sequences(seqs, maxlen=3, padding="post", truncating="pre"), spec.right)
    produced = {(p, t): keras.utils.pad_sequences(seqs, maxlen=3, padding=p, truncating=t).tolist()
                for p in ("pre", "post") for t in ("pre", "post")}
    assert sorted(map(str, produced.values())) == sorted(map(str, [spec.right, *(g for g, _ in spec.wrong)]))


def test_the_mask_answers_are_what_masklab_and_keras_compute():
    from masklab import mask_from_lengths, mask_from_values

    x = np.array([[[0, 0], [0, 1], [0, 0], [2, 0]]], "float32")
    assert mask_from_values(x).tolist() == EXERCISES["02.1"].answer.right
    assert mask_from_lengths([3, 1], 4, padding="pre").tolist() == EXERCISES["02.3"].answer.right
