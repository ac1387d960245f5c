"""Lesson 06, vocabulary and out-of-range ids: what an Embedding returns for a bad id, and the lookups' OOV ids."""

from __future__ import annotations

import numpy as np

from masklab.behaviours._registry import behaviour, load_keras, to_numpy


def _describe_lookup(out, rows):
    """Name what an Embedding returned for a bad id: an error, NaN, zeros or which row."""
    out = np.asarray(out, dtype="float64")
    if np.isnan(out).all():
        return "no error: a row of NaN"
    if np.allclose(out, 0):
        return "no error: a row of zeros"
    for k, row in enumerate(rows):
        if np.allclose(out, row):
            return "no error: the last row" if k == len(rows) - 1 else f"no error: row {k}"
    return "no error: other values"


def _oob(call):
    """``call(keras, layer)`` on a built Embedding(3, 2): the error's name, or what the first output row is."""
    keras = load_keras()
    layer = keras.layers.Embedding(3, 2)
    layer.build((None, 1))
    rows = to_numpy(layer.embeddings)
    try:
        out = call(keras, layer)
    except Exception as error:
        return type(error).__name__
    return _describe_lookup(np.asarray(out).reshape(-1, 2)[0], rows)


@behaviour("vocab.out_of_range_eager", "06", "Embedding(3, 2) called eagerly on id 5")
def _oob_eager():
    return _oob(lambda keras, layer: to_numpy(layer(np.array([[5]]))))


@behaviour("vocab.out_of_range_predict", "06", "Embedding(3, 2) in a model, predict on id 5")
def _oob_predict():
    def call(keras, layer):
        inp = keras.Input((1,))
        return keras.Model(inp, layer(inp)).predict(np.array([[5]]), verbose=0)
    return _oob(call)


@behaviour("vocab.out_of_range_xla", "06", "Embedding(3, 2), predict with jit_compile=True (XLA) on id 5")
def _oob_xla():
    keras = load_keras()
    if keras.backend.backend() not in ("tensorflow", "jax"):
        return "n/a (no XLA on this backend)"

    def call(keras, layer):
        inp = keras.Input((1,))
        model = keras.Model(inp, layer(inp))
        model.compile(jit_compile=True)
        return model.predict(np.array([[5]]), verbose=0)
    return _oob(call)


@behaviour("vocab.negative_id", "06", "Embedding(3, 2) called eagerly on id -1")
def _negative():
    return _oob(lambda keras, layer: to_numpy(layer(np.array([[-1]]))))


@behaviour("vocab.mask_zero_keeps_bad_ids", "06",
           "Embedding(3, 2, mask_zero=True).compute_mask on ids [5, 0, -1]")
def _mask_bad_ids():
    layer = load_keras().layers.Embedding(3, 2, mask_zero=True)
    return to_numpy(layer.compute_mask(np.array([[5, 0, -1]]))).tolist()[0]


@behaviour("vocab.textvectorization_oov_id", "06", "TextVectorization: the id of an unknown word")
def _tv_oov():
    layer = load_keras().layers.TextVectorization(vocabulary=["the", "cat"])
    return int(to_numpy(layer(["dog"]))[0, 0])


@behaviour("vocab.stringlookup_default_oov_id", "06",
           "StringLookup (default mask_token=None): the id of an unknown word")
def _sl_oov():
    return int(to_numpy(load_keras().layers.StringLookup(vocabulary=["the", "cat"])(["dog"]))[0])


@behaviour("vocab.stringlookup_mask_token_oov_id", "06", "StringLookup(mask_token=''): the id of an unknown word")
def _sl_mask_oov():
    return int(to_numpy(load_keras().layers.StringLookup(vocabulary=["the", "cat"], mask_token="")(["dog"]))[0])
