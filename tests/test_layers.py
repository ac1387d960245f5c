import keras
import numpy as np
import pytest

from masklab import attach_mask, get_mask
from masklab.layers import (
    KEEP_MASK_ACCEPTS,
    KeepMask,
    MaskedActivation,
    MaskedEmbedding,
    MaskedGlobalMaxPooling1D,
    MaskedTemporalSoftmax,
    TemporalSplit,
)
from masklab.losses import masked_loss


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
    with pytest.raises(ValueError, match="no-such-activation"):
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
    for cls in (MaskedEmbedding, MaskedActivation, TemporalSplit, MaskedTemporalSoftmax, MaskedGlobalMaxPooling1D,
                KeepMask):
        assert keras.saving.get_registered_name(cls) == f"masklab>{cls.__name__}"


def test_keep_mask_passes_the_mask_and_masks_the_loss(tmp_path):
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


def test_keep_mask_no_time_axis():
    x = np.array([[[1.0], [0.0]]], "float32")
    assert get_mask(KeepMask(keras.layers.LSTM(2))(keras.layers.Masking(0.0)(x))) is None
    assert get_mask(KeepMask(keras.layers.LSTM(2, return_sequences=True))(x)) is None   # no mask in, none out


ACCEPTED = {
    "LSTM": lambda: keras.layers.LSTM(2, return_sequences=True),
    "GRU": lambda: keras.layers.GRU(2, return_sequences=True),
    "SimpleRNN": lambda: keras.layers.SimpleRNN(2, return_sequences=True),
    "RNN(cell)": lambda: keras.layers.RNN(keras.layers.LSTMCell(2), return_sequences=True),
    "Bidirectional": lambda: keras.layers.Bidirectional(keras.layers.GRU(2, return_sequences=True)),
}


@pytest.mark.parametrize("label", sorted(ACCEPTED))
def test_keep_mask_accepts_rnns_and_passes_their_mask(label):
    x = np.array([[[1.0], [2.0], [0.0]], [[3.0], [0.0], [0.0]]], "float32")
    out = KeepMask(ACCEPTED[label]())(keras.layers.Masking(0.0)(x))
    assert get_mask(out).tolist() == [[True, True, False], [True, False, False]]


class DropsMaskLSTM(keras.layers.LSTM):
    """An LSTM as Keras 3.16 makes it (PR #23235): it uses the mask but supports_masking is False."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = False


def test_keep_mask_restores_the_mask_an_rnn_drops():
    """On any Keras: without KeepMask the mask is gone after a 3.16-style LSTM; with it, it is back."""
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    masked = keras.layers.Masking(0.0)(x)
    with pytest.warns(UserWarning, match="destroy the mask"):
        assert get_mask(DropsMaskLSTM(2, return_sequences=True)(masked)) is None
    keras.utils.set_random_seed(0)
    out = KeepMask(DropsMaskLSTM(2, return_sequences=True))(masked)
    assert get_mask(out).tolist() == [[True, True, False]]
    steps = np.asarray(out)
    assert np.allclose(steps[0, 2], steps[0, 1]), "the wrapped LSTM still skips the masked step"


@pytest.mark.parametrize("layer, shown", [
    (keras.layers.Dense(2), "<Dense name="),
    (keras.layers.TimeDistributed(keras.layers.Dense(2)), "<TimeDistributed name="),
    (keras.layers.Masking(0.0), "<Masking name="),
    ("lstm", "'lstm'"),
    (None, "None"),
])
def test_keep_mask_refuses_what_is_not_an_rnn(layer, shown):
    with pytest.raises(TypeError) as info:
        KeepMask(layer)
    message = str(info.value)
    assert message.startswith("layer must be an RNN: an instance of a keras.layers.RNN subclass (LSTM, GRU, SimpleRNN, "
                              "ConvLSTM1D/2D/3D, RNN(cell)) or of keras.layers.Bidirectional, got ")
    assert f"got {shown}" in message and f"of class {type(layer).__name__};" in message
    assert not isinstance(layer, KEEP_MASK_ACCEPTS)


def test_keep_mask_accepted_classes_are_rnn_and_bidirectional():
    # Decided by class: ConvLSTM1D is an RNN subclass; TimeDistributed and Bidirectional are not.
    assert KEEP_MASK_ACCEPTS == (keras.layers.RNN, keras.layers.Bidirectional)
    assert isinstance(keras.layers.ConvLSTM1D(2, 1), KEEP_MASK_ACCEPTS)
    assert not isinstance(keras.layers.TimeDistributed(keras.layers.Dense(1)), keras.layers.RNN)


def test_keep_mask_config_round_trip_and_refusal_on_load():
    wrapper = KeepMask(keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=True)), name="kept")
    config = wrapper.get_config()
    restored = KeepMask.from_config(config)
    assert restored.name == "kept" and isinstance(restored.layer, keras.layers.Bidirectional)
    assert restored.layer.forward_layer.units == 3 and restored.layer.forward_layer.return_sequences
    again = keras.layers.deserialize(keras.layers.serialize(KeepMask(keras.layers.SimpleRNN(4))))
    assert type(again) is KeepMask and type(again.layer) is keras.layers.SimpleRNN and again.layer.units == 4
    # A hand-edited config that wraps a Dense is refused when loaded, with the same message.
    bad = {**config, "layer": keras.layers.serialize(keras.layers.Dense(2))}
    with pytest.raises(TypeError, match="layer must be an RNN.*of class Dense"):
        KeepMask.from_config(bad)


def test_masks_of_string_dtype_are_refused_by_name():
    x = np.ones((1, 3, 2), "float32")
    for layer in (MaskedTemporalSoftmax(), MaskedGlobalMaxPooling1D()):
        with pytest.raises(TypeError, match=f"{type(layer).__name__} got a mask of dtype string"):
            layer(x, mask=np.array([["a", "b", "c"]]))


def test_temporal_split_odd_steps_in_a_dynamic_model():
    inputs = keras.Input((None, 2))
    model = keras.Model(inputs, TemporalSplit()(inputs))
    with pytest.raises(ValueError, match="TemporalSplit needs an even number of timesteps, got 3"):
        model(np.ones((1, 3, 2), "float32"))
    first, second = model(np.ones((1, 4, 2), "float32"))
    assert tuple(first.shape) == tuple(second.shape) == (1, 2, 2)


def test_temporal_split_odd_steps_in_a_compiled_predict():
    """Inside predict (a compiled TensorFlow function) the length is known only at run time."""
    inputs = keras.Input((None, 2))
    model = keras.Model(inputs, TemporalSplit()(inputs))
    with pytest.raises(Exception, match="TemporalSplit needs an even number of timesteps"):
        model.predict(np.ones((1, 5, 2), "float32"), verbose=0)
    first, second = model.predict(np.ones((1, 4, 2), "float32"), verbose=0)
    assert first.shape == second.shape == (1, 2, 2)
