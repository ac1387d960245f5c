import keras
import numpy as np
import pytest

from masklab import attach_mask, get_mask
from masklab.layers import (
    MaskedActivation,
    MaskedEmbedding,
    MaskedGlobalMaxPooling1D,
    MaskedTemporalSoftmax,
    TemporalSplit,
)


def softmax_over_time_reference(x, mask):
    """Plain NumPy: softmax over axis 1 per feature among kept steps; 0 elsewhere."""
    out = np.zeros_like(x, dtype=np.float64)
    for b in range(x.shape[0]):
        keep = mask[b]
        if keep.any():
            kept = x[b, keep].astype(np.float64)
            e = np.exp(kept - kept.max(axis=0))
            out[b, keep] = e / e.sum(axis=0)
    return out


def round_trip(model, tmp_path, data):
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    for a, b in zip(keras.tree.flatten(model(data)), keras.tree.flatten(loaded(data))):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
    return loaded


# MaskedTemporalSoftmax ---------------------------------------------------------

def test_temporal_softmax_matches_numpy_reference():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], bool)
    out = np.asarray(MaskedTemporalSoftmax()(x, mask=mask))
    np.testing.assert_allclose(out, softmax_over_time_reference(x, mask), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    assert (out[~mask] == 0.0).all()


def test_temporal_softmax_is_stable_and_all_masked_gives_zero():
    x = np.array([[[1e4], [-1e4], [1e4 - 1.0]], [[5.0], [5.0], [5.0]]], "float32")
    mask = np.array([[True, True, True], [False, False, False]])
    out = np.asarray(MaskedTemporalSoftmax()(x, mask=mask))
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out[0, :, 0], softmax_over_time_reference(x, mask)[0, :, 0], rtol=1e-5)
    assert (out[1] == 0.0).all(), "fully masked row: 0, not NaN"


def test_temporal_softmax_without_mask_and_mask_propagation():
    x = np.array([[[0.0], [np.log(3.0)]]], "float32")
    np.testing.assert_allclose(np.asarray(MaskedTemporalSoftmax()(x)), [[[0.25], [0.75]]], rtol=1e-6)
    out = MaskedTemporalSoftmax()(attach_mask(x, [[True, False]]))
    assert get_mask(out).tolist() == [[True, False]]
    np.testing.assert_allclose(np.asarray(out), [[[1.0], [0.0]]])


def test_temporal_softmax_bad_inputs():
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, timesteps, features\), got shape \(2, 3\)"):
        MaskedTemporalSoftmax()(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"got a mask of shape \(1, 3\); expected \(batch, timesteps\) = \(1, 4\)"):
        MaskedTemporalSoftmax()(np.ones((1, 4, 2), "float32"), mask=np.ones((1, 3), bool))


# MaskedGlobalMaxPooling1D -----------------------------------------------------

def test_masked_max_pooling_ignores_padding_unlike_keras():
    x = np.array([[[-3.0], [-1.0], [-7.0], [-7.0]]], "float32")
    masked = keras.layers.Masking(-7.0)(x)
    with pytest.warns(UserWarning, match="destroy the mask"):
        plain = np.asarray(keras.layers.GlobalMaxPooling1D()(masked))
    assert plain.tolist() == [[0.0]], "Keras' pooling lets the zeroed padding win"
    out = MaskedGlobalMaxPooling1D()(masked)
    assert np.asarray(out).tolist() == [[-1.0]]
    assert get_mask(out) is None


def test_masked_max_pooling_reference_and_edge_cases():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    mask = rng.random((4, 6)) < 0.5
    mask[0] = False
    out = np.asarray(MaskedGlobalMaxPooling1D()(x, mask=mask))
    for b in range(4):
        expected = x[b][mask[b]].max(axis=0) if mask[b].any() else np.zeros(3)
        np.testing.assert_allclose(out[b], expected)
    np.testing.assert_allclose(np.asarray(MaskedGlobalMaxPooling1D()(x)), x.max(axis=1))


