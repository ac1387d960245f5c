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
    "00.1": [[False, False, True, True], [True, False, True, False]],
    "00.2": 5,
    "01.1": 3,
    "01.2": [[8, 2, 9], [7, 1, 0]],
    "01.3": 51,
    "02.1": [False, True, False, True],
    "02.2": False,
    "02.3": [[False, True, True, True], [False, False, False, True]],
    "03.1": "consumes",
    "03.2": False,
    "03.3": "positions",
    "04.1": ZeroMasked,
    "04.2": 1.0,
    "05.1": 2.5,
    "05.2": "per timestep",
    "05.3": 3.0,
    "06.1": 120,
    "06.2": "error",
    "07.1": 2,
    "07.2": True,
    "08.1": [[False, False, True]],
    "08.2": 0.2,
    "09.1": "(2, 5)",
    "09.2": "conv",
    "09.3": "None",
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
        ("00.1", [[False, False, True, True], [True, True, True, False]], "masks EVERY 0"),
        ("00.1", [[True, True, False, False], [False, True, False, True]], "inverted the mask"),
        ("00.1", 8, "2 rows of 4 booleans"),
        ("00.2", 4, "is truncated"),
        ("00.2", 9, "smaller value"),
        ("01.1", 1, "does not round"),
        ("01.1", 0, "do not survive"),
        ("01.1", 4, "1.3 truncates to 1"),
        ("01.1", "pre", "whole number"),
        ("01.2", [[5, 8, 2], [7, 1, 0]], "START of a long sequence"),
        ("01.2", [[8, 2, 9], [0, 7, 1]], "padding at the END"),
        ("01.2", [[1, 2]], "2 rows of 3"),
        ("01.3", 50, "no row 50"),
        ("01.3", 52, "largest id + 1"),
        ("02.1", [False, False, False, False], "ALL features"),
        ("02.1", [True, False, True, False], "the opposite"),
        ("02.1", "yes", "4 booleans"),
        ("02.2", True, "carries its previous output forward"),
        ("02.2", "no", "True or False"),
        ("02.3", [[True, True, True, False], [True, False, False, False]], "padding='post'"),
        ("02.3", np.ones((2, 4), bool), "ids != 0"),
        ("02.3", [[True, True, False, False], [True, False, False, False]], "one True per real id"),
        ("03.1", "destroys", "uses_mask=True"),
        ("03.1", "propagates", "time axis is gone"),
        ("03.1", 5, "answer one of"),
        ("03.2", True, "does not support masking"),
        ("03.2", "no", "True or False"),
        ("03.3", "embedding", "next layer receives it too"),
        ("03.3", "attention", "none reaches it"),
        ("03.3", "GlobalAveragePooling1D", "padding counts in the mean"),
        ("03.3", "lstm", "answer one of 'attention', 'classifier', 'embedding', 'norm', 'pooling' or 'positions'"),
        ("04.1", ZeroMasked(), "CLASS"),
        ("04.1", ForgetsMask, "supports_masking = True"),
        ("04.1", IgnoresMask, "masked timesteps are not 0"),
        ("04.1", ZerosEverything, "kept timesteps must come out unchanged"),
        ("04.2", 3, "they share the 1"),
        ("04.2", 0, "only masked steps lose it"),
        ("04.2", "nan", "MASKED step"),
        ("05.1", 1.25, "UNMASKED timesteps"),
        ("05.1", 7.5, "weight 0"),
        ("05.1", 5.0, "'sum' reduction"),
        ("05.1", "2.5", "with a number"),
        ("05.2", "error", "nothing is raised"),
        ("05.2", "per sample", "LAST axes"),
        ("05.3", 2.333, "not positions"),
        ("05.3", 3.75, "leave the denominator"),
        ("05.3", 1.5, "divides by all 4 steps"),
        ("05.3", 1.75, "from the sum and from the denominator"),
        ("05.3", 2.5, "ignore_class=0)."),
        ("06.1", 121, "no +1 here"),
        ("06.1", 122, "both reserved"),
        ("06.2", 3, "only once"),
        ("06.2", 0, "what id -4 selects"),
        ("07.1", 0, "whichever side the zeros are on"),
        ("07.1", 4, "Only the masked models skip them"),
        ("07.1", 3, "read the zeros as input"),
        ("07.1", 5, "only four models"),
        ("07.1", "post, no mask", "whole number"),
        ("07.2", False, "not only the padding at the end"),
        ("05.2", 3, "answer one of 'error', 'per sample' or 'per timestep'"),
        ("06.2", -5, "-5 is the id"),
        ("06.2", "zeros", "on a GPU"),
        ("01.2", [[5, 8, 2], [0, 7, 1]], "START of a long sequence; padding='post'"),
        ("01.2", [[8, 2, 9], [7, 1]], "2 rows of 3"),
        ("03.1", "modifies", "no mask at all"),
        ("04.2", 0.5, "0.5 is not it"),
        ("02.2", 1, "True or False"),
        ("00.1", [[0, 0, 1, 1], [1, 0, 1]], "2 rows of 4 booleans"),
        ("08.2", 0.0, "scores path"),
        ("08.2", 0.5, "real keys are masked too"),
        ("08.2", 0.25, "5 keys"),
        ("09.1", "(2, 4)", "does not cut the mask"),
        ("09.1", "none", "Only Lambda(fn) without mask= drops it"),
        ("09.1", "(2,5,4)", "answer one of"),
        ("09.2", "pool", "averages over the padded steps"),
        ("09.2", "scale", "passes the mask on"),
        ("09.2", "inner", "carries its mask into the outer model"),
        ("09.3", "x's mask", "ONE tensor argument"),
        ("09.3", "a list of 2 masks", "ONE argument holds a list"),
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
        ("false", "02.2"), ("FALSE ", "03.2"), (np.True_, "07.2"),       # booleans, any spelling
        (3.0, "01.1"), (np.int64(51), "01.3"),                           # whole numbers of any type
        (1, "04.2"), (" One ", "04.2"), ("AddPositions", "03.3"), ("Positions", "03.3"),
        (2.0, "07.1"), (np.int64(2), "07.1"),
        ("Per-Timestep", "05.2"), ("per step", "05.2"), ("Error ", "06.2"), ("InvalidArgumentError", "06.2"),
        ([[0, 0, 1, 1], [1, 0, 1, 0]], "00.1"), ("Consumes", "03.1"),
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
    from masklab import get_mask

    ids = keras.utils.pad_sequences([[4, 2, 7], [5]], maxlen=4)
    assert get_mask(keras.layers.Embedding(8, 3, mask_zero=True)(ids)).tolist() == EXERCISES["02.3"].answer.right


