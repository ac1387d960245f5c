import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masklab.losses import LOSSES, explain_masked_loss, masked_loss
from masklab.losses import keras_loss as keras_loss_object
from masklab.masks import attach_mask, get_mask


def keras_loss(name, y_true, y_pred, mask, sample_weight, reduction):
    pred = attach_mask(y_pred.astype("float32"), mask) if mask is not None else y_pred.astype("float32")
    loss = keras_loss_object(name, reduction)
    return np.asarray(loss(y_true, pred, sample_weight=sample_weight))


def make_case(rng, name, batch, steps, units, saturated=False):
    y_pred = rng.uniform(0.05, 0.95, size=(batch, steps, units)).astype("float32")
    if saturated:  # predictions of exactly 0 and 1, where Keras' float32 clipping matters
        y_pred = np.where(rng.random(y_pred.shape) < 0.5, rng.integers(0, 2, size=y_pred.shape), y_pred).astype("float32")
    if name == "categorical_crossentropy":
        y_pred /= y_pred.sum(-1, keepdims=True)
        y_true = np.eye(units, dtype="float32")[rng.integers(0, units, size=(batch, steps))]
    elif name == "sparse_categorical_crossentropy":
        y_pred /= y_pred.sum(-1, keepdims=True)
        y_true = rng.integers(0, units, size=(batch, steps)).astype("float32")
    elif name == "binary_crossentropy":
        y_true = rng.integers(0, 2, size=(batch, steps, units)).astype("float32")
    else:
        y_true = rng.normal(size=(batch, steps, units)).astype("float32")
    return y_true, y_pred


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(LOSSES),
    batch=st.integers(1, 4),
    steps=st.integers(1, 6),
    units=st.integers(2, 4),
    seed=st.integers(0, 2**16),
    masked=st.booleans(),
    weighted=st.booleans(),
    reduction=st.sampled_from(["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None]),
    saturated=st.booleans(),
)
def test_matches_keras_loss_objects(name, batch, steps, units, seed, masked, weighted, reduction, saturated):
    rng = np.random.default_rng(seed)
    y_true, y_pred = make_case(rng, name, batch, steps, units, saturated)
    mask = rng.random((batch, steps)) < 0.6 if masked else None
    sample_weight = rng.uniform(0, 3, size=(batch, steps)).astype("float32") if weighted else None
    expected = keras_loss(name, y_true, y_pred, mask, sample_weight, reduction)
    got = masked_loss(y_true, y_pred, mask=mask, loss=name, sample_weight=sample_weight, reduction=reduction)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_matches_model_evaluate_with_a_real_mask():
    # Masking generates the mask; evaluate() reduces with it.
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(0).normal(size=(3, 5, 2)).astype("float32")
    x[0, 3:] = 0.0
    x[2, 1:] = 0.0
    y = np.random.default_rng(1).normal(size=(3, 5, 1)).astype("float32")
    inputs = keras.Input((5, 2))
    outputs = keras.layers.Dense(1)(keras.layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(loss="mse")
    pred = model.predict(x, verbose=0)
    mask = np.any(x != 0.0, axis=-1)
    weights = np.random.default_rng(2).uniform(0.5, 2, size=(3, 5)).astype("float32")
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), masked_loss(y, pred, mask), rtol=1e-6)
    np.testing.assert_allclose(
        model.evaluate(x, y, sample_weight=weights, verbose=0),
        masked_loss(y, pred, mask, sample_weight=weights), rtol=1e-6,
    )
    # Denominator: unmasked steps, not all steps and not the sum of weights.
    assert explain_masked_loss(y, pred, mask, sample_weight=weights).denominator == mask.sum() == 9


def test_all_masked_batch_gives_zero_not_nan():
    y_true = np.ones((2, 3, 1), "float32")
    y_pred = np.zeros((2, 3, 1), "float32")
    mask = np.zeros((2, 3), bool)
    assert masked_loss(y_true, y_pred, mask) == 0.0
    assert float(keras_loss("mse", y_true, y_pred, mask, None, "sum_over_batch_size")) == 0.0
    assert explain_masked_loss(y_true, y_pred, mask).denominator == 0


