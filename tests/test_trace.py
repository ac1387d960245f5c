import warnings

import keras
import numpy as np
import pytest

from masklab import behaviours, get_mask, trace_masks
from masklab.trace import MaskTrace

L = keras.layers
X = np.random.default_rng(0).uniform(0.5, 1.0, size=(2, 4, 3)).astype("float32")
X[0, 2:] = 0.0
X[1, 3:] = 0.0
MASK = np.array([[True, True, False, False], [True, True, True, False]])

SINGLE = {
    "Dense": lambda: L.Dense(2),
    "Dropout": lambda: L.Dropout(0.5),
    "Activation": lambda: L.Activation("relu"),
    "LayerNormalization": lambda: L.LayerNormalization(),
    "TimeDistributed": lambda: L.TimeDistributed(L.Dense(2)),
    "Conv1D": lambda: L.Conv1D(2, 2),
    "GlobalAveragePooling1D": lambda: L.GlobalAveragePooling1D(),
    "GlobalMaxPooling1D": lambda: L.GlobalMaxPooling1D(),
    "Flatten": lambda: L.Flatten(),
    "Reshape": lambda: L.Reshape((12,)),
    "LSTM": lambda: L.LSTM(2),
    "LSTM(return_sequences)": lambda: L.LSTM(2, return_sequences=True),
    "GRU": lambda: L.GRU(2),
    "GRU(return_sequences)": lambda: L.GRU(2, return_sequences=True),
    "Bidirectional(LSTM)": lambda: L.Bidirectional(L.LSTM(2)),
    "Bidirectional(LSTM, return_sequences)": lambda: L.Bidirectional(L.LSTM(2, return_sequences=True)),
}
# What a layer does with an incoming mask. Those that hold on every Keras 3 release the behaviour
# matrix covers are written here; the RNN family changed in Keras 3.16 (keras-team/keras PR #23235),
# so their expected effect is read from the rule the matrix checks, not hard-coded for one release.
STABLE = {
    "Dense": "propagates", "Dropout": "propagates", "Activation": "propagates",
    "LayerNormalization": "propagates", "Conv1D": "destroys", "GlobalAveragePooling1D": "consumes",
    "GlobalMaxPooling1D": "destroys", "Flatten": "destroys", "Reshape": "destroys",
}
KEEPS_TIME_AXIS = {  # the RNN-family layers, and whether their output keeps the time axis
    "TimeDistributed": True, "LSTM": False, "LSTM(return_sequences)": True, "GRU": False,
    "GRU(return_sequences)": True, "Bidirectional(LSTM)": False, "Bidirectional(LSTM, return_sequences)": True,
}


def expected_effect(label):
    if label in STABLE:
        return STABLE[label]
    if not behaviours.holds("rnn_passes_mask"):   # Keras >= 3.16: used inside, not passed on
        return "destroys"
    return "propagates" if KEEPS_TIME_AXIS[label] else "consumes"


def test_every_single_input_layer_has_an_expected_effect():
    assert set(STABLE) | set(KEEPS_TIME_AXIS) == set(SINGLE) and not set(STABLE) & set(KEEPS_TIME_AXIS)


def received_mask_eagerly(layer, *tensors):
    """Spy on layer.call during an eager call: did Keras hand it a mask?"""
    import functools

    seen = {}
    original = layer.call

    @functools.wraps(original)
    def spy(*args, **kwargs):
        seen.update({k: v for k, v in kwargs.items() if k == "mask" or k.endswith("_mask")})
        return original(*args, **kwargs)

    layer.call = spy
    try:
        eager_masks(layer, *tensors)
    finally:
        del layer.call
    return any(v is not None and not (isinstance(v, list) and all(m is None for m in v)) for v in seen.values())


def eager_masks(layer, *tensors):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = layer(*tensors)
    return get_mask(out)


