"""diagnose: exact findings on realistic model shapes, healthy and broken.

Each model is small (tiny dims, a batch of two or three) and built inside ``isolated_seed``, so the
weights are reproducible and the caller's random state is left alone. Expected findings are
(kind, layer, consumer) triples. Where Keras 3.16 changed what an RNN does with the mask
(keras-team/keras PR #23235: RNNs use it and stop passing it on), the expectation is read from the
behaviour registry's rule, as tests/test_trace.py does.
"""

import dataclasses
import functools
import math
import re
import warnings

import keras
import numpy as np
import pytest

from masklab import behaviours, diagnose
from masklab._random import isolated_seed
from masklab.display import TEXT
from masklab.doctor import KINDS, Diagnosis, Finding

L = keras.layers
ops = keras.ops
RNN_PASSES = behaviours.holds("rnn_passes_mask")  # False from Keras 3.16: an RNN is where its mask stops

# Right-padded (post) ids, one row without padding; LEFT is the same rows padded at the front.
IDS = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 2], [5, 1, 0, 0, 0]])
LEFT = np.array([[0, 0, 3, 4, 5], [6, 7, 8, 9, 2], [0, 0, 0, 5, 1]])
TARGET = np.array([[1, 3, 4, 0, 0], [1, 5, 6, 7, 0], [1, 2, 0, 0, 0]])
T, V, D = 5, 12, 4


@functools.cache
def built(factory, *args, **kwargs):
    """``factory(*args, **kwargs)`` built once, seeded, without touching the caller's random state or printing
    Keras' mask warnings. diagnose changes no model, so tests share them."""
    with isolated_seed(0), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return factory(*args, **kwargs)


def findings(model, inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, inputs)
    assert isinstance(result, Diagnosis) and all(isinstance(f, Finding) and f.kind in KINDS for f in result)
    return [(f.kind, f.layer, f.consumer) for f in result]


# --- 1. A seq2seq Transformer: encoder and decoder are nested keras.Models --------------------------

class PositionalEmbedding(L.Layer):
    """Token and position embeddings summed; the padding mask comes from compute_mask (keras-io style)."""

    def __init__(self, length, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = L.Embedding(vocab, dim)
        self.positions = L.Embedding(length, dim)

    def call(self, inputs):
        return self.tokens(inputs) + self.positions(ops.arange(ops.shape(inputs)[-1]))

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)


class AddPositions(L.Layer):
    """Adds learned positions to embeddings but says nothing about masks: Keras drops the mask after it."""

    def build(self, input_shape):
        self.table = self.add_weight(shape=(T, input_shape[-1]), initializer="random_normal")

    def call(self, inputs):
        return inputs + self.table[: ops.shape(inputs)[1]]


def embed(ids, name, style):
    if style == "no_mask_support":  # the broken variant: the padding mask dies at AddPositions
        return AddPositions(name=f"{name}_positions")(L.Embedding(V, D, mask_zero=True, name=f"{name}_tokens")(ids))
    x = PositionalEmbedding(T, V, D, name=f"{name}_embedding")(ids)
    return x * math.sqrt(D) if style == "scaled" else x  # scaled: a Python operator drops the mask


def block(x, context=None, *, causal=False, post_norm=False):
    """A Transformer block. Pre-norm keeps the mask; post-norm hands MultiHeadAttention the residual tensor
    itself, whose mask MultiHeadAttention removes in place, so the residual Add returns no mask."""
    h = x if post_norm else L.LayerNormalization(name="norm1")(x)
    a = L.MultiHeadAttention(2, 2, name="self_attention")(h, h, use_causal_mask=causal)
    x = L.Add(name="add1")([x, a])
    if post_norm:
        x = L.LayerNormalization(name="norm1")(x)
    if context is not None:
        h = L.LayerNormalization(name="norm2")(x)
        x = L.Add(name="add2")([x, L.MultiHeadAttention(2, 2, name="cross_attention")(h, context)])
    f = L.Dense(D, name="ffn")(L.LayerNormalization(name="norm3")(x))
    return L.Add(name="add3")([x, f])


