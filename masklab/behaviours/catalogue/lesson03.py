"""Lesson 03, propagation: what each layer does with an incoming mask (:data:`LAYERS`), and the RNN details."""

from __future__ import annotations

import warnings

import numpy as np

from masklab.behaviours._registry import (
    behaviour,
    destroy_warnings,
    load_keras,
    to_numpy,
)
from masklab.masks import get_mask
from masklab.padding import pad_batch
from masklab.trace import trace_masks


def _lesson03_batch():
    return pad_batch([np.ones((3, 2)), np.full((5, 2), 0.5), np.full((2, 2), 2.0)],
                     padding="post", dtype="float32").values


def _single(make):
    return lambda m: make()(m)


#: Lesson 03's layer table: a label -> a function placing the layer after a masked tensor ``m``.
LAYERS = {
    "Dense": _single(lambda: load_keras().layers.Dense(2)),
    "Dropout": _single(lambda: load_keras().layers.Dropout(0.5)),
    "Activation": _single(lambda: load_keras().layers.Activation("relu")),
    "LayerNormalization": _single(lambda: load_keras().layers.LayerNormalization()),
    "TimeDistributed(Dense)": _single(lambda: load_keras().layers.TimeDistributed(load_keras().layers.Dense(2))),
    "Conv1D": _single(lambda: load_keras().layers.Conv1D(2, 2)),
    "GlobalAveragePooling1D": _single(lambda: load_keras().layers.GlobalAveragePooling1D()),
    "GlobalMaxPooling1D": _single(lambda: load_keras().layers.GlobalMaxPooling1D()),
    "Flatten": _single(lambda: load_keras().layers.Flatten()),
    "Reshape": _single(lambda: load_keras().layers.Reshape((10,))),
    "LSTM": _single(lambda: load_keras().layers.LSTM(2)),
    "LSTM(return_sequences)": _single(lambda: load_keras().layers.LSTM(2, return_sequences=True)),
    "GRU": _single(lambda: load_keras().layers.GRU(2)),
    "GRU(return_sequences)": _single(lambda: load_keras().layers.GRU(2, return_sequences=True)),
    "Bidirectional(LSTM)": _single(lambda: load_keras().layers.Bidirectional(load_keras().layers.LSTM(2))),
    "Bidirectional(LSTM, return_sequences)": _single(
        lambda: load_keras().layers.Bidirectional(load_keras().layers.LSTM(2, return_sequences=True))),
    "Concatenate": lambda m: load_keras().layers.Concatenate()([m, m]),
    "Add": lambda m: load_keras().layers.Add()([m, m]),
    "Attention": lambda m: load_keras().layers.Attention()([m, m]),
    "MultiHeadAttention": lambda m: load_keras().layers.MultiHeadAttention(num_heads=2, key_dim=2)(m, m),
    # Layers that change the time axis (5 timesteps in, another number out).
    "Concatenate(axis=1)": lambda m: load_keras().layers.Concatenate(axis=1)([m, m]),
    "Cropping1D": _single(lambda: load_keras().layers.Cropping1D((1, 1))),
    "ZeroPadding1D": _single(lambda: load_keras().layers.ZeroPadding1D(1)),
    "MaxPooling1D": _single(lambda: load_keras().layers.MaxPooling1D(2)),
    "UpSampling1D": _single(lambda: load_keras().layers.UpSampling1D(2)),
}

#: Lesson 03's arithmetic between layers: the code of each op (run on a masked tensor ``x``) -> the op.
#: These are all the ops the lesson's claim "the ops we ran" covers.
OPS = {
    "x * 2": lambda x, ops: x * 2,
    "x + x": lambda x, ops: x + x,
    "ops.abs(x)": lambda x, ops: ops.abs(x),
    "ops.exp(x)": lambda x, ops: ops.exp(x),
    "ops.tanh(x)": lambda x, ops: ops.tanh(x),
    "ops.relu(x)": lambda x, ops: ops.relu(x),
    "ops.multiply(x, 2.0)": lambda x, ops: ops.multiply(x, 2.0),
    "ops.where(x > 0, x, 0.0)": lambda x, ops: ops.where(x > 0, x, 0.0),
    "ops.reshape(x, x.shape)": lambda x, ops: ops.reshape(x, x.shape),
    "ops.concatenate([x, x], axis=-1)": lambda x, ops: ops.concatenate([x, x], axis=-1),
    "ops.cast(x, 'float16')": lambda x, ops: ops.cast(x, "float16"),
    "ops.cast(x, 'float32')": lambda x, ops: ops.cast(x, "float32"),
    "ops.convert_to_tensor(x)": lambda x, ops: ops.convert_to_tensor(x),
}


def ops_keep_mask(x=None) -> dict:
    """Run each op of :data:`OPS` eagerly on ``Masking(0.0)(x)``: does its result carry a mask? (imports Keras)

    Args:
        x: float32 array ``(batch, timesteps, features)``; None for lesson 03's batch.

    Returns:
        dict ``{op code: (carries a mask, is the very input tensor)}`` (two bools), in :data:`OPS` order.
    """
    keras = load_keras()
    masked = keras.layers.Masking(0.0)(_lesson03_batch() if x is None else x)
    results = {}
    for code, op in OPS.items():
        out = op(masked, keras.ops)
        results[code] = (get_mask(out) is not None, out is masked)
    return results