def test_the_02_2_answer_is_what_keras_computes_on_cpu():
    steps = keras.layers.LSTM(2, return_sequences=True)(keras.layers.Embedding(5, 3, mask_zero=True)(
        np.array([[2, 0, 0, 3]])))
    differs = not np.allclose(np.asarray(steps)[0, 2], np.asarray(steps)[0, 0])
    assert differs == EXERCISES["02.2"].answer.right


def test_the_06_2_answer_is_what_keras_does_on_tensorflow_cpu():
    import tensorflow as tf

    from masklab.vocab import lookup_rows

    assert EXERCISES["06.2"].answer.right == "error"
    assert lookup_rows([-5], 4).tolist() == [-1]  # -5 + 4 = -1: no row
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0,0\] = -1 is not in \[0, 4\)"):
        keras.layers.Embedding(4, 2)(np.array([[-5]]))


def test_the_answers_of_00_1_and_01_1_are_what_keras_computes():
    from masklab import get_mask
    from masklab._exercises.lesson00 import IDS_00_1
    from masklab._exercises.lesson01 import FEATURES_01_1

    mask = get_mask(keras.layers.Embedding(10, 3, mask_zero=True)(np.array(IDS_00_1)))
    assert mask.tolist() == EXERCISES["00.1"].answer.right
    padded = keras.utils.pad_sequences([FEATURES_01_1])
    assert int((padded == 0).sum()) == EXERCISES["01.1"].answer.right
    assert int((np.round(FEATURES_01_1) == 0).sum()) in EXERCISES["01.1"].answer.wrong  # what rounding would give