def transformer(style="healthy", post_norm=False):
    source = keras.Input((None,), dtype="int32", name="source")
    encoder = keras.Model(source, block(embed(source, "source", style), post_norm=post_norm), name="encoder")
    target = keras.Input((None,), dtype="int32", name="target")
    context = keras.Input((None, D), name="context")
    x = block(embed(target, "target", style), context, causal=True, post_norm=post_norm)
    decoder = keras.Model([target, context], L.Dense(V, name="logits")(x), name="decoder")
    s, t = keras.Input((None,), dtype="int32", name="source"), keras.Input((None,), dtype="int32", name="target")
    return keras.Model([s, t], decoder([t, encoder(s)]), name="transformer")


def test_transformer_healthy():
    model = built(transformer)
    assert findings(model, [IDS, TARGET]) == []


def test_transformer_positional_embedding_without_mask_support():
    model = built(transformer, "no_mask_support")
    assert findings(model, [IDS, TARGET]) == [
        ("no_mask_support", "encoder/source_positions", "encoder/self_attention"),
        ("no_mask_support", "decoder/target_positions", "decoder/self_attention"),
    ]


def test_transformer_scaled_embedding_python_operator():
    model = built(transformer, "scaled")
    result = findings(model, [IDS, TARGET])
    assert [(kind, consumer) for kind, _, consumer in result] == [
        ("op_drops_mask", "encoder/self_attention"), ("op_drops_mask", "decoder/self_attention")]
    # `x * math.sqrt(D)` is a keras.ops Multiply node; Keras names it (multiply, multiply_1, ... per session)
    assert [re.fullmatch(r"(encoder|decoder)/multiply(_\d+)?", layer)[1] for _, layer, _ in result] == [
        "encoder", "decoder"]


def test_transformer_post_norm_residual_loses_the_mask():
    model = built(transformer, post_norm=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, [IDS, TARGET])
    assert [(f.kind, f.layer, f.consumer) for f in result] == [
        ("mask_lost", "encoder/add1", "decoder/cross_attention"),
        ("mask_lost", "decoder/add1", "decoder/cross_attention"),
    ]
    assert "MultiHeadAttention 'encoder/self_attention' removed that tensor's mask in place" in result[0].what
    assert "pre-norm" in result[0].fix


# --- 2. An LSTM encoder-decoder with return_state ----------------------------------------------------

def lstm_seq2seq(mask_by_hand=True):
    source = keras.Input((None,), dtype="int32", name="source")
    target = keras.Input((None,), dtype="int32", name="target")
    _, h, c = L.LSTM(4, return_state=True, name="encoder_lstm")(L.Embedding(V, D, mask_zero=True)(source))
    x = L.Embedding(V, D, mask_zero=True, name="target_embedding")(target)
    decoder = L.LSTM(4, return_sequences=True, name="decoder_lstm")
    # Keras 3 hands call a mask only for one tensor argument; with initial_state there are two.
    x = decoder(x, initial_state=[h, c], mask=ops.not_equal(target, 0)) if mask_by_hand else decoder(
        x, initial_state=[h, c])
    return keras.Model([source, target], L.Dense(V, name="logits")(x))


# From Keras 3.16 the decoder LSTM uses the mask and stops it: the loss on the logits no longer sees it.
AFTER_DECODER = [] if RNN_PASSES else [("mask_lost", "decoder_lstm", "loss")]


def test_lstm_seq2seq_healthy():
    assert findings(built(lstm_seq2seq), [IDS, TARGET]) == AFTER_DECODER


def test_lstm_seq2seq_initial_state_hides_the_mask_from_the_decoder():
    model = built(lstm_seq2seq, mask_by_hand=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, [IDS, TARGET])
    consumer = None if RNN_PASSES else "loss"
    assert [(f.kind, f.layer, f.consumer) for f in result] == [("masks_not_received", "decoder_lstm", consumer)]
    assert "sequences, initial_state" in result[0].what and "mask=mask" in result[0].fix


def test_lstm_seq2seq_left_padded_source_is_a_cudnn_note():
    assert findings(built(lstm_seq2seq), [LEFT, TARGET]) == [("cudnn_mask", "encoder_lstm", None)] + AFTER_DECODER


