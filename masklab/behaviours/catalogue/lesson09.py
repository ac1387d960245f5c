"""Lesson 09 (masks in real models): composite, multi-input and nested layers.

``Lambda`` and its ``mask=``; what a layer with two tensor inputs receives in
``mask`` and ``<argument>_mask``; a model called inside a model;
``TimeDistributed`` over 4-D inputs; ``Bidirectional``'s backward half;
``Conv1D`` next to padding; a composite layer whose inner layer warns; and
:func:`masklab.diagnose` on a small Transformer built like the keras-io
translation example. Where compiling can change the answer, a behaviour
returns ``[eager, compiled]``: the second value is a ``predict`` of a model
compiled with ``jit_compile=True`` (XLA on TensorFlow and JAX,
``torch.compile`` on PyTorch).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from masklab.behaviours._registry import (
    behaviour,
    destroy_warnings,
    exception_name,
    load_keras,
    to_numpy,
)
from masklab.masks import attach_mask, get_mask

#: Two padded id sequences (lengths 3 and 2), and a second input (lengths 2 and 1).
IDS = np.array([[3, 1, 4, 0, 0], [2, 7, 0, 0, 0]])
IDS_B = np.array([[5, 5, 0], [6, 0, 0]])


def _compiled_predict(model, x):
    """``model.predict(x)`` after ``compile(jit_compile=True)``, as NumPy."""
    model.compile(jit_compile=True)
    return np.asarray(model.predict(x, verbose=0))


def _shape(value) -> str:
    return "None" if value is None else str(tuple(int(d) if d is not None else None for d in value))


# --- Lambda -------------------------------------------------------------------------------------


@behaviour("lambda.output_mask", "09",
           "Lambda(lambda x: x * 2) after a mask: the output's mask without mask=, with mask=callable "
           "(lambda inputs, mask: mask), with mask=a tensor")
def _lambda_output_mask():
    keras = load_keras()
    e = keras.layers.Embedding(10, 4, mask_zero=True)(IDS)
    given = np.array([[True, False, True, False, True]] * 2)
    kept = get_mask(e)

    def describe(out):
        mask = get_mask(out)
        if mask is None:
            return "none"
        if mask.shape == kept.shape and (mask == kept).all():
            return "the input's mask"
        return "the given tensor" if (mask == given).all() else "other"

    double = lambda x: x * 2
    return [describe(keras.layers.Lambda(double)(e)),
            describe(keras.layers.Lambda(double, mask=lambda inputs, mask: mask)(e)),
            describe(keras.layers.Lambda(double, mask=keras.ops.convert_to_tensor(given))(e))]


@behaviour("lambda.function_with_mask_argument", "09",
           "Lambda(fn) where fn(x, mask=None) takes a mask: does fn receive it, and does the output carry it?")
def _lambda_fn_mask():
    keras = load_keras()
    seen = {}

    def fn(x, mask=None):
        seen["mask"] = mask
        return x * 2

    out = keras.layers.Lambda(fn)(keras.layers.Embedding(10, 4, mask_zero=True)(IDS))
    received = seen["mask"] is not None and bool((to_numpy(seen["mask"]) == (IDS != 0)).all())
    return [received, get_mask(out) is not None]


# --- Layers with two tensor inputs ------------------------------------------------------------


def _two_inputs():
    keras = load_keras()
    embedding = keras.layers.Embedding(10, 4, mask_zero=True)
    return keras, embedding(IDS), embedding(IDS_B)


def _masking_layer(keras, call):
    """A layer with ``supports_masking = True`` whose ``call`` is the function ``call``."""

    class Probe(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

    Probe.call = call
    return Probe()


@behaviour("multi_input.mask_with_two_tensors", "09",
           "call(self, x, y, mask=None) called as layer(x, y) on two masked tensors: what does mask receive?")
def _two_tensor_mask():
    keras, a, b = _two_inputs()
    seen = {}

    def call(self, x, y, mask=None):
        seen["mask"] = mask
        return x

    _masking_layer(keras, call)(a, b)
    return "None" if seen["mask"] is None else "a mask"


@behaviour("multi_input.argument_masks", "09",
           "call(self, x, y, x_mask=None, y_mask=None) called as layer(x, y): does each <arg>_mask get its "
           "tensor's mask?")
def _argument_masks():
    keras, a, b = _two_inputs()
    seen = {}

    def call(self, x, y, x_mask=None, y_mask=None):
        seen.update(x=x_mask, y=y_mask)
        return x

    _masking_layer(keras, call)(a, b)
    return [seen[k] is not None and bool((to_numpy(seen[k]) == (ids != 0)).all())
            for k, ids in (("x", IDS), ("y", IDS_B))]


@behaviour("multi_input.list_input_mask", "09",
           "call(self, inputs, mask=None) called as layer([x, y]): what does mask receive?")
def _list_mask():
    keras, a, b = _two_inputs()
    seen = {}

    def call(self, inputs, mask=None):
        seen["mask"] = mask
        return inputs[0]

    _masking_layer(keras, call)([a, b])
    mask = seen["mask"]
    if isinstance(mask, (list, tuple)) and all(m is not None for m in mask):
        return f"a list of {len(mask)} masks"
    return "None" if mask is None else "other"


@behaviour("multi_input.output_mask_of_first_input", "09",
           "A supports_masking layer called as layer(x, y), no compute_mask of its own: whose mask does "
           "its output carry?")
def _first_input_mask():
    keras, a, b = _two_inputs()
    out = _masking_layer(keras, lambda self, x, y: x + keras.ops.mean(y, axis=1, keepdims=True))(a, b)
    mask = get_mask(out)
    if mask is None:
        return "none"
    return "the first input's" if mask.shape == IDS.shape and (mask == (IDS != 0)).all() else "other"


@behaviour("multi_input.compute_mask_list", "09",
           "A layer with two outputs whose compute_mask returns [mask, None]: does each output carry a mask?")
def _compute_mask_list():
    keras = load_keras()

    class Split(keras.layers.Layer):
        def call(self, x):
            return x, x * 2

        def compute_mask(self, x, mask=None):
            return [mask, None]

    first, second = Split()(keras.layers.Embedding(10, 4, mask_zero=True)(IDS))
    return [get_mask(first) is not None, get_mask(second) is not None]


@behaviour("multi_input.build_shape_of_a_mask_named_argument", "09",
           "call(self, x, attention_mask=None) called with a tensor attention_mask: the "
           "attention_mask_shape that build(self, x_shape, attention_mask_shape=None) receives")
def _mask_named_argument():
    keras = load_keras()
    seen = {}

    class WithAttentionMask(keras.layers.Layer):
        def build(self, x_shape, attention_mask_shape=None):
            seen["shape"] = attention_mask_shape

        def call(self, x, attention_mask=None):
            return x

    WithAttentionMask()(np.ones((2, 3, 4), "float32"), attention_mask=np.ones((2, 3), "float32"))
    return _shape(seen["shape"])


# --- A model inside a model -------------------------------------------------------------------


def nested_model(head):
    """``Model(ids -> inner(ids) -> head)``, inner = ``Model(Embedding(10, 4, mask_zero=True) -> Dense(3))`` (imports Keras).

    Args:
        head: a layer taking ``(batch, timesteps, 3)``, e.g. ``GlobalAveragePooling1D()``.

    Returns:
        ``keras.Model`` on int ids ``(batch, timesteps)``; its inner model is named ``"inner"``.
    """
    keras = load_keras()
    ids = keras.Input((None,), dtype="int32")
    inner = keras.Model(ids, keras.layers.Dense(3)(keras.layers.Embedding(10, 4, mask_zero=True)(ids)),
                        name="inner")
    outer_ids = keras.Input((None,), dtype="int32")
    return keras.Model(outer_ids, head(inner(outer_ids)))


@behaviour("nested.outer_layer_uses_inner_model_mask", "09",
           "Model -> inner Model(Embedding(mask_zero) -> Dense) -> GlobalAveragePooling1D: is the output unchanged "
           "by 3 more padding ids, i.e. did the pooling get the inner model's mask? (eager, jit_compile=True predict)")
def _nested():
    model = nested_model(load_keras().layers.GlobalAveragePooling1D())
    longer = np.pad(IDS, ((0, 0), (0, 3)))
    eager = [to_numpy(model(x)) for x in (IDS, longer)]
    model.compile(jit_compile=True)
    compiled = [np.asarray(model.predict(x, verbose=0)) for x in (IDS, longer)]
    return [bool(np.allclose(*eager, atol=1e-6)), bool(np.allclose(*compiled, atol=1e-6))]


# --- TimeDistributed and Bidirectional --------------------------------------------------------


@behaviour("time_distributed.wrong_mask_time_axis", "09",
           "TimeDistributed(Dense) on (2, 3, 4, 2) inputs called with a (2, 5) mask: error?")
def _td_wrong_mask():
    keras = load_keras()
    layer = keras.layers.TimeDistributed(keras.layers.Dense(2))
    return exception_name(lambda: layer(np.ones((2, 3, 4, 2), "float32"), mask=np.ones((2, 5), bool)))


DOCS = np.array([[[3, 1, 4, 0], [2, 7, 0, 0], [0, 0, 0, 0]],
                 [[5, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]])  # 2 documents x 3 sentences x 4 words


@behaviour("time_distributed.mask_after_inner_rnn", "09",
           "TimeDistributed(LSTM(3)) on Embedding(mask_zero) of (2, 3, 4) word ids (documents x sentences x words): "
           "the shape of the mask on its (2, 3, 3) output, and what an LSTM over the sentences then does")
def _td_stale_mask():
    keras = load_keras()
    out = keras.layers.TimeDistributed(keras.layers.LSTM(3))(keras.layers.Embedding(10, 4, mask_zero=True)(DOCS))
    mask = get_mask(out)
    return ["none" if mask is None else _shape(mask.shape), exception_name(lambda: keras.layers.LSTM(2)(out))]


SEQ = np.array([[[1.0], [2.0], [3.0], [9.0], [9.0]]], "float32")  # 3 real steps, then padding of 9.0
SEQ_MASK = np.array([[True, True, True, False, False]])


def _eager_and_compiled(layer):
    """``layer`` on :data:`SEQ`: called eagerly with :data:`SEQ_MASK` attached, then inside a model that
    masks the padding with ``Masking(9.0)``, predicted with ``jit_compile=True``. Returns both outputs."""
    keras = load_keras()
    eager = to_numpy(layer(attach_mask(SEQ, SEQ_MASK)))
    inp = keras.Input((5, 1))
    return eager, _compiled_predict(keras.Model(inp, layer(keras.layers.Masking(9.0)(inp))), SEQ)


@behaviour("bidirectional.backward_half_realigned", "09",
           "Bidirectional(LSTM(2, return_sequences=True)) with a mask: is the backward half at step t the "
           "backward LSTM run on the real steps only, flipped back into time order? (eager, jit_compile=True predict)")
def _bidirectional():
    keras = load_keras()
    layer = keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True))
    outputs = _eager_and_compiled(layer)
    alone = to_numpy(layer.backward_layer(SEQ[:, :3]))[:, ::-1]   # go_backwards: the last step comes first
    return [bool(np.allclose(out[:, :3, 2:], alone, atol=1e-5)) for out in outputs]


# --- Conv1D next to padding -------------------------------------------------------------------


@behaviour("conv1d.padding_reaches_real_neighbour", "09",
           "Conv1D(1, 3, padding='same') after a mask: does the output at the last real step change when "
           "only the padding values change? (eager, jit_compile=True predict)")
def _conv_leak():
    keras = load_keras()
    conv = keras.layers.Conv1D(1, 3, padding="same")
    zeros = SEQ.copy()
    zeros[:, 3:] = 0.0
    eager = [to_numpy(conv(attach_mask(x, SEQ_MASK)))[0, 2, 0] for x in (zeros, SEQ)]
    inp = keras.Input((5, 1))
    model = keras.Model(inp, conv(inp))
    model.compile(jit_compile=True)
    compiled = [np.asarray(model.predict(x, verbose=0))[0, 2, 0] for x in (zeros, SEQ)]
    return [not np.isclose(*eager), not np.isclose(*compiled)]


# --- The "destroy the mask" warning, true and false -------------------------------------------


@functools.cache
def _block_class():
    keras = load_keras()
    layers = keras.layers

    class ConvFeedForwardBlock(layers.Layer):
        """A pre-norm attention block whose feed-forward is a Conv1D(kernel_size=1)."""

        def __init__(self, dim, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True
            self.norm_1, self.norm_2 = layers.LayerNormalization(), layers.LayerNormalization()
            self.attention = layers.MultiHeadAttention(2, dim)
            self.feed_forward = layers.Conv1D(dim, 1, activation="relu", name="feed_forward")
            self.add_1, self.add_2 = layers.Add(), layers.Add()

        def call(self, x, mask=None):
            h = self.norm_1(x)
            x = self.add_1([x, self.attention(h, h)])
            return self.add_2([x, self.feed_forward(self.norm_2(x))])

    return ConvFeedForwardBlock


@behaviour("composite.inner_warning_outer_mask", "09",
           "A composite layer (supports_masking) whose inner Conv1D(kernel_size=1) gets the mask: does the "
           "inner layer warn, does the outer output carry the mask, and is that output, at the real steps, unchanged by extra padding?")
def _composite():
    keras = load_keras()
    ids = keras.Input((None,), dtype="int32")
    block = _block_class()(4)
    model = keras.Model(ids, block(keras.layers.Embedding(10, 4, mask_zero=True)(ids)))
    caught = []
    hits = destroy_warnings(lambda: caught.append(model(IDS)))
    longer = np.concatenate([IDS, np.zeros((2, 3), int)], axis=1)
    real = IDS != 0
    same = np.allclose(to_numpy(caught[0])[real], to_numpy(model(longer))[:, :5][real], atol=1e-5)
    return [any("feed_forward" in str(w.message) for w in hits), get_mask(caught[0]) is not None, bool(same)]


@behaviour("composite.silent_loss_inside_layer", "09",
           "A layer without mask support that embeds ids with Embedding(mask_zero=True) inside and adds "
           "positions with +: does its output carry a mask, and does Keras warn?")
def _silent_loss():
    keras = load_keras()

    class EmbedWithPositions(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.tokens = keras.layers.Embedding(10, 4, mask_zero=True)
            self.positions = keras.layers.Embedding(5, 4)

        def call(self, ids):
            return self.tokens(ids) + self.positions(keras.ops.arange(keras.ops.shape(ids)[1]))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = EmbedWithPositions()(IDS)
    return ["mask" if get_mask(out) is not None else "no mask",
            "warning" if any("mask" in str(w.message) for w in caught) else "no warning"]


# --- A Transformer like keras-io's translation example, and masklab.diagnose -----------------


@functools.cache
def _transformer_classes():
    keras = load_keras()
    layers, ops = keras.layers, keras.ops

    class PositionalEmbedding(layers.Layer):
        def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_embeddings = layers.Embedding(vocab_size, embed_dim)
            self.position_embeddings = layers.Embedding(sequence_length, embed_dim)

        def call(self, inputs):
            positions = ops.arange(ops.shape(inputs)[-1])
            return self.token_embeddings(inputs) + self.position_embeddings(positions)

        def compute_mask(self, inputs, mask=None):
            return ops.not_equal(inputs, 0)

    class AddPositions(layers.Layer):  # broken: no supports_masking, no compute_mask
        def __init__(self, sequence_length, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.position_embeddings = layers.Embedding(sequence_length, embed_dim)

        def call(self, x):
            return x + self.position_embeddings(ops.arange(ops.shape(x)[1]))

    class TransformerEncoder(layers.Layer):
        def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.attention = layers.MultiHeadAttention(num_heads, embed_dim)
            self.dense_proj = keras.Sequential([layers.Dense(dense_dim, activation="relu"), layers.Dense(embed_dim)])
            self.layernorm_1, self.layernorm_2 = layers.LayerNormalization(), layers.LayerNormalization()
            self.supports_masking = True

        def call(self, inputs, mask=None):
            padding_mask = None if mask is None else mask[:, None, :]
            attention_output = self.attention(inputs, inputs, attention_mask=padding_mask)
            proj_input = self.layernorm_1(inputs + attention_output)
            return self.layernorm_2(proj_input + self.dense_proj(proj_input))

    class TransformerDecoder(layers.Layer):
        def __init__(self, embed_dim, latent_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.attention_1 = layers.MultiHeadAttention(num_heads, embed_dim)
            self.attention_2 = layers.MultiHeadAttention(num_heads, embed_dim)
            self.dense_proj = keras.Sequential([layers.Dense(latent_dim, activation="relu"), layers.Dense(embed_dim)])
            self.layernorm_1, self.layernorm_2, self.layernorm_3 = (layers.LayerNormalization() for _ in range(3))
            self.supports_masking = True

        def call(self, inputs, encoder_outputs, inputs_mask=None, encoder_outputs_mask=None):
            n = ops.shape(inputs)[1]
            self_mask = (ops.arange(n)[:, None] >= ops.arange(n)[None, :])[None]   # causal
            if inputs_mask is not None:
                self_mask = ops.logical_and(self_mask, inputs_mask[:, None, :])
            cross_mask = None if encoder_outputs_mask is None else encoder_outputs_mask[:, None, :]
            out_1 = self.layernorm_1(inputs + self.attention_1(inputs, inputs, attention_mask=self_mask))
            out_2 = self.layernorm_2(out_1 + self.attention_2(out_1, encoder_outputs, attention_mask=cross_mask))
            return self.layernorm_3(out_2 + self.dense_proj(out_2))

    class OneMaskDecoder(TransformerDecoder):  # broken: the tf.keras-era signature, `mask` with two tensors
        def call(self, inputs, encoder_outputs, mask=None):
            return super().call(inputs, encoder_outputs, inputs_mask=mask)

    return PositionalEmbedding, AddPositions, TransformerEncoder, TransformerDecoder, OneMaskDecoder


VOCAB, LENGTH, DIM = 20, 10, 8
SOURCE = np.array([[4, 9, 2, 7, 0, 0], [5, 3, 0, 0, 0, 0]])
TARGET = np.array([[1, 6, 8, 3, 2, 0], [1, 4, 2, 0, 0, 0]])


def transformer(broken_positions: bool = False, broken_decoder: bool = False):
    """A small Transformer built like keras-io's translation example (imports Keras).

    The encoder and the decoder are models nested in the ``transformer``
    model. ``broken_positions`` embeds the source with
    ``Embedding(mask_zero=True)`` and a position layer without mask support;
    ``broken_decoder`` gives the decoder the tf.keras-era signature
    ``call(inputs, encoder_outputs, mask=None)``.

    Returns:
        ``keras.Model`` taking ``[source ids, target ids]`` (int, ``(batch, timesteps)``).
    """
    keras = load_keras()
    positional, add_positions, encoder_layer, decoder_layer, one_mask_decoder = _transformer_classes()
    source = keras.Input((None,), dtype="int32", name="source")
    if broken_positions:
        x = add_positions(LENGTH, DIM)(keras.layers.Embedding(VOCAB, DIM, mask_zero=True)(source))
    else:
        x = positional(LENGTH, VOCAB, DIM)(source)
    encoder = keras.Model(source, encoder_layer(DIM, 16, 2)(x), name="encoder")
    target = keras.Input((None,), dtype="int32", name="target")
    encoded = keras.Input((None, DIM), name="encoded")
    decoder_class = one_mask_decoder if broken_decoder else decoder_layer
    y = decoder_class(DIM, 16, 2)(positional(LENGTH, VOCAB, DIM)(target), encoded)
    decoder = keras.Model([target, encoded], keras.layers.Dense(VOCAB, activation="softmax")(y), name="decoder")
    src, tgt = keras.Input((None,), dtype="int32"), keras.Input((None,), dtype="int32")
    return keras.Model([src, tgt], decoder([tgt, encoder(src)]), name="transformer")


def _diagnose_kinds(broken):
    from masklab import diagnose

    return [f.kind for f in diagnose(transformer(broken, broken), [SOURCE, TARGET])]


@behaviour("transformer.diagnose_healthy", "09",
           "masklab.diagnose on the lesson's Transformer (nested encoder and decoder models): the kinds of its findings")
def _diagnose_healthy():
    return _diagnose_kinds(False)


@behaviour("transformer.diagnose_broken", "09",
           "masklab.diagnose on the broken Transformer (positions without mask support; a decoder with "
           "call(inputs, encoder_outputs, mask=None)): the kinds of its findings")
def _diagnose_broken():
    return _diagnose_kinds(True)


@behaviour("transformer.padding_changes_output", "09",
           "Do 3 more padding ids change the outputs at the real target steps? The healthy Transformer, one with "
           "only the decoder's call(inputs, encoder_outputs, mask=None), and the broken one (both changes)")
def _padding_changes():
    longer = [np.pad(a, ((0, 0), (0, 3))) for a in (SOURCE, TARGET)]
    real = TARGET != 0
    changed = []
    for positions, decoder in ((False, False), (False, True), (True, True)):
        model = transformer(positions, decoder)
        short, long = to_numpy(model([SOURCE, TARGET])), to_numpy(model(longer))[:, :6]
        changed.append(not np.allclose(short[real], long[real], atol=1e-5))
    return changed


# --- Backends beyond embeddings: the same masks, eager and compiled --------------------------------


@behaviour("backend.masked_pooling", "09",
           "GlobalAveragePooling1D after a mask: is the output the mean of the real steps only? "
           "(eager, jit_compile=True predict)")
def _masked_pooling():
    want = SEQ[:, :3].mean(axis=1)
    return [bool(np.allclose(out, want, atol=1e-6))
            for out in _eager_and_compiled(load_keras().layers.GlobalAveragePooling1D())]


@behaviour("backend.stacked_rnn_cells_mask", "09",
           "RNN([LSTMCell(2), LSTMCell(2)]) with a mask: is its output the output on the real steps alone? "
           "(eager, jit_compile=True predict)")
def _stacked_cells():
    keras = load_keras()
    rnn = keras.layers.RNN([keras.layers.LSTMCell(2), keras.layers.LSTMCell(2)])
    alone = to_numpy(rnn(SEQ[:, :3]))
    return [bool(np.allclose(out, alone, atol=1e-5)) for out in _eager_and_compiled(rnn)]


@behaviour("backend.attention_query_value_masks", "09",
           "Attention()([q, v], mask=[q_mask, v_mask]): is a real query's output the attention over the real "
           "value steps alone, and a padded query's output 0? (eager, jit_compile=True predict)")
def _attention_masks():
    keras = load_keras()
    q = np.array([[[1.0, 0.5], [0.2, 1.0], [9.0, 9.0]]], "float32")                 # 2 real queries
    v = np.array([[[0.3, 1.0], [1.0, 0.1], [0.5, 0.5], [9.0, 9.0]]], "float32")     # 3 real value steps
    q_mask, v_mask = np.array([[True, True, False]]), np.array([[True, True, True, False]])
    layer = keras.layers.Attention()
    alone = to_numpy(layer([q[:, :2], v[:, :3]]))
    eager = to_numpy(layer([q, v], mask=[q_mask, v_mask]))
    q_in, v_in = keras.Input((3, 2)), keras.Input((4, 2))
    model = keras.Model([q_in, v_in], layer([keras.layers.Masking(9.0)(q_in), keras.layers.Masking(9.0)(v_in)]))
    compiled = _compiled_predict(model, [q, v])
    return [bool(np.allclose(out[:, :2], alone, atol=1e-5) and np.allclose(out[:, 2], 0.0, atol=1e-6))
            for out in (eager, compiled)]