@pytest.mark.parametrize("label", sorted(SINGLE))
def test_single_input_layers_match_eager_calls(label):
    layer = SINGLE[label]()
    inputs = keras.Input((4, 3))
    model = keras.Model(inputs, layer(L.Masking(0.0)(inputs)))
    trace = trace_masks(model, X)
    assert [r.class_name for r in trace] == ["Masking", type(layer).__name__]
    masking, record = trace
    assert masking.effect == "generates" and (masking.output_mask == MASK).all()
    assert (record.input_mask == MASK).all()
    expected_out = eager_masks(layer, L.Masking(0.0)(X))
    if expected_out is None:
        assert record.output_mask is None
    else:
        np.testing.assert_array_equal(record.output_mask, expected_out)
    assert record.effect == expected_effect(label)
    assert record.supports_masking == bool(layer.supports_masking)
    assert record.uses_mask == received_mask_eagerly(SINGLE[label](), L.Masking(0.0)(X))
    if label in KEEPS_TIME_AXIS and label != "TimeDistributed":
        assert record.uses_mask, "an RNN skips masked steps on every release: its call receives the mask"


@pytest.mark.parametrize("label", ["Concatenate", "Add", "Attention", "MultiHeadAttention"])
def test_multi_input_layers_match_eager_calls(label):
    inputs = keras.Input((4, 3))
    masked = L.Masking(0.0)(inputs)
    make = {"Concatenate": L.Concatenate, "Add": L.Add, "Attention": L.Attention}
    layer = make[label]() if label in make else L.MultiHeadAttention(num_heads=2, key_dim=2)
    out = layer([masked, masked]) if label in make else layer(masked, masked)
    trace = trace_masks(keras.Model(inputs, out), X)
    record = trace[-1]
    assert record.class_name == label
    assert isinstance(record.input_mask, list) and len(record.input_mask) == 2
    eager_in = L.Masking(0.0)(X)
    expected = eager_masks(layer, [eager_in, eager_in]) if label in make else eager_masks(layer, eager_in, eager_in)
    np.testing.assert_array_equal(record.output_mask, expected)
    assert record.effect == "propagates"
    fresh = make[label]() if label in make else L.MultiHeadAttention(num_heads=2, key_dim=2)
    eager_in = L.Masking(0.0)(X)  # fresh: MultiHeadAttention removes the masks of the tensors it is given
    args = ([eager_in, eager_in],) if label in make else (eager_in, eager_in)
    assert record.uses_mask == received_mask_eagerly(fresh, *args)


def test_generates_modifies_and_ops_destroy():
    a, b = keras.Input((4, 3)), keras.Input((4, 3))
    joined = L.Concatenate(axis=1)([L.Masking(0.0)(a), L.Masking(0.0)(b)])
    doubled = L.Dense(2)(joined * 2.0)
    trace = trace_masks(keras.Model([a, b], doubled), [X, X[::-1]])
    effects = {r.class_name: r.effect for r in trace}
    assert effects["Concatenate"] == "modifies"
    np.testing.assert_array_equal(trace[2].output_mask, np.concatenate([MASK, MASK[::-1]], axis=1))
    assert effects["Multiply"] == "destroys", "keras.ops / Python operators drop masks"
    assert effects["Dense"] == "none"


def test_embedding_sequential_and_mask_by_hand():
    model = keras.Sequential([keras.Input((4,)), L.Embedding(9, 2, mask_zero=True), L.GlobalAveragePooling1D()])
    trace = trace_masks(model, [[1, 2, 0, 0]])
    assert [r.effect for r in trace] == ["generates", "consumes"]
    np.testing.assert_array_equal(trace[0].output_mask, [[True, True, False, False]])
    inputs = keras.Input((4, 3))
    mask_in = keras.Input((4,), dtype="bool")
    out = L.LSTM(2, return_sequences=True)(inputs, mask=mask_in)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras >= 3.16 warns that the LSTM destroys the mask
        trace = trace_masks(keras.Model([inputs, mask_in], out), [X, MASK])
    assert trace[-1].uses_mask and (trace[-1].input_mask == MASK).all()
    if behaviours.holds("rnn_passes_mask"):
        np.testing.assert_array_equal(trace[-1].output_mask, MASK)
    else:
        assert trace[-1].output_mask is None