def test_explanation_rows_and_arithmetic():
    y_true = np.zeros((1, 4, 1))
    y_pred = np.array([[[1.0], [2.0], [3.0], [4.0]]])
    e = explain_masked_loss(y_true, y_pred, mask=[[1, 1, 0, 0]], sample_weight=[[2.0, 1.0, 1.0, 1.0]])
    assert (e.numerator, e.denominator, e.value) == (6.0, 2.0, 3.0)
    assert e.rows()[0] == ((0, 0), 1.0, 2.0, 2.0) and e.rows()[3] == ((0, 3), 16.0, 0.0, 0.0)
    assert "6.0000 / 2 = 3.0000" in e._repr_html_()
    assert masked_loss(y_true, y_pred, mask=[[1, 1, 0, 0]], reduction="sum") == 5.0
    np.testing.assert_array_equal(masked_loss(y_true, y_pred, mask=[[1, 1, 0, 0]], reduction=None), [[1, 4, 0, 0]])


def test_callable_loss():
    def squared_error(y_true, y_pred):
        return np.sum((y_true - y_pred) ** 2, axis=-1)

    y_true = np.zeros((1, 2, 2))
    y_pred = np.ones((1, 2, 2))
    assert masked_loss(y_true, y_pred, mask=[[True, False]], loss=squared_error) == 2.0


def test_sample_weight_per_sample_with_sequence_mask_is_refused_like_keras():
    y_true = np.zeros((2, 4, 1), "float32")
    y_pred = np.ones((2, 4, 1), "float32")
    mask = np.ones((2, 4), bool)
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(2, 4\) do not broadcast.*\(batch, timesteps\)"):
        masked_loss(y_true, y_pred, mask, sample_weight=[1.0, 2.0])
    with pytest.raises(Exception, match="Incompatible shapes"):
        keras_loss("mse", y_true, y_pred, mask, np.array([1.0, 2.0], "float32"), "sum_over_batch_size")


def test_bad_inputs():
    y = np.zeros((1, 2, 1))
    with pytest.raises(ValueError, match=r"loss must be one of \['mse'.*got 'hinge'"):
        masked_loss(y, y, loss="hinge")
    with pytest.raises(ValueError, match=r"reduction must be one of \['sum_over_batch_size'.*got 'max'"):
        masked_loss(y, y, reduction="max")
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape for loss='mse', got \(1, 3, 1\) and \(1, 2, 1\)"):
        masked_loss(np.zeros((1, 3, 1)), y)
    with pytest.raises(ValueError, match=r"mask of shape \(1, 3\) does not match the per-element losses of shape \(1, 2\)"):
        masked_loss(y, y, mask=[[True, True, False]])
    with pytest.raises(TypeError, match=r"mask must be boolean-like \(booleans or 0/1\), got \[0.5"):
        masked_loss(y, y, mask=[[0.5, 1.0]])
    with pytest.raises(TypeError, match="mask must be boolean-like"):
        masked_loss(y, y, mask=[["yes", "no"]])
    with pytest.raises(TypeError, match="y_pred must hold numbers"):
        masked_loss(y, [[["a"], ["b"]]])
    with pytest.raises(ValueError, match=r"y_true must hold class ids in \[0, 3\)"):
        masked_loss([[5.0]], [[[0.2, 0.3, 0.5]]], loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="to explain a loss, got None"):
        explain_masked_loss(y, y, reduction=None)


def test_keras_loss_object_and_bad_names():
    assert isinstance(keras_loss_object("mae", "sum"), keras.losses.MeanAbsoluteError)
    assert keras_loss_object("mse", None).reduction is None
    with pytest.raises(ValueError, match="loss must be one of"):
        keras_loss_object("hinge")
    with pytest.raises(ValueError, match="reduction must be one of"):
        keras_loss_object("mse", "avg")


def test_saturated_binary_crossentropy_is_keras_float32_value():
    # Keras clips to 1 - 1e-7 in float32 (0.99999988): -log(1.19e-7) = 15.942, not float64's 16.118.
    y_true, y_pred = np.zeros((1, 1)), np.ones((1, 1))
    keras_value = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))
    assert masked_loss(y_true, y_pred, loss="binary_crossentropy") == pytest.approx(keras_value, rel=1e-6)
    assert keras_value == pytest.approx(15.942385, rel=1e-6)