def trace_after_masking(label: str, x=None):
    """Trace the layer ``LAYERS[label]`` placed after ``Masking(0.0)`` (imports Keras).

    Args:
        label: str, a key of :data:`LAYERS`.
        x: float array ``(batch, 5, 2)``, the input; None for lesson 03's batch
            of three sequences of 3, 5 and 2 timesteps, post-padded with 0.0.

    Returns:
        masklab.trace.MaskRecord: the record of that layer (its ``effect``
        says what it did with the mask).

    Raises:
        KeyError: ``label`` is not a key of :data:`LAYERS` (the message lists them).
    """
    if label not in LAYERS:
        raise KeyError(f"label must be one of {list(LAYERS)}, got {label!r}")
    keras = load_keras()
    x = _lesson03_batch() if x is None else x
    inp = keras.Input((5, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Model(inp, LAYERS[label](keras.layers.Masking(0.0)(inp)))
        return trace_masks(model, x)[-1]


def _layer_effect(label):
    def observe():
        return trace_after_masking(label).effect
    return observe


def _register_layer_effects():
    for label in LAYERS:
        behaviour(f"effect.{label}", "03", f"What does {label} do with an incoming mask?")(_layer_effect(label))


_register_layer_effects()


@behaviour("propagation.mask_reaches_layer_after_lstm", "03",
           "Masking -> LSTM(return_sequences=True) -> Dense: does Dense's output carry a mask?")
def _mask_after_lstm():
    keras = load_keras()
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    h = keras.layers.LSTM(2, return_sequences=True)(keras.layers.Masking(0.0)(x))
    return get_mask(keras.layers.Dense(1)(h)) is not None


@behaviour("propagation.lstm_supports_masking", "03", "LSTM(...).supports_masking")
def _lstm_supports_masking():
    return bool(load_keras().layers.LSTM(2).supports_masking)


@behaviour("propagation.destroy_is_warning", "03",
           "A mask reaching a layer without supports_masking: warning, error or nothing?")
def _destroy_warning():
    keras = load_keras()
    inp = keras.Input((5, 2))
    try:
        hits = destroy_warnings(lambda: keras.layers.Flatten()(keras.layers.Masking(0.0)(inp)))
    except Exception as error:
        return f"error: {type(error).__name__}"
    return hits[0].category.__name__ if hits else "nothing"


@behaviour("propagation.python_operator_drops_mask", "03", "Does `x * 2` on a masked tensor keep the mask?")
def _operator_drops():
    x = np.array([[[1.0], [0.0]]], "float32")
    return get_mask(load_keras().layers.Masking(0.0)(x) * 2) is not None


@behaviour("propagation.ops_drop_mask", "03", "Does keras.ops.abs on a masked tensor keep the mask?")
def _ops_drop():
    keras = load_keras()
    x = np.array([[[1.0], [0.0]]], "float32")
    return get_mask(keras.ops.abs(keras.layers.Masking(0.0)(x))) is not None


@behaviour("propagation.ops_that_keep_mask", "03",
           "Which of lesson 03's ops (OPS), run eagerly on a masked tensor, return a tensor that carries the mask?")
def _ops_keep():
    return [code for code, (kept, _) in ops_keep_mask().items() if kept]


@behaviour("rnn.receives_mask", "03", "Masking -> LSTM(return_sequences=True): does the LSTM's call receive the mask?")
def _rnn_receives_mask():
    return bool(trace_after_masking("LSTM(return_sequences)").uses_mask)


@behaviour("rnn.bidirectional_zero_output", "03",
           "Bidirectional(LSTM(return_sequences=True)) after Masking: what is output at masked steps?")
def _bidirectional_zero_output():
    keras = load_keras()
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True))
    out = to_numpy(layer(keras.layers.Masking(0.0)(x)))
    return "zeros" if np.allclose(out[0, 2], 0) else "other"


@behaviour("rnn.zero_output_for_mask", "03", "LSTM(zero_output_for_mask=True): what is output at masked steps?")
def _zero_output():
    keras = load_keras()
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    out = to_numpy(keras.layers.LSTM(2, return_sequences=True, zero_output_for_mask=True)(keras.layers.Masking(0.0)(x)))
    return "zeros" if np.allclose(out[0, 2], 0) else ("previous output" if np.allclose(out[0, 2], out[0, 1]) else "other")


@behaviour("rnn.final_state_pre_post_equal", "03",
           "With the mask, do pre and post padding give an LSTM the unpadded final state?")
def _final_state():
    keras = load_keras()
    seqs = [np.ones((3, 2), "float32"), np.full((5, 2), 0.5, "float32")]
    lstm = keras.layers.LSTM(3)
    alone = np.stack([to_numpy(lstm(s[None]))[0] for s in seqs])
    ok = True
    for side in ("pre", "post"):
        batch = pad_batch(seqs, padding=side, dtype="float32")
        ok &= bool(np.allclose(to_numpy(lstm(batch.values, mask=batch.mask)), alone, atol=1e-6))
    return ok


@behaviour("rnn.forget_bias_initial", "03", "A fresh LSTM(2)'s initial bias, gates i, f, c, o (first unit)")
def _forget_bias():
    layer = load_keras().layers.LSTM(2)
    layer.build((None, 3, 1))
    bias = to_numpy(layer.get_weights()[2])
    return [float(bias[k * 2]) for k in range(4)]
