"""Lesson 04, custom layers: supports_masking, compute_mask and the keras-io guide's TemporalSoftmax."""

from __future__ import annotations

import numpy as np

from masklab.behaviours._registry import behaviour, exception_name, load_keras, to_numpy
from masklab.masks import get_mask


@behaviour("custom.plain_layer_drops_mask", "04",
           "Does a custom layer without supports_masking pass a mask on?")
def _plain_layer():
    keras = load_keras()

    class Double(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2

    return get_mask(Double()(keras.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0]])))) is not None


@behaviour("custom.supports_masking_propagates", "04",
           "Does supports_masking = True alone make a custom layer pass the mask on?")
def _supports_masking():
    keras = load_keras()

    class SafeDouble(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return inputs * 2

    ids = np.array([[1, 0]])
    return bool((get_mask(SafeDouble()(keras.layers.Embedding(5, 2, mask_zero=True)(ids))) == (ids != 0)).all())


@behaviour("custom.compute_mask_enables_supports_masking", "04",
           "Does overriding compute_mask switch supports_masking on?")
def _compute_mask_on():
    keras = load_keras()

    class Generator(keras.layers.Layer):
        def call(self, inputs):
            return inputs

        def compute_mask(self, inputs, mask=None):
            return keras.ops.not_equal(inputs[..., 0], 0)

    return bool(Generator().supports_masking)


@behaviour("custom.guide_temporal_softmax", "04",
           "The guide's TemporalSoftmax after Dense(1): value at kept / masked steps")
def _guide_softmax():
    keras = load_keras()
    ops = keras.ops

    class TemporalSoftmax(keras.layers.Layer):  # after the keras-io guide (its keras.ops version): sums over axis=-1
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    ids = np.array([[3, 1, 0]])
    out = to_numpy(TemporalSoftmax()(keras.layers.Dense(1)(keras.layers.Embedding(10, 4, mask_zero=True)(ids))))[0, :, 0]
    return [round(float(out[0]), 4), "nan" if np.isnan(out[2]) else round(float(out[2]), 4)]


@behaviour("custom.model_second_positional_argument", "04",
           "model(x, second_array): what happens (Keras 3's second positional argument is training)?")
def _second_arg():
    keras = load_keras()
    inp = keras.Input((2,))
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    return exception_name(lambda: model(np.ones((1, 2)), np.ones((1, 2))))


@behaviour("custom.global_max_pooling_padding_wins", "04",
           "GlobalMaxPooling1D after Masking(-9) on real steps -3, -1: what is the max?")
def _gmp():
    keras = load_keras()
    seq = np.array([[[-3.0], [-1.0], [-9.0], [-9.0]]], "float32")
    return float(to_numpy(keras.layers.GlobalMaxPooling1D()(keras.layers.Masking(-9.0)(seq)))[0, 0])