def test_one_class_sparse_input_is_refused_as_keras_refuses_it():
    y_true, y_pred = np.zeros((2, 3)), np.ones((2, 3, 1))
    with pytest.raises(ValueError, match="rank"):
        keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred)
    with pytest.raises(ValueError, match=r"y_true \(class ids\) must have y_pred's shape without its last axis"):
        masked_loss(y_true, y_pred, loss="sparse_categorical_crossentropy")
    # With the class axis kept on y_true, Keras accepts it (one class: about 0) and so does masklab.
    keras_value = float(keras.losses.SparseCategoricalCrossentropy()(np.zeros((2, 3, 1)), y_pred))
    assert keras_value < 1e-6
    assert abs(masked_loss(np.zeros((2, 3, 1)), y_pred, loss="sparse_categorical_crossentropy") - keras_value) < 1e-6


def with_keras_mask(y_pred, mask):
    """y_pred as a tensor whose mask is ``mask`` of any shape: what Keras' Loss.__call__ reads (``_keras_mask``).

    ``attach_mask`` accepts only ``(batch, timesteps)`` masks; this sets other shapes directly.
    """
    from keras.src.backend.common.masking import set_keras_mask

    tensor = keras.ops.convert_to_tensor(np.asarray(y_pred, "float32"))
    set_keras_mask(tensor, keras.ops.convert_to_tensor(np.asarray(mask, bool)))
    return tensor


def single_timestep_model():
    """Embedding(mask_zero=True) -> Dense(softmax) on one timestep; ids, (batch, 1, 1) labels, predictions."""
    keras.utils.set_random_seed(3)
    ids = np.array([[4], [0], [7], [0], [2]])                          # (5, 1): samples 1 and 3 are padding
    labels = np.array([[[1]], [[2]], [[0]], [[2]], [[1]]], "float32")   # (5, 1, 1)
    inputs = keras.Input((1,), dtype="int32")
    probs = keras.layers.Dense(3, activation="softmax")(keras.layers.Embedding(9, 4, mask_zero=True)(inputs))
    model = keras.Model(inputs, probs)
    model.compile(loss="sparse_categorical_crossentropy")
    return model, ids, labels, model.predict(ids, verbose=0)            # predictions (5, 1, 3)


def test_single_timestep_sparse_crossentropy_matches_keras():
    model, ids, labels, pred = single_timestep_model()
    keras_value = model.evaluate(ids, labels, verbose=0)
    mask = get_mask(model(ids))
    assert pred.shape == (5, 1, 3) and mask.tolist() == [[True], [False], [True], [False], [True]]
    name = "sparse_categorical_crossentropy"
    assert abs(masked_loss(labels, pred, mask, loss=name) - keras_value) < 1e-6
    assert abs(masked_loss(labels, pred, None, loss=name) - keras_value) > 1e-3, "the mask changes the value"
    # Keras' own loss object reads the mask from y_pred._keras_mask and lines a mask of (batch,),
    # (batch, 1) or (batch, 1, 1) up with the (batch, 1) losses (a last axis of 1 squeezed or added).
    for m in (mask[:, 0], mask, mask[..., None]):
        expected = float(keras.losses.SparseCategoricalCrossentropy()(labels, with_keras_mask(pred, m)))
        assert abs(expected - keras_value) < 1e-6, m.shape
        assert abs(masked_loss(labels, pred, m, loss=name) - expected) < 1e-6, m.shape
        np.testing.assert_allclose(
            masked_loss(labels, pred, m, loss=name, reduction=None),
            np.asarray(keras.losses.SparseCategoricalCrossentropy(reduction=None)(labels, with_keras_mask(pred, m))),
            rtol=1e-6, atol=1e-7)
    # (batch, 1) labels: the same value.
    assert abs(masked_loss(labels[..., 0], pred, mask[:, 0], loss=name) - keras_value) < 1e-6


def test_single_timestep_shapes_keras_refuses_are_refused_by_name():
    _, _, labels, pred = single_timestep_model()
    name = "sparse_categorical_crossentropy"
    # (batch,) labels for (batch, 1, classes) predictions: Keras raises, and so does masklab, naming y_true.
    with pytest.raises(ValueError, match="rank"):
        keras.losses.SparseCategoricalCrossentropy()(labels[:, 0, 0], pred)
    with pytest.raises(ValueError, match=r"^y_true \(class ids\) must have y_pred's shape without its last axis for "
                                         r"loss='sparse_categorical_crossentropy', got \(5,\) and \(5, 1, 3\)"):
        masked_loss(labels[:, 0, 0], pred, loss=name)
    # A mask of another batch size: Keras raises "Incompatible shapes", masklab names the mask.
    wrong = np.ones((4, 1), bool)
    with pytest.raises(Exception, match="Incompatible shapes"):
        keras.losses.SparseCategoricalCrossentropy()(labels, with_keras_mask(pred, wrong))
    with pytest.raises(ValueError, match=r"^mask of shape \(4, 1\) does not match the per-element losses of shape "
                                         r"\(5, 1\) \(y_pred \(5, 1, 3\)\): \[\[ True\] \[ True\] \[ True\] \[ True\]\]; "
                                         r"expected a mask of the losses' shape \(5, 1\)"):
        masked_loss(labels, pred, wrong, loss=name)


