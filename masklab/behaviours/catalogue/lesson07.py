"""Lesson 07, the capstone's model: Masking -> Bidirectional(LSTM) with pre and post padding."""

from __future__ import annotations


import numpy as np

from masklab.behaviours._registry import behaviour, destroy_warnings, load_keras
from masklab.padding import pad_batch


@behaviour("capstone.bidirectional_padding_side_irrelevant", "07",
           "Masking -> Bidirectional(LSTM): same output for pre and post padding?")
def _bidi_sides():
    keras = load_keras()
    seqs = [np.full((2, 1), 0.5, "float32"), np.array([[1.0], [2.0], [3.0]], "float32")]
    inp = keras.Input((None, 1))
    model = keras.Model(inp, keras.layers.Bidirectional(keras.layers.LSTM(2))(keras.layers.Masking(0.0)(inp)))
    pre = model.predict(pad_batch(seqs, padding="pre", dtype="float32").values, verbose=0)
    post = model.predict(pad_batch(seqs, padding="post", dtype="float32").values, verbose=0)
    return bool(np.allclose(pre, post, atol=1e-6))


@behaviour("capstone.bidirectional_warns", "07",
           "Masking -> Bidirectional(LSTM(return_sequences=False)): does Keras warn that the mask is destroyed?")
def _bidi_warns():
    keras = load_keras()
    inp = keras.Input((4, 1))
    return bool(destroy_warnings(
        lambda: keras.layers.Bidirectional(keras.layers.LSTM(2))(keras.layers.Masking(0.0)(inp))))