def test_nested_model_is_traced_inside():
    inner = keras.Sequential([keras.Input((4, 3)), L.Dense(2, name="inner_dense"), L.GlobalAveragePooling1D(name="gap")],
                             name="inner")
    inputs = keras.Input((4, 3))
    trace = trace_masks(keras.Model(inputs, inner(L.Masking(0.0)(inputs))), X)
    names = [r.name for r in trace]
    assert names[1:] == ["inner/inner_dense", "inner/gap", "inner"]
    assert trace["inner/inner_dense"].effect == "propagates"
    assert trace["inner/gap"].effect == "consumes"


def test_model_and_inputs_unchanged():
    model = keras.Sequential([keras.Input((4, 3)), L.Masking(0.0), L.Dense(2)])
    before = [w.copy() for w in model.get_weights()]
    data = X.copy()
    trace_masks(model, data)
    assert all((a == b).all() for a, b in zip(before, model.get_weights()))
    assert (data == X).all()


def test_trace_sequence_views():
    model = keras.Sequential([keras.Input((4, 3)), L.Masking(0.0, name="gen"), L.Dense(2, name="d")])
    trace = trace_masks(model, X)
    assert isinstance(trace, MaskTrace) and len(trace) == 2 and trace["d"] is trace[1]
    assert [r.name for r in trace] == trace.names == ["gen", "d"]
    assert "d" in trace and "gen" in trace and trace[0] in trace
    assert "zzz" not in trace and "propagates" not in trace
    assert "propagates" in repr(trace)
    with pytest.raises(KeyError, match="no layer named 'zzz'"):
        trace["zzz"]


def test_trace_renders_through_display_and_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from masklab.display import trace_to_html
    from masklab.plot import plot_trace

    model = keras.Sequential([keras.Input((4, 3)), L.Masking(0.0, name="gen"), L.Dense(2, name="d")])
    trace = trace_masks(model, X)
    page = trace._repr_html_()
    assert page == trace_to_html(trace) and "masklab-trace" in page and page.count("<tr data-effect=") == 2
    _, ax = plt.subplots()
    image = trace.plot(ax, sample=1, alpha=0.5)
    assert image.axes is ax and image.get_alpha() == 0.5
    np.testing.assert_array_equal(image.get_array(), [MASK[1], MASK[1]])
    assert plot_trace(trace).get_array().tolist() == [MASK[0].tolist()] * 2
    with pytest.raises(ValueError, match=r"sample must be in \[0, 2\), got 5"):
        trace.plot(sample=5)
    with pytest.raises(TypeError, match="sample must be an integer index into the batch, got 'a'"):
        trace.plot(sample="a")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got 3"):
        trace.plot(3)
    with pytest.raises(TypeError, match="trace must be a masklab.MaskTrace.*got list"):
        plot_trace([1])
    plt.close("all")


def test_ids_beyond_the_input_dtype_are_refused_not_wrapped():
    model = keras.Sequential([keras.Input((2,), dtype="int32"), L.Embedding(9, 2, mask_zero=True)])
    with pytest.raises(OverflowError, match=r"inputs \(the model's int32 input\) holds 18446744073709551615"):
        trace_masks(model, np.array([[2**64 - 1, 1]], dtype="uint64"))
    with pytest.raises(OverflowError, match="holds 10000000000, out of bounds for int32"):
        trace_masks(model, np.array([[1e10, 1.0]]))
    model64 = keras.Sequential([keras.Input((2,), dtype="int64"), L.Embedding(9, 2, mask_zero=True)])
    with pytest.raises(OverflowError, match="holds 9223372036854775809"):
        trace_masks(model64, np.array([[2**63 + 1, 1]], dtype="uint64"))