# --- 3. A sequence tagger with a TimeDistributed head ------------------------------------------------

def tagger(scale=False):
    features = keras.Input((None, 3), name="frames")
    x = L.Masking(0.0, name="masking")(features)
    if scale:
        x = L.Lambda(lambda v: v * 2.0, name="scale")(x)
    x = L.LSTM(4, return_sequences=True, name="lstm")(x)
    return keras.Model(features, L.TimeDistributed(L.Dense(3), name="head")(x))


FRAMES = np.random.default_rng(0).uniform(0.5, 1.0, size=(2, 4, 3)).astype("float32")
FRAMES[0, 2:] = 0.0


def test_time_distributed_tagger_healthy():
    expected = [] if RNN_PASSES else [("mask_lost", "lstm", "loss")]
    assert findings(built(tagger), FRAMES) == expected


def test_time_distributed_tagger_lambda_drops_the_mask():
    expected = [("no_mask_support", "scale", "lstm")]
    assert findings(built(tagger, scale=True), FRAMES) == expected


# --- 4. Stacked Bidirectional RNNs --------------------------------------------------------------------

def stacked_bidirectional():
    ids = keras.Input((None,), dtype="int32")
    x = L.Embedding(V, D, mask_zero=True, name="embedding")(ids)
    x = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi_lstm")(x)
    x = L.Bidirectional(L.GRU(3), name="bi_gru")(x)
    return keras.Model(ids, L.Dense(2, name="classes")(x))


def test_stacked_bidirectional_healthy():
    expected = [] if RNN_PASSES else [("mask_lost", "bi_lstm", "bi_gru")]
    assert findings(built(stacked_bidirectional), IDS) == expected


def test_stacked_bidirectional_left_padded():
    if RNN_PASSES:
        expected = [("cudnn_mask", "bi_lstm", None), ("cudnn_mask", "bi_gru", None)]
    else:  # the mask stops at bi_lstm (found first at that layer), so the GRU never gets it
        expected = [("mask_lost", "bi_lstm", "bi_gru"), ("cudnn_mask", "bi_lstm", None)]
    assert findings(built(stacked_bidirectional), LEFT) == expected


# --- 5. Dict inputs merged by Concatenate -------------------------------------------------------------

def words_and_tags():
    words = keras.Input((None,), dtype="int32", name="words")
    tags = keras.Input((None,), dtype="int32", name="tags")
    extra = keras.Input((None, 2), name="extra")  # no mask: Concatenate fills in an all-True one
    x = L.Concatenate(name="concat")([L.Embedding(V, D, mask_zero=True, name="word_embedding")(words),
                                      L.Embedding(5, 2, mask_zero=True, name="tag_embedding")(tags), extra])
    x = L.LSTM(4, name="lstm")(x)
    return keras.Model({"words": words, "tags": tags, "extra": extra}, L.Dense(2, name="classes")(x))


TAGS = np.minimum(IDS, 4)
EXTRA = np.ones((3, T, 2), "float32")


def test_dict_inputs_concatenate_healthy():
    assert findings(built(words_and_tags), {"words": IDS, "tags": TAGS, "extra": EXTRA}) == []


def test_dict_inputs_tag_ids_out_of_range():
    tags = TAGS.copy()
    tags[1, 0], tags[2, 1] = 5, -1   # 5 >= input_dim of the tag embedding; -1 wraps silently on TensorFlow
    model = built(words_and_tags)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, {"words": IDS, "tags": tags, "extra": EXTRA})
    assert [(f.kind, f.layer) for f in result] == [("ids_out_of_range", "tag_embedding")]
    assert "2 token ids outside [0, 5)" in result[0].what and "ids[1, 0] = 5" in result[0].what
    assert "replaced by 4" in result[0].fix
    assert tags[1, 0] == 5 and tags[2, 1] == -1, "the caller's array is not changed"


# --- 6. A Conv1D text classifier ----------------------------------------------------------------------

def conv_classifier(mask_zero=False):
    ids = keras.Input((None,), dtype="int32")
    x = L.Embedding(V, D, mask_zero=mask_zero, name="embedding")(ids)
    x = L.Conv1D(4, 3, padding="same", activation="relu", name="conv")(x)
    x = L.GlobalMaxPooling1D(name="pool")(x)
    return keras.Model(ids, L.Dense(2, name="classes")(x))