def test_a_mask_keras_would_broadcast_to_another_shape_is_refused():
    # Per-sample losses (batch,) and a mask of two more axes: Keras silently broadcasts the losses to
    # (batch, 1, batch) and averages 15 numbers instead of 5; masklab refuses, naming the mask.
    y_true = np.array([1, 2, 0, 2, 1], "float32")
    y_pred = np.full((5, 3), 1 / 3, "float32")
    mask = np.ones((5, 1, 1), bool)
    broadcast = keras.losses.SparseCategoricalCrossentropy(reduction=None)(y_true, with_keras_mask(y_pred, mask))
    assert tuple(broadcast.shape) == (5, 1, 5)
    with pytest.raises(ValueError,
                       match=r"^mask of shape \(5, 1, 1\) does not match the per-element losses of shape \(5,\)"):
        masked_loss(y_true, y_pred, mask, loss="sparse_categorical_crossentropy")


def test_a_per_sample_mask_broadcasts_over_timesteps_as_in_keras():
    rng = np.random.default_rng(4)
    y_true, y_pred = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    mask = np.array([[True], [False], [True]])                        # (batch, 1): whole samples
    expected = float(keras.losses.MeanSquaredError()(y_true, with_keras_mask(y_pred, mask)))
    assert abs(masked_loss(y_true, y_pred, mask) - expected) < 1e-6
    assert abs(masked_loss(y_true, y_pred, np.repeat(mask, 4, axis=1)) - expected) < 1e-6


def test_mean_with_sample_weight_divides_by_per_sample_weights_as_given():
    # A (batch, 1) sample_weight counts once per sample in Keras' divisor, not once per timestep.
    y_true = np.zeros((2, 3, 1), "float32")
    y_pred = np.arange(6, dtype="float32").reshape(2, 3, 1)
    sample_weight = np.array([[1.0], [3.0]], "float32")
    loss = keras.losses.MeanSquaredError(reduction="mean_with_sample_weight")
    expected = float(loss(y_true, y_pred, sample_weight=sample_weight))
    assert expected == pytest.approx((1 * (0 + 1 + 4) + 3 * (9 + 16 + 25)) / 4)
    assert masked_loss(y_true, y_pred, sample_weight=sample_weight, reduction="mean_with_sample_weight") == \
        pytest.approx(expected, rel=1e-6)


def test_mean_with_sample_weight_divides_by_the_weights():
    y_true, y_pred = np.zeros((1, 3, 1)), np.array([[[1.0], [2.0], [3.0]]])
    e = explain_masked_loss(y_true, y_pred, [[1, 1, 0]], sample_weight=[[1.0, 3.0, 5.0]],
                            reduction="mean_with_sample_weight")
    assert (e.numerator, e.denominator, e.value) == (13.0, 4.0, 3.25)


def test_misleading_inputs_get_messages_that_name_them():
    y = np.zeros((1, 2, 1))
    with pytest.raises(TypeError, match="got the Keras loss object MeanSquaredError.*pass its name"):
        masked_loss(y, y, loss=keras.losses.MeanSquaredError())
    for bad, kind in ((None, "NoneType"), ({"a": 1}, "dict"), ((v for v in [1]), "generator")):
        with pytest.raises(TypeError, match=f"y_true must be an array, a nested list or a tensor, got .* of type {kind}"):
            masked_loss(bad, y)
    with pytest.raises(ValueError, match="ragged lists must be padded first"):
        masked_loss([[1.0], [1.0, 2.0]], y)
    with pytest.raises(ValueError, match=r"reduction must be one of .*got \['sum'\]"):
        masked_loss(y, y, reduction=["sum"])

    def broken(y_true, y_pred):
        raise ZeroDivisionError("oops")

    with pytest.raises(ValueError, match="loss 'broken' raised ZeroDivisionError: oops"):
        masked_loss(y, y, loss=broken)