def test_masked_max_pooling_bad_inputs():
    with pytest.raises(ValueError, match="expects inputs of shape"):
        MaskedGlobalMaxPooling1D()(np.ones((2, 3, 4, 5), "float32"))
    with pytest.raises(ValueError, match="got a mask of shape"):
        MaskedGlobalMaxPooling1D()(np.ones((2, 3, 4), "float32"), mask=np.ones((2, 4), bool))


# TemporalSplit ----------------------------------------------------------------

def test_temporal_split_values_and_masks():
    x = np.arange(24, dtype="float32").reshape(2, 4, 3)
    mask = np.array([[True, True, True, False], [True, False, False, False]])
    first, second = TemporalSplit()(attach_mask(x, mask))
    np.testing.assert_array_equal(np.asarray(first), x[:, :2])
    np.testing.assert_array_equal(np.asarray(second), x[:, 2:])
    assert get_mask(first).tolist() == mask[:, :2].tolist()
    assert get_mask(second).tolist() == mask[:, 2:].tolist()
    a, b = TemporalSplit()(x)
    assert get_mask(a) is None and get_mask(b) is None


def test_temporal_split_bad_inputs():
    with pytest.raises(ValueError, match="even number of timesteps, got 5"):
        TemporalSplit()(np.ones((1, 5, 2), "float32"))
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, timesteps, ...\)"):
        TemporalSplit()(np.ones((4,), "float32"))


# MaskedEmbedding and MaskedActivation -----------------------------------------

def test_masked_embedding_generates_mask_and_keeps_row_zero():
    layer = MaskedEmbedding(5, 3)
    ids = np.array([[1, 0, 4]])
    out = layer(ids)
    weights = layer.embeddings.numpy()
    np.testing.assert_allclose(np.asarray(out)[0], weights[[1, 0, 4]])
    assert get_mask(out).tolist() == [[True, False, True]]
    assert get_mask(MaskedEmbedding(5, 3, mask_zero=False)(ids)) is None


def test_masked_embedding_bad_inputs():
    with pytest.raises(ValueError, match="input_dim must be a positive integer, got 0"):
        MaskedEmbedding(0, 3)
    with pytest.raises(ValueError, match="output_dim must be a positive integer, got -1"):
        MaskedEmbedding(3, -1)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, timesteps\), got shape \(1, 2, 3\)"):
        MaskedEmbedding(3, 2)(np.zeros((1, 2, 3), "int32"))


def test_masked_activation_propagates_and_applies():
    x = attach_mask(np.array([[[-1.0], [2.0]]], "float32"), [[True, False]])
    out = MaskedActivation("relu")(x)
    assert np.asarray(out).tolist() == [[[0.0], [2.0]]]
    assert get_mask(out).tolist() == [[True, False]]
    with pytest.raises(ValueError):
        MaskedActivation("no-such-activation")


# Models and save/load -----------------------------------------------------------