def test_conv1d_classifier_healthy():
    assert findings(built(conv_classifier), IDS) == []


def test_conv1d_classifier_with_a_mask_it_never_uses():
    assert findings(built(conv_classifier, mask_zero=True), IDS) == [("mask_lost", "conv", "pool")]


def test_conv1d_classifier_id_beyond_input_dim():
    ids = IDS.copy()
    ids[0, 0] = V   # one past the last row: TensorFlow's CPU kernel would raise
    result = findings(built(conv_classifier), ids)
    assert result == [("ids_out_of_range", "embedding", None)]


# --- Broken heads and custom layers --------------------------------------------------------------------

def flatten_head():
    ids = keras.Input((T,), dtype="int32")
    x = L.Embedding(V, D, mask_zero=True, name="embedding")(ids)
    x = L.LSTM(3, return_sequences=True, name="lstm")(x)
    return keras.Model(ids, L.Dense(2, name="classes")(L.Flatten(name="flatten")(x)))


def test_flatten_before_a_dense_head():
    expected = [("mask_lost", "flatten", "flatten")] if RNN_PASSES else [("mask_lost", "lstm", "flatten")]
    model = built(flatten_head)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, IDS)
    assert [(f.kind, f.layer, f.consumer) for f in result] == expected
    assert "GlobalAveragePooling1D" in result[0].fix


