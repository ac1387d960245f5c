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
    "00.1": 8,
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
        ("00.1", 7, "numbered 00 to 07"),
        ("00.1", "8", "whole number"),
        ("00.2", 4, "is truncated"),
        ("00.2", 9, "smaller value"),
        ("01.1", "post", "not the default"),
        ("01.1", "left", "answer 'pre' or 'post'"),
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
        ("07.1", 3, "answer like"),
        ("05.2", 3, "answer '(batch,)'"),
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