# --- ignore_class (sparse categorical cross-entropy) and non-finite targets ------------------------------------------


def keras_sparse(y_true, y_pred, mask, sample_weight, reduction, ignore_class):
    """Keras' SparseCategoricalCrossentropy(ignore_class=...) on y_pred carrying ``mask``."""
    pred = with_keras_mask(y_pred, mask) if mask is not None else y_pred.astype("float32")
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=ignore_class, reduction=reduction)
    return np.asarray(loss(y_true, pred, sample_weight=sample_weight))


@settings(max_examples=40, deadline=None)
@given(
    batch=st.integers(1, 4),
    steps=st.integers(1, 6),
    classes=st.integers(2, 4),
    seed=st.integers(0, 2**16),
    ignore_class=st.sampled_from([-1, 0, 1, 255]),
    masked=st.booleans(),
    weighted=st.booleans(),
    reduction=st.sampled_from(["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None]),
    trailing_axis=st.booleans(),
)
def test_ignore_class_matches_keras(batch, steps, classes, seed, ignore_class, masked, weighted, reduction,
                                    trailing_axis):
    rng = np.random.default_rng(seed)
    y_pred = rng.uniform(0.05, 0.95, size=(batch, steps, classes)).astype("float32")
    y_pred /= y_pred.sum(-1, keepdims=True)
    y_true = rng.integers(0, classes, size=(batch, steps)).astype("float32")
    y_true[rng.random((batch, steps)) < 0.4] = ignore_class           # some steps carry the ignored id
    if trailing_axis:
        y_true = y_true[..., None]                                    # (batch, steps, 1): Keras squeezes it
    mask = rng.random((batch, steps)) < 0.7 if masked else None
    sample_weight = rng.uniform(0, 3, size=(batch, steps)).astype("float32") if weighted else None
    expected = keras_sparse(y_true, y_pred, mask, sample_weight, reduction, ignore_class)
    got = masked_loss(y_true, y_pred, mask, loss="sparse_categorical_crossentropy", sample_weight=sample_weight,
                      reduction=reduction, ignore_class=ignore_class)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_ignore_class_table_of_cases():
    # Per-step losses -log(p[label]): step (0, 0) 0.6931, (0, 1) 0.5108, (0, 2) ignored; (1, 0) 1.6094, (1, 1) ignored.
    y_pred = np.array([[[0.5, 0.5, 0.0], [0.2, 0.2, 0.6], [0.9, 0.1, 0.0]],
                       [[0.2, 0.8, 0.0], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]], "float32")
    y_true = np.array([[1, 2, -1], [0, -1, 2]], "float32")
    mask = np.array([[True, True, True], [True, True, False]])
    name = "sparse_categorical_crossentropy"
    l00, l01, l10 = -np.log(0.5), -np.log(0.6), -np.log(0.2)
    cases = [  # (mask, reduction, numerator, denominator)
        (None, "sum_over_batch_size", l00 + l01 + l10 - np.log(0.8), 4),   # ignored steps leave the denominator
        (mask, "sum_over_batch_size", l00 + l01 + l10, 3),                  # masked AND ignored steps leave it
        (None, "sum", l00 + l01 + l10 - np.log(0.8), 1),
        (mask, "mean_with_sample_weight", l00 + l01 + l10, 3),
    ]
    for m, reduction, numerator, denominator in cases:
        e = explain_masked_loss(y_true, y_pred, m, loss=name, reduction=reduction, ignore_class=-1)
        assert e.ignored.tolist() == [[False, False, True], [False, True, False]]
        assert e.denominator == denominator and e.numerator == pytest.approx(numerator, rel=1e-6), (m, reduction)
        assert e.value == pytest.approx(float(keras_sparse(y_true, y_pred, m, None, reduction, -1)), rel=1e-6)
    # The ignored steps' losses are 0, as in Keras' loss function (which attaches the mask y_true != -1).
    function = keras.losses.sparse_categorical_crossentropy(y_true, y_pred, ignore_class=-1)
    np.testing.assert_allclose(masked_loss(y_true, y_pred, loss=name, reduction=None, ignore_class=-1),
                               np.asarray(function), rtol=1e-6)
    assert get_mask(function).tolist() == e.ignored.__invert__().tolist()
    # ignore_class equals the masked loss with the mask (y_true != -1) and the ignored labels set to any class.
    valid = y_true != -1
    assert masked_loss(y_true, y_pred, loss=name, ignore_class=-1) == pytest.approx(
        masked_loss(np.where(valid, y_true, 0), y_pred, valid, loss=name), rel=1e-12)
    # ignore_class=0 ignores every real label 0 too.
    assert explain_masked_loss(np.where(valid, y_true, 1), y_pred, loss=name, ignore_class=0).ignored.tolist() == \
        [[False, False, False], [True, False, False]]


def test_ignore_class_leaves_nan_at_ignored_steps_out_but_a_mask_does_not():
    y_pred = np.array([[[0.5, 0.5], [np.nan, np.nan]]], "float32")
    y_true = np.array([[1, -1]], "float32")
    name = "sparse_categorical_crossentropy"
    keras_ignored = float(keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)(y_true, y_pred))
    assert keras_ignored == pytest.approx(np.log(2), rel=1e-6)
    assert masked_loss(y_true, y_pred, loss=name, ignore_class=-1) == pytest.approx(keras_ignored, rel=1e-6)
    labels, mask = np.array([[1, 0]], "float32"), np.array([[True, False]])
    keras_masked = float(keras.losses.SparseCategoricalCrossentropy()(labels, with_keras_mask(y_pred, mask)))
    assert np.isnan(keras_masked) and np.isnan(masked_loss(labels, y_pred, mask, loss=name))


def test_non_finite_targets_at_masked_steps_give_nan_as_in_keras():
    y_pred = np.array([[[0.2], [0.4], [0.6]]], "float32")
    mask = np.array([[True, True, False]])
    for pad in (np.nan, np.inf, -np.inf):
        y_true = np.array([[[0.0], [1.0], [pad]]], "float32")
        keras_value = float(keras.losses.MeanSquaredError()(y_true, with_keras_mask(y_pred, mask)))
        assert np.isnan(keras_value) and np.isnan(masked_loss(y_true, y_pred, mask)), pad
    finite = np.array([[[0.0], [1.0], [0.0]]], "float32")
    assert masked_loss(finite, y_pred, mask) == pytest.approx((0.04 + 0.36) / 2)


def test_ignore_class_bad_input_gets_named_errors():
    y_true, y_pred = np.array([[1, -1]]), np.full((1, 2, 2), 0.5)
    name = "sparse_categorical_crossentropy"
    with pytest.raises(ValueError, match=r"^ignore_class works only with loss='sparse_categorical_crossentropy'.*"
                                         r"got loss='mse'"):
        masked_loss(np.zeros((1, 2, 1)), np.zeros((1, 2, 1)), ignore_class=-1)
    with pytest.raises(ValueError, match="ignore_class works only with"):
        masked_loss(np.zeros((1, 2, 1)), np.zeros((1, 2, 1)), loss=lambda t, p: (t - p)[..., 0] ** 2, ignore_class=0)
    with pytest.raises(ValueError, match="ignore_class works only with"):
        keras_loss_object("mse", ignore_class=-1)
    for bad in (True, "-1", [-1], None.__class__):
        with pytest.raises(TypeError, match=r"^ignore_class must be None or an integer class id"):
            masked_loss(y_true, y_pred, loss=name, ignore_class=bad)
    for bad in (-1.5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"^ignore_class must be a whole number"):
            masked_loss(y_true, y_pred, loss=name, ignore_class=bad)
    # A whole-number float and a NumPy integer are accepted, as Keras accepts them.
    assert masked_loss(y_true, y_pred, loss=name, ignore_class=-1.0) == masked_loss(
        y_true, y_pred, loss=name, ignore_class=np.int64(-1)) == pytest.approx(np.log(2))
    # Without ignore_class a -1 label is refused (TensorFlow raises too).
    with pytest.raises(ValueError, match=r"y_true must hold class ids in \[0, 2\)"):
        masked_loss(y_true, y_pred, loss=name)
    # A mask that does not combine with the labels' shape is refused, naming both.
    with pytest.raises(ValueError, match=r"^mask of shape \(1, 2, 1\) beside ignore_class"):
        masked_loss(y_true, y_pred, np.ones((1, 2, 1), bool), loss=name, ignore_class=-1)
    assert keras_loss_object(name, "sum", ignore_class=-1).ignore_class == -1
