"""Reference custom layers that generate, propagate, modify and consume masks.

Lesson 04 builds these step by step; they are also ready to use. Each is
registered for serialization under the package name ``"masklab"``, so a model
that uses them saves to and loads from a ``.keras`` file. They are written
with ``keras.ops`` only, so they run on any Keras 3 backend.

Mask roles (the terms of the keras-io guide "Understanding masking & padding", which
tensorflow.org publishes as "Masking and padding with Keras"):

- :class:`MaskedEmbedding`: a mask **generator** (``compute_mask``).
- :class:`MaskedActivation`: **propagates** the mask unchanged
  (``supports_masking = True``).
- :class:`TemporalSplit`: **modifies** the mask (splits it with the input).
- :class:`MaskedTemporalSoftmax`: **consumes** the mask in ``call`` and
  passes it on.
- :class:`MaskedGlobalMaxPooling1D`: **consumes** the mask and outputs none.
- :class:`KeepMask`: wraps an RNN (``keras.layers.RNN`` subclass or
  ``Bidirectional``) so the mask it uses is also **propagated** (Keras 3.16
  stopped RNNs passing it on).
"""

from __future__ import annotations

import warnings

import keras
from keras import ops

from masklab._validate import positive_int, show

PACKAGE = "masklab"
#: The layers :class:`KeepMask` accepts: every ``keras.layers.RNN`` subclass (``LSTM``, ``GRU``,
#: ``SimpleRNN``, ``ConvLSTM1D/2D/3D``, ``RNN(cell)``) and ``Bidirectional``.
KEEP_MASK_ACCEPTS = (keras.layers.RNN, keras.layers.Bidirectional)


def _check_rank(layer, input_shape, rank, hint):
    if len(input_shape) != rank:
        raise ValueError(
            f"{type(layer).__name__} expects inputs of shape {hint}, got shape {tuple(input_shape)} (rank {len(input_shape)})"
        )


def _check_mask(layer, inputs, mask):
    """Return ``mask`` as a bool tensor; raise if its shape is not the inputs' (batch, timesteps)."""
    if mask is None:
        return None
    mask = ops.convert_to_tensor(mask)
    dtype = keras.backend.standardize_dtype(mask.dtype)
    if dtype not in ("bool",) and not dtype.startswith(("int", "uint", "float", "bfloat")):
        raise TypeError(
            f"{type(layer).__name__} got a mask of dtype {dtype}; a mask holds booleans (True = keep a timestep)"
        )
    mask = ops.cast(mask, "bool")
    expected, got = tuple(inputs.shape[:2]), tuple(mask.shape)
    if len(got) != 2 or any(e is not None and g is not None and e != g for e, g in zip(expected, got)):
        raise ValueError(
            f"{type(layer).__name__} got a mask of shape {got}; expected (batch, timesteps) = {expected} "
            "to match its inputs"
        )
    return mask


