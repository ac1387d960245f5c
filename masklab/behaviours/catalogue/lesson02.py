"""Lesson 02, generating masks: Embedding(mask_zero=True), Masking and how an RNN uses the mask."""

from __future__ import annotations

import numpy as np

from masklab.behaviours._registry import behaviour, load_keras, to_numpy
from masklab.masks import get_mask


@behaviour("embedding.mask_zero_keeps_output", "02",
           "Does Embedding(mask_zero=True) still return row 0 (not zeros) for id 0?")
def _embedding_keeps_output():
    layer = load_keras().layers.Embedding(5, 3, mask_zero=True)
    out = to_numpy(layer(np.array([[1, 0]])))
    return bool(np.allclose(out[0, 1], to_numpy(layer.embeddings)[0]) and np.abs(out[0, 1]).sum() > 0)


@behaviour("embedding.mask_rule", "02", "Is Embedding(mask_zero=True)'s mask exactly ids != 0?")
def _embedding_mask_rule():
    ids = np.array([[1, 0, 2, 0], [0, 3, 0, 4]])
    out = load_keras().layers.Embedding(5, 3, mask_zero=True)(ids)
    return bool((get_mask(out) == (ids != 0)).all())


@behaviour("embedding.no_mask_by_default", "02", "Does an Embedding without mask_zero attach a mask?")
def _embedding_no_mask():
    return get_mask(load_keras().layers.Embedding(5, 3)(np.array([[1, 0]]))) is not None


@behaviour("masking.all_features_rule", "02",
           "Masking(0.0) on steps [0,0], [0,1], [3,0], [0,0]: which steps are kept?")
def _masking_all_features():
    x = np.array([[[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [0.0, 0.0]]], "float32")
    return get_mask(load_keras().layers.Masking(0.0)(x))[0].tolist()


@behaviour("masking.output_at_masked_step", "02",
           "What does Masking(-1.0) write at a masked step?")
def _masking_writes():
    x = np.array([[[1.0, 2.0], [-1.0, -1.0]]], "float32")
    value = float(to_numpy(load_keras().layers.Masking(-1.0)(x))[0, 1, 0])
    return "-0.0" if np.signbit(value) and value == 0 else repr(value)


@behaviour("masking.collision_masks_real_step", "02",
           "Does Masking(0.0) also mask a real step whose features are all 0?")
def _masking_collision():
    x = np.array([[[0.5, 0.5], [0.0, 0.0], [0.7, 0.1]]], "float32")
    return not bool(get_mask(load_keras().layers.Masking(0.0)(x))[0, 1])


@behaviour("masking.compute_mask_matches_call", "02",
           "Does Masking.compute_mask give the mask its call attaches?")
def _masking_compute_mask():
    x = np.array([[[1.0], [0.0], [2.0]]], "float32")
    layer = load_keras().layers.Masking(0.0)
    return bool((to_numpy(layer.compute_mask(x)) == get_mask(layer(x))).all())


@behaviour("rnn.carries_output_forward", "02",
           "At a masked timestep, does an LSTM repeat its previous output?")
def _rnn_carries():
    keras = load_keras()
    x = np.array([[[1.0], [0.0], [2.0], [0.0]]], "float32")
    steps = to_numpy(keras.layers.LSTM(3, return_sequences=True)(keras.layers.Masking(0.0)(x)))
    return bool(np.allclose(steps[0, 1], steps[0, 0]) and np.allclose(steps[0, 3], steps[0, 2]))


@behaviour("rnn.mask_by_hand_equals_masking", "02",
           "Does LSTM(x, mask=m) equal LSTM(Masking()(x)) when m is Masking's mask?")
def _rnn_by_hand():
    keras = load_keras()
    x = np.array([[[1.0], [2.0], [0.0]], [[3.0], [0.0], [0.0]]], "float32")
    lstm = keras.layers.LSTM(2)
    return bool(np.allclose(to_numpy(lstm(x, mask=x[..., 0] != 0)), to_numpy(lstm(keras.layers.Masking(0.0)(x))),
                            atol=1e-6))


@behaviour("masking.infinite_mask_value_output", "02",
           "What does Masking(inf) write at a masked step (every feature inf)?")
def _masking_infinite():
    x = np.array([[[1.0, 2.0], [np.inf, np.inf]]], "float32")
    value = float(to_numpy(load_keras().layers.Masking(np.inf)(x))[0, 1, 0])
    return repr(value)


@behaviour("rnn.zeros_before_first_kept_step", "02",
           "Is an LSTM's output at a masked step before any kept step all zeros?")
def _rnn_leading_zeros():
    keras = load_keras()
    x = np.array([[[0.0], [0.0], [1.0], [2.0]]], "float32")
    steps = to_numpy(keras.layers.LSTM(3, return_sequences=True)(keras.layers.Masking(0.0)(x)))
    return bool((steps[0, :2] == 0).all() and np.abs(steps[0, 2]).sum() > 0)