def test_bad_inputs():
    model = keras.Sequential([keras.Input((4,)), L.Embedding(9, 2, mask_zero=True)])
    with pytest.raises(TypeError, match="model must be a keras.Model.*got Dense"):
        trace_masks(L.Dense(2), X)
    with pytest.raises(ValueError, match=r"inputs must have shape \(None, 4\) \(None = any\), got \(1, 5\)"):
        trace_masks(model, np.zeros((1, 5)))
    with pytest.raises(ValueError, match="must hold integer ids for the model's int32 input"):
        trace_masks(keras.Sequential([keras.Input((2,), dtype="int32"), L.Embedding(9, 2)]), [[1.5, 2.0]])
    with pytest.raises(TypeError, match="inputs must hold numbers"):
        trace_masks(model, [["a", "b", "c", "d"]])
    with pytest.raises(ValueError, match="not built yet"):
        trace_masks(keras.Sequential([L.Dense(2)]), X)

    class Sub(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match="subclassed"):
        trace_masks(Sub(), X)
    a, b = keras.Input((4, 3)), keras.Input((4, 3))
    two = keras.Model([a, b], L.Add()([a, b]))
    with pytest.raises(ValueError, match="inputs must hold 2 array"):
        trace_masks(two, [X])
    with pytest.raises(ValueError, match="inputs must be a list of 2 arrays"):
        trace_masks(two, X)


def test_a_layer_that_uses_the_mask_but_does_not_support_masking_destroys_it():
    """Keras warns "destroy the mask" whenever supports_masking is False, even if call used the mask
    (how RNNs behave from Keras 3.16): trace_masks must say "destroys", with uses_mask True."""

    class UsesThenDrops(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = None

        def call(self, inputs, mask=None):
            self.seen = mask
            return inputs + 0.0          # a new tensor: no mask rides on it

    layer = UsesThenDrops()
    inp = keras.Input((4, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.Model(inp, layer(L.Masking(0.0)(inp)))
    assert any("destroy the mask" in str(w.message) for w in caught)
    record = trace_masks(model, X)[-1]
    assert layer.seen is not None
    assert (record.effect, record.uses_mask, record.supports_masking) == ("destroys", True, False)


def test_a_mask_passed_by_hand_is_consumed_without_supports_masking():
    class Pool(keras.layers.Layer):
        def call(self, inputs, mask=None):
            return keras.ops.sum(inputs, axis=1)

    values, mask = keras.Input((4, 3)), keras.Input((4,), dtype="bool")
    model = keras.Model([values, mask], Pool()(values, mask=mask))
    record = trace_masks(model, [X, MASK])[-1]
    assert (record.effect, record.uses_mask) == ("consumes", True)


def test_no_mask_is_invented_from_flags_or_lists_of_nones():
    """A nested model called on unmasked inputs gets ``mask=[None, None]`` from Keras, and
    ``use_causal_mask=True`` is a flag: neither is a mask passed by hand."""
    a, b = keras.Input((4,)), keras.Input((4,))
    inner = keras.Model([a, b], keras.layers.Add()([a, b]))
    x, y = keras.Input((4,)), keras.Input((4,))
    outer = keras.Model([x, y], keras.layers.Dense(2)(inner([x, y])))
    records = {r.name: r for r in trace_masks(outer, [np.ones((2, 4)), np.ones((2, 4))])}
    assert records[inner.name].effect == "none" and not records[inner.name].uses_mask
    q = keras.Input((3, 4))
    attention = keras.Model(q, keras.layers.MultiHeadAttention(2, 2)(q, q, use_causal_mask=True))
    assert [(r.effect, r.uses_mask) for r in trace_masks(attention, np.ones((1, 3, 4)))] == [("none", False)]