def test_functional_model_round_trip(tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    h = MaskedActivation("tanh")(MaskedEmbedding(10, 4)(inputs))
    first, second = TemporalSplit()(h)
    pooled = MaskedGlobalMaxPooling1D()(MaskedTemporalSoftmax()(first))
    model = keras.Model(inputs, [pooled, second])
    data = np.array([[1, 2, 0, 0], [3, 4, 5, 0]])
    loaded = round_trip(model, tmp_path, data)
    assert [type(layer).__name__ for layer in loaded.layers[1:]] == [
        "MaskedEmbedding", "MaskedActivation", "TemporalSplit", "MaskedTemporalSoftmax", "MaskedGlobalMaxPooling1D"]
    assert loaded.layers[2].get_config()["activation"] == "tanh"
    assert get_mask(loaded(data)[1]).tolist() == [[False, False], [True, False]]


def test_sequential_model_round_trip_and_training(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((6,), dtype="int32"),
        MaskedEmbedding(20, 8),
        MaskedActivation(),
        MaskedTemporalSoftmax(),
        MaskedGlobalMaxPooling1D(),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    data = np.random.default_rng(0).integers(0, 20, size=(16, 6))
    model.fit(data, np.ones((16, 1)), epochs=1, verbose=0)
    round_trip(model, tmp_path, data)


def test_registered_under_masklab_package():
    for cls in (MaskedEmbedding, MaskedActivation, TemporalSplit, MaskedTemporalSoftmax, MaskedGlobalMaxPooling1D):
        assert keras.saving.get_registered_name(cls) == f"masklab>{cls.__name__}"


def test_keep_mask_passes_the_mask_and_masks_the_loss(tmp_path):
    from masklab.layers import KeepMask
    from masklab.losses import masked_loss

    x = np.array([[[0.5], [0.8], [0.0]], [[0.9], [0.3], [0.7]]], "float32")
    y = np.array([[[1.0], [0.0], [1.0]], [[0.0], [1.0], [1.0]]], "float32")
    mask = x[..., 0] != 0
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3, 1))
    h = KeepMask(keras.layers.LSTM(4, return_sequences=True))(keras.layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(loss="binary_crossentropy")
    assert get_mask(model.layers[2](keras.layers.Masking(0.0)(x))).tolist() == mask.tolist()
    pred = model.predict(x, verbose=0)
    flipped = y.copy()
    flipped[~mask] = 1 - flipped[~mask]
    value = model.evaluate(x, y, verbose=0)
    assert abs(value - masked_loss(y, pred, mask, loss="binary_crossentropy")) < 1e-6
    assert model.evaluate(x, flipped, verbose=0) == value
    # The RNN inside still skips masked steps: the masked step repeats the previous output.
    steps = np.asarray(model.layers[2](keras.layers.Masking(0.0)(x)))
    assert np.allclose(steps[0, 2], steps[0, 1])
    path = tmp_path / "keep.keras"
    model.save(path)
    assert np.allclose(keras.saving.load_model(path).predict(x, verbose=0), pred)


def test_keep_mask_no_time_axis_and_bad_input():
    from masklab.layers import KeepMask

    x = np.array([[[1.0], [0.0]]], "float32")
    assert get_mask(KeepMask(keras.layers.LSTM(2))(keras.layers.Masking(0.0)(x))) is None
    assert get_mask(KeepMask(keras.layers.LSTM(2, return_sequences=True))(x)) is None   # no mask in, none out
    with pytest.raises(TypeError, match="layer must be a keras.layers.Layer"):
        KeepMask("lstm")


def test_masks_of_string_dtype_are_refused_by_name():
    import numpy as np

    from masklab.layers import MaskedGlobalMaxPooling1D, MaskedTemporalSoftmax

    x = np.ones((1, 3, 2), "float32")
    for layer in (MaskedTemporalSoftmax(), MaskedGlobalMaxPooling1D()):
        with pytest.raises(TypeError, match=f"{type(layer).__name__} got a mask of dtype string"):
            layer(x, mask=np.array([["a", "b", "c"]]))


def test_temporal_split_odd_steps_in_a_dynamic_model():
    import keras
    import numpy as np

    from masklab.layers import TemporalSplit

    inputs = keras.Input((None, 2))
    model = keras.Model(inputs, TemporalSplit()(inputs))
    with pytest.raises(ValueError, match="TemporalSplit needs an even number of timesteps, got 3"):
        model(np.ones((1, 3, 2), "float32"))
    first, second = model(np.ones((1, 4, 2), "float32"))
    assert tuple(first.shape) == tuple(second.shape) == (1, 2, 2)


def test_temporal_split_odd_steps_in_a_compiled_predict():
    """Inside predict (a compiled TensorFlow function) the length is known only at run time."""
    import keras
    import numpy as np

    from masklab.layers import TemporalSplit

    inputs = keras.Input((None, 2))
    model = keras.Model(inputs, TemporalSplit()(inputs))
    with pytest.raises(Exception, match="TemporalSplit needs an even number of timesteps"):
        model.predict(np.ones((1, 5, 2), "float32"), verbose=0)
    first, second = model.predict(np.ones((1, 4, 2), "float32"), verbose=0)
    assert first.shape == second.shape == (1, 2, 2)