def _lesson_code(lesson, marker):
    """The source of the one code cell of lessons/<lesson> that contains ``marker``."""
    import json
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / "lessons" / lesson
    cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    found = [source for source in cells if marker in source]
    assert len(found) == 1, f"{lesson}: expected one code cell with {marker!r}, found {len(found)}"
    return found[0]


def test_the_answer_of_03_3_is_where_the_lessons_encoder_loses_the_mask():
    import warnings

    from masklab import trace_masks
    from masklab._exercises.lesson03 import ENCODER_LAYERS

    namespace = {"keras": keras, "np": np, "warnings": warnings}
    exec(_lesson_code("03_mask_propagation.ipynb", "class AddPositions"), namespace)  # noqa: S102 (the lesson's model)
    trace = trace_masks(namespace["encoder"], namespace["encoder_ids"])
    assert tuple(r.name for r in trace) == ENCODER_LAYERS
    spec = EXERCISES["03.3"].answer
    assert set(spec.options) == set(ENCODER_LAYERS)
    assert [r.name for r in trace if r.input_mask is not None][-1] == spec.right


def test_the_answer_of_04_2_is_what_the_guides_layer_gives_after_dense_3():
    import warnings

    namespace = {"keras": keras, "np": np, "ops": ops, "warnings": warnings,
                 "ids": np.array([[3, 1, 4, 1, 5, 0], [2, 7, 0, 0, 0, 0]])}
    exec(_lesson_code("04_custom_mask_layers.ipynb", "class GuideTemporalSoftmax"), namespace)  # noqa: S102
    exec(_lesson_code("04_custom_mask_layers.ipynb", "out3 = "), namespace)  # noqa: S102 (the cell after 04.2)
    out3, kept = namespace["out3"], namespace["ids"] != 0
    assert np.allclose(out3[kept].sum(axis=-1), EXERCISES["04.2"].answer.right)
    assert np.isnan(out3[~kept]).all()


def test_the_lesson_09_answers_are_what_keras_does():
    import warnings

    from masklab import get_mask, trace_masks
    from masklab._exercises.lesson09 import MODEL_09_2

    layers = keras.layers
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 0, 0, 0]])
    embedded = layers.Embedding(10, 4, mask_zero=True)(ids)
    cut = layers.Lambda(lambda t: t[:, 1:], mask=lambda inputs, mask: mask)(embedded)  # 09.1
    assert str(get_mask(cut).shape) == EXERCISES["09.1"].answer.right

    inner_ids = keras.Input((None,), dtype="int32")  # 09.2: the model the question describes
    inner = keras.Model(inner_ids, layers.Dense(4)(layers.Embedding(10, 4, mask_zero=True)(inner_ids)), name="inner")
    outer_ids = keras.Input((None,), dtype="int32")
    scaled = layers.Lambda(lambda t: t * 2, mask=lambda inputs, mask: mask, name="scale")(inner(outer_ids))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Model(outer_ids, layers.GlobalAveragePooling1D(name="pool")(layers.Conv1D(4, 1, name="conv")(scaled)))
        trace = trace_masks(model, ids)
    top = [r.name for r in trace if "/" not in r.name]
    assert tuple(top) == MODEL_09_2 and set(EXERCISES["09.2"].answer.options) == set(MODEL_09_2)
    assert [r.name for r in trace if r.input_mask is not None and "/" not in r.name][-1] == EXERCISES["09.2"].answer.right

    seen = {}

    class WithContext(layers.Layer):  # 09.3
        def call(self, inputs, context=None, mask=None):
            seen["mask"] = mask
            return inputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WithContext does not support masking: Keras warns, as expected
        WithContext()(embedded, context=layers.Embedding(10, 4, mask_zero=True)(np.array([[1, 2, 0], [3, 0, 0]])))
    assert str(seen["mask"]) == EXERCISES["09.3"].answer.right