def _kept_max(layer, inputs, mask, keepdims):
    """(max over kept timesteps per feature, 0 where a column is fully masked; bool keep grid)."""
    keep = ops.broadcast_to(ops.expand_dims(_check_mask(layer, inputs, mask), -1), ops.shape(inputs))
    top = ops.max(ops.where(keep, inputs, float("-inf")), axis=1, keepdims=keepdims)
    return ops.where(ops.isfinite(top), top, ops.zeros_like(top)), keep


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedEmbedding(keras.layers.Layer):
    """An embedding lookup that generates a mask from its ids (like ``Embedding(mask_zero=True)``).

    ``compute_mask`` returns ``ids != 0``. The output values are the looked-up
    rows, id 0 included: generating a mask never changes the output (lesson 02).

    Args:
        input_dim: positive int, number of rows (largest id + 1).
        output_dim: positive int, size of each vector.
        mask_zero: bool, generate the mask ``ids != 0`` (default True).

    Call arguments:
        inputs: int tensor ``(batch, timesteps)`` of ids in ``[0, input_dim)``.

    Input shape: ``(batch, timesteps)``. Output shape: ``(batch, timesteps,
    output_dim)``, with mask ``(batch, timesteps)``.

    Example:

    >>> layer = MaskedEmbedding(10, 4)
    >>> masklab.get_mask(layer(np.array([[3, 0]]))).tolist()
    [[True, False]]
    """

    def __init__(self, input_dim, output_dim, mask_zero=True, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = positive_int("input_dim", input_dim)
        self.output_dim = positive_int("output_dim", output_dim)
        self.mask_zero = bool(mask_zero)

    def build(self, input_shape):
        _check_rank(self, input_shape, 2, "(batch, timesteps)")
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim), initializer="random_normal",
                                          name="embeddings")

    def call(self, inputs):
        return ops.take(self.embeddings, ops.cast(inputs, "int32"), axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "mask_zero": self.mask_zero}


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedActivation(keras.layers.Layer):
    """Apply an activation elementwise and pass the mask on unchanged.

    Setting ``supports_masking = True`` is all it takes: the default
    ``compute_mask`` then returns the incoming mask. Without it, Keras 3 warns
    that the layer "will therefore destroy the mask information" and later
    layers see no mask.

    Args:
        activation: name or callable, as for ``keras.activations.get``
            (default ``"relu"``).

    Call arguments:
        inputs: float tensor, any shape.

    Input shape: any. Output shape: the same, with the same mask.
    """

    def __init__(self, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.activation = keras.activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": keras.activations.serialize(self.activation)}


@keras.saving.register_keras_serializable(package=PACKAGE)
class TemporalSplit(keras.layers.Layer):
    """Split a sequence into its first and second half along time, and its mask too.

    A layer that changes the time axis must change the mask the same way, in
    ``compute_mask``; this is the Keras guide's ``TemporalSplit``, written
    with ``keras.ops`` and with its inputs checked.

    Call arguments:
        inputs: tensor ``(batch, timesteps, ...)`` with an even number of
            timesteps.
        mask: optional bool ``(batch, timesteps)``, passed automatically.

    Input shape: ``(batch, timesteps, ...)``. Output: a list of two tensors
    ``(batch, timesteps // 2, ...)``, each with its half of the mask.

    Raises:
        ValueError: inputs of rank < 2, or an odd number of timesteps (at
            build time, or at call time when the model's time axis is None
            and the data's length is known).
        TypeError: a mask that does not hold booleans or numbers.
    """

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"TemporalSplit expects inputs of shape (batch, timesteps, ...), got shape {tuple(input_shape)}")
        if input_shape[1] is not None and input_shape[1] % 2:
            raise ValueError(f"TemporalSplit needs an even number of timesteps, got {input_shape[1]}")

    def call(self, inputs):
        steps = inputs.shape[1]
        if steps is not None and steps % 2:  # a model built with a dynamic time axis (None) meets real data here
            raise ValueError(f"TemporalSplit needs an even number of timesteps, got {steps}")
        if steps is None and keras.backend.backend() == "tensorflow":
            # Inside a compiled TensorFlow function (predict, fit) the length is known only at run
            # time: check it there, with the same message, instead of tf.split's shape error.
            import tensorflow as tf

            odd = tf.math.floormod(tf.shape(inputs)[1], 2)
            check = tf.debugging.assert_equal(odd, 0, message="TemporalSplit needs an even number of timesteps")
            with tf.control_dependencies([check]):
                inputs = tf.identity(inputs)
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return ops.split(_check_mask(self, inputs, mask), 2, axis=1)

    def compute_output_shape(self, input_shape):
        half = None if input_shape[1] is None else input_shape[1] // 2
        shape = (input_shape[0], half, *input_shape[2:])
        return [shape, shape]


