"""Lesson 08, attention masks: MultiHeadAttention's and Attention's handling of padded keys and queries."""

from __future__ import annotations

import numpy as np

from masklab.behaviours._registry import behaviour, load_keras, to_numpy
from masklab.masks import attention_mask, get_mask

_X08 = np.array([[[1.0, 0.5], [0.3, 0.2], [0.7, 0.9], [0.0, 0.0]],
                 [[0.2, 0.4], [0.6, 0.1], [0.0, 0.0], [0.0, 0.0]]], "float32")


def _mha_weights(**call):
    """Self-attention of MultiHeadAttention(2 heads) on Masking(0.0) of _X08: (weights, output)."""
    keras = load_keras()
    masked = keras.layers.Masking(0.0)(_X08)
    out, weights = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2)(
        masked, masked, return_attention_scores=True, **call)
    return to_numpy(weights), out


@behaviour("attention.masked_keys_get_zero_weight", "08",
           "MultiHeadAttention after Masking: do masked keys get attention weight exactly 0?")
def _mha_keys():
    weights, _ = _mha_weights()
    keep = _X08.any(axis=-1)
    return bool((weights.transpose(0, 2, 1, 3)[~np.broadcast_to(keep[:, None, None, :], (2, 4, 2, 4))] == 0).all())


@behaviour("attention.padded_query_row", "08",
           "MultiHeadAttention, scores path (return_attention_scores=True): the weights of a padded query row")
def _mha_query_row():
    weights, _ = _mha_weights()
    row = weights[1, :, 3]
    return "zeros" if np.allclose(row, 0) else ("sums to 1" if np.allclose(row.sum(axis=-1), 1) else "other")


@behaviour("attention.default_path_padded_query_row", "08",
           "MultiHeadAttention, default call (ops.dot_product_attention): the weights a padded query row gets, "
           "read from its output")
def _mha_default_query_row():
    keras = load_keras()
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2)
    masked = keras.layers.Masking(0.0)(_X08)
    out = to_numpy(mha(masked, masked))
    values = mha.value_dense(_X08)                      # (batch, keys, heads, key_dim)
    uniform = to_numpy(mha.output_dense(keras.ops.mean(values, axis=1, keepdims=True)))[:, 0]  # 1/keys each
    zeros = to_numpy(mha.output_dense(keras.ops.zeros_like(values[:, :1])))[:, 0]              # 0 on every key
    padded_sample = np.nonzero(~_X08.any(axis=-1))[0]   # the sample of each padded query
    rows = out[~_X08.any(axis=-1)]
    if np.isnan(rows).any():
        return "nan"
    if np.allclose(rows, uniform[padded_sample], atol=1e-5):
        return "uniform over all keys"
    return "zeros" if np.allclose(rows, zeros[padded_sample], atol=1e-5) else "other"


@behaviour("attention.output_carries_query_mask", "08", "Does MultiHeadAttention's output carry the query mask?")
def _mha_out_mask():
    _, out = _mha_weights()
    mask = get_mask(out)
    return mask is not None and bool((mask == _X08.any(axis=-1)).all())


@behaviour("attention.causal_upper_triangle_zero", "08",
           "MultiHeadAttention(use_causal_mask=True): are all weights above the diagonal 0?")
def _mha_causal():
    weights, _ = _mha_weights(use_causal_mask=True)
    return bool((weights[..., np.triu(np.ones((4, 4), bool), k=1)] == 0).all())


@behaviour("attention.matches_masklab_rule", "08",
           "Are MultiHeadAttention's zero weights exactly where masklab.attention_mask(..., causal=True) is False?")
def _mha_rule():
    weights, _ = _mha_weights(use_causal_mask=True)
    keep = _X08.any(axis=-1)
    allowed = attention_mask(keep, keep, causal=True)
    return bool(((weights == 0) == ~allowed[:, None]).all())


@behaviour("attention.layer_padded_query_output", "08",
           "keras.layers.Attention: the output at a padded query step")
def _attention_layer():
    keras = load_keras()
    masked = keras.layers.Masking(0.0)(_X08)
    out = to_numpy(keras.layers.Attention()([masked, masked]))
    return "zeros" if np.allclose(out[1, 3], 0) else "non-zero"