class CrossAttention(L.Layer):
    """keras-io's decoder signature: two tensor arguments and `mask=None`, which Keras 3 never fills."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.attention = L.MultiHeadAttention(2, 2)
        self.supports_masking = True

    def call(self, inputs, context, mask=None):
        return inputs + self.attention(inputs, context, query_mask=mask)


class MaskedCrossAttention(CrossAttention):
    """The fix: one mask argument per tensor argument."""

    def call(self, inputs, context, inputs_mask=None, context_mask=None):
        return inputs + self.attention(inputs, context, query_mask=inputs_mask, value_mask=context_mask)


def cross_attention_model(layer_class):
    a, b = keras.Input((None,), dtype="int32"), keras.Input((None,), dtype="int32")
    x = layer_class(name="cross")(L.Embedding(V, D, mask_zero=True)(a), L.Embedding(V, D, mask_zero=True)(b))
    return keras.Model([a, b], L.GlobalAveragePooling1D(name="pool")(x))


def test_custom_two_input_layer_without_mask_arguments():
    model = built(cross_attention_model, CrossAttention)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, [TARGET, IDS])
    assert [(f.kind, f.layer, f.consumer) for f in result] == [("masks_not_received", "cross", None)]
    assert "inputs_mask=None, context_mask=None" in result[0].fix
    healthy = built(cross_attention_model, MaskedCrossAttention)
    assert findings(healthy, [TARGET, IDS]) == []


# --- The result, its views and bad input -------------------------------------------------------------

def test_views_and_frozen_findings():
    model = built(conv_classifier, mask_zero=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = diagnose(model, IDS)
    (finding,) = result
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.layer = "other"
    text = str(result)
    assert text == repr(result) and text.startswith("1 finding (") and "[mask_lost] conv:" in text
    assert "fix: " in str(finding) and result.trace.names[0] == "embedding"
    page = result._repr_html_()
    assert "masklab-diagnosis" in page and page.count("data-kind='mask_lost'") == 1
    assert "&#9888; 1" in page and TEXT in page and "1 finding in 4 layer calls" in page
    assert "GlobalMaxPooling1D &#x27;pool&#x27;" in page, "text is escaped"
    healthy = diagnose(built(conv_classifier), IDS)
    assert not healthy and str(healthy).startswith("no findings: ") and "no findings" in healthy._repr_html_()


def test_model_and_inputs_unchanged():
    model = built(conv_classifier, mask_zero=True)
    before = [w.copy() for w in model.get_weights()]
    ids = IDS.copy()
    ids[0, 0] = 99
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        diagnose(model, ids)
    assert all((a == b).all() for a, b in zip(before, model.get_weights()))
    assert ids[0, 0] == 99


def test_callers_random_state_untouched(callers_next_draws):
    findings(built(conv_classifier, mask_zero=True), IDS)
    assert callers_next_draws() == callers_next_draws.reference


def test_bad_input_is_named():
    model = built(conv_classifier)
    with pytest.raises(TypeError, match="model must be a keras.Model.*got Dense"):
        diagnose(L.Dense(2), IDS)
    with pytest.raises(ValueError, match=r"inputs must have shape \(None, None\) \(None = any\), got \(3,\)"):
        diagnose(model, np.zeros(3))
    with pytest.raises(TypeError, match="inputs must hold numbers"):
        diagnose(model, [["a", "b"]])
    with pytest.raises(ValueError, match="must hold integer ids for the model's int32 input"):
        diagnose(model, [[1.5, 2.0]])
    with pytest.raises(ValueError, match="not built yet"):
        diagnose(keras.Sequential([L.Dense(2)]), IDS)
    two = built(words_and_tags)
    with pytest.raises(ValueError, match=r"inputs is missing \['extra'\]"):
        diagnose(two, {"words": IDS, "tags": TAGS})

    class Sub(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match="subclassed"):
        diagnose(Sub(), IDS)


# --- The views in the learner's language (masklab._i18n) ----------------------------------------------

@pytest.fixture
def english():
    """English on entry and again on exit, whatever the test chose."""
    import masklab

    masklab.set_language("en")
    yield
    masklab.set_language("en")


def _conv_diagnosis(mask_zero=True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return diagnose(built(conv_classifier, mask_zero=mask_zero), IDS)


def test_views_in_english_are_unchanged(english):
    result = _conv_diagnosis()
    assert str(result) == (
        "1 finding (4 layer calls traced):\n"
        "1. [mask_lost] conv: Conv1D 'conv' received a mask and does not support masking (supports_masking is "
        "False), so the mask stops there. GlobalMaxPooling1D 'pool' merges the timesteps without reading the mask, "
        "so the padded timesteps count as data in its output.\n"
        "    fix: Keep the mask alive past 'conv': use a layer that passes masks on in its place, or none. "
        "Summarise the timesteps with a layer that reads the mask (GlobalAveragePooling1D, or an LSTM/GRU with "
        "return_sequences=False) in place of GlobalMaxPooling1D 'pool'.")
    page = result._repr_html_()
    assert ">kind</th>" in page and ">needed by</th>" in page and ">what happened</th>" in page
    assert "padding:2px 0'>1 finding in 4 layer calls</caption>" in page
    assert str(_conv_diagnosis(False)) == (
        "no findings: 4 layer calls traced, and every mask reached the layers that use it")


def test_views_go_through_the_catalogue(english, capitals):
    result = _conv_diagnosis()
    (finding,) = result
    text = str(result)
    assert text.startswith("1 FINDING (4 LAYER CALLS TRACED):\n1. [mask_lost] conv: Conv1D 'conv' RECEIVED A MASK")
    assert "\n    FIX: KEEP THE MASK ALIVE PAST 'conv'" in text
    # kinds, layer names and class names (fields) stay as they are; the sentences around them are looked up
    assert finding.kind == "mask_lost" and finding.layer == "conv" and finding.consumer == "pool"
    assert "GlobalMaxPooling1D 'pool' MERGES THE TIMESTEPS" in finding.what
    assert finding.fix.endswith("IN PLACE OF GlobalMaxPooling1D 'pool'.")
    page = result._repr_html_()
    for heading in ("KIND", "LAYER", "NEEDED BY", "WHAT HAPPENED", "FIX"):
        assert f">{heading}</th>" in page
    assert ">1 FINDING IN 4 LAYER CALLS</caption>" in page and "data-kind='mask_lost'" in page
    healthy = _conv_diagnosis(False)
    assert str(healthy) == "NO FINDINGS: 4 LAYER CALLS TRACED, AND EVERY MASK REACHED THE LAYERS THAT USE IT"
    assert "&#10003; NO FINDINGS IN 4 LAYER CALLS: EVERY MASK" in healthy._repr_html_()