class _SequenceConsumer(keras.layers.Layer):
    """Base of the mask-consuming layers: rank-3 inputs, ``supports_masking`` on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        _check_rank(self, input_shape, 3, "(batch, timesteps, features)")


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedTemporalSoftmax(_SequenceConsumer):
    """Softmax over the time axis (axis 1), per feature, skipping masked timesteps.

    For inputs ``(batch, timesteps, features)`` each feature's column sums to
    1 over the unmasked timesteps; masked timesteps are exactly 0. The
    largest unmasked logit is subtracted first, so logits of +-1e4 do not
    overflow; a fully masked row gives 0, not NaN (``divide_no_nan``). The mask
    is passed on.

    This fixes the keras-io guide's ``TemporalSoftmax``, whose later versions
    (the Keras 3 one included) sum over the last axis (``axis=-1``) instead of
    time: after ``Dense(1)`` they return 1.0 at every unmasked step and NaN
    (0 / 0) at masked ones (keras-io PR #1904 proposed a fix and was closed
    unmerged); an early version divided by the sum of the raw inputs (lesson 04).

    Call arguments:
        inputs: float tensor ``(batch, timesteps, features)``.
        mask: optional bool ``(batch, timesteps)``; without it this is
            ``keras.ops.softmax(inputs, axis=1)``.

    Input shape: ``(batch, timesteps, features)``. Output shape: the same.

    Raises:
        ValueError: inputs not of rank 3, or a mask whose shape is not the
            inputs' ``(batch, timesteps)``.
    """

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.softmax(inputs, axis=1)
        # Subtract the largest kept logit per (sample, feature) so exp never overflows.
        top, keep = _kept_max(self, inputs, mask, keepdims=True)
        exps = ops.where(keep, ops.exp(ops.where(keep, inputs - top, ops.zeros_like(inputs))), 0.0)
        return ops.divide_no_nan(exps, ops.sum(exps, axis=1, keepdims=True))

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedGlobalMaxPooling1D(_SequenceConsumer):
    """Max over the unmasked timesteps; the mask is consumed.

    ``keras.layers.GlobalMaxPooling1D`` does not take a mask (Keras 3 warns and
    drops it), so padding competes in the max: after ``Masking``, padded
    steps are 0 and beat any all-negative sequence. This layer takes the max
    over kept timesteps only; a fully masked row gives 0.

    Call arguments:
        inputs: float tensor ``(batch, timesteps, features)``.
        mask: optional bool ``(batch, timesteps)``; without it this is a plain
            global max pooling.

    Input shape: ``(batch, timesteps, features)``. Output shape: ``(batch,
    features)``, no mask.

    Raises:
        ValueError: inputs not of rank 3; a mask of the wrong shape.
    """

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=1)
        return _kept_max(self, inputs, mask, keepdims=False)[0]

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package=PACKAGE)
class KeepMask(keras.layers.Wrapper):
    """Run an RNN with the incoming mask, and pass that mask on.

    From Keras 3.16 an RNN and ``Bidirectional`` still use the mask (they
    skip masked timesteps) but no longer hand it to the layers after them
    (keras-team/keras PR #23235 sets their ``supports_masking`` to False), so
    a per-timestep loss after ``LSTM(return_sequences=True)`` stops being
    masked. ``KeepMask(layer)`` restores what Keras 3.15 did: the wrapped
    layer receives the mask, and the wrapper's output carries the same mask
    whenever the output keeps the time axis (rank 3 or more, i.e.
    ``return_sequences=True``). On Keras up to 3.15 it changes nothing.

    Accepted layers, decided by class (:data:`KEEP_MASK_ACCEPTS`): any
    ``keras.layers.RNN`` subclass (``LSTM``, ``GRU``, ``SimpleRNN``,
    ``ConvLSTM1D/2D/3D``, ``keras.layers.RNN(cell)``) and
    ``keras.layers.Bidirectional``. Any other layer is refused: a layer that
    supports masking passes the mask on by itself, and one that does not
    needs ``supports_masking``/``compute_mask`` (lesson 04), not this wrapper.

    Args:
        layer: an instance of an accepted class, e.g.
            ``LSTM(..., return_sequences=True)``; with
            ``return_sequences=False`` the output has no time axis and no mask
            is passed on.

    Call arguments:
        inputs: float tensor ``(batch, timesteps, features)`` (``(batch,
            timesteps, ...)`` for a ConvLSTM).
        mask: optional bool ``(batch, timesteps)``, filled in by Keras.
        training: bool or None, passed to the wrapped layer.

    Output shape: the wrapped layer's, e.g. ``(batch, timesteps, units)``.
    Output mask: the input mask (bool ``(batch, timesteps)``), or None when
    the output has no time axis or no mask came in.

    Serialization: ``get_config``/``from_config`` (``keras.layers.Wrapper``'s)
    store the wrapped layer's config, so a model with ``KeepMask`` saves to
    and loads from a ``.keras`` file (registered as ``"masklab>KeepMask"``).

    Raises:
        TypeError: ``layer`` is not an instance of an accepted class (a
            ``Dense``, a ``TimeDistributed``, a string); the message names
            ``layer``, its class and the accepted classes.

    Example:

    >>> x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    >>> h = KeepMask(keras.layers.LSTM(2, return_sequences=True))(keras.layers.Masking(0.0)(x))
    >>> masklab.get_mask(h).tolist()
    [[True, True, False]]
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, KEEP_MASK_ACCEPTS):
            raise TypeError(
                f"layer must be an RNN: an instance of a keras.layers.RNN subclass (LSTM, GRU, SimpleRNN, "
                f"ConvLSTM1D/2D/3D, RNN(cell)) or of keras.layers.Bidirectional, got {show(layer)} of class "
                f"{type(layer).__name__}; KeepMask passes on the mask an RNN uses, "
                "other layers pass it on themselves (supports_masking)"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None, training=None):
        with warnings.catch_warnings():
            # The wrapped layer may warn that it "will destroy the mask": this wrapper keeps it.
            warnings.filterwarnings("ignore", message=".*destroy the mask information.*")
            return self.layer(inputs, mask=mask, training=training)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return mask if len(self.compute_output_shape(tuple(inputs.shape))) >= 3 else None
