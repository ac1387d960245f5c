"""masklab.attention_mask against keras.layers.MultiHeadAttention's attention scores."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import masklab
from masklab.masks import attach_mask


@pytest.fixture(scope="module")
def mha():
    import keras

    keras.utils.set_random_seed(0)
    return keras.layers.MultiHeadAttention(num_heads=2, key_dim=2)


def masks(batch, steps):
    return st.lists(st.lists(st.booleans(), min_size=steps, max_size=steps), min_size=batch, max_size=batch)


@st.composite
def cases(draw):
    batch = draw(st.integers(1, 3))
    t_q, t_k = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    self_attention = draw(st.booleans())
    query = np.array(draw(masks(batch, t_q)), dtype=bool)
    key = query if self_attention else np.array(draw(masks(batch, t_k)), dtype=bool)
    return query, None if self_attention else key, draw(st.booleans())


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis")  # T_k = 1: Keras says so
@settings(max_examples=40, deadline=None)
@given(cases())
def test_masked_keys_get_weight_zero_in_keras(mha, case):
    query_mask, key_mask, causal = case
    keys = query_mask if key_mask is None else key_mask
    rng = np.random.default_rng(query_mask.size)
    q = rng.normal(size=(*query_mask.shape, 3)).astype("float32")
    v = q if key_mask is None else rng.normal(size=(*keys.shape, 3)).astype("float32")
    expected = masklab.attention_mask(query_mask, key_mask, causal=causal)
    assert expected.shape == (query_mask.shape[0], query_mask.shape[1], keys.shape[1])
    _, scores = mha(attach_mask(q, query_mask), attach_mask(v, keys), use_causal_mask=causal,
                    return_attention_scores=True)
    scores = np.asarray(scores)  # (batch, heads, T_q, T_k)
    allowed = np.broadcast_to(expected[:, None], scores.shape)
    assert (scores[~allowed] == 0).all(), "a key the mask forbids got attention weight"
    live = allowed.any(axis=-1)
    np.testing.assert_allclose(scores.sum(axis=-1)[live], 1.0, rtol=1e-5)
    assert (scores.sum(axis=-1)[~live] == 0).all(), "a fully masked query row gets weights of 0"
    assert (scores[allowed] > 0).all()


def test_self_attention_and_causal_by_hand():
    mask = masklab.attention_mask([[True, True, True, False]], causal=True)
    assert mask.dtype == bool and mask.shape == (1, 4, 4)
    assert mask[0].astype(int).tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]]
    cross = masklab.attention_mask([[1, 0]], [[1, 1, 0]])
    assert cross[0].astype(int).tolist() == [[1, 1, 0], [0, 0, 0]]
    rectangular = masklab.attention_mask(np.ones((1, 2), bool), np.ones((1, 3), bool), causal=True)
    assert rectangular[0].astype(int).tolist() == [[1, 0, 0], [1, 1, 0]]


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match=r"query_mask must be boolean-like \(booleans or 0/1\), got \[0.5\]"):
        masklab.attention_mask([[0.5]])
    with pytest.raises(ValueError, match=r"query_mask must have shape \(batch, T_q\), got shape \(3,\)"):
        masklab.attention_mask([True, False, True])
    with pytest.raises(ValueError, match=r"key_mask must have shape \(batch, T_k\)"):
        masklab.attention_mask([[True]], [[[True]]])
    with pytest.raises(ValueError, match=r"key_mask must have the batch size of query_mask \(1\), got shape \(2, 1\)"):
        masklab.attention_mask([[True]], [[True], [False]])
    with pytest.raises(TypeError, match="causal must be True or False, got 'yes'"):
        masklab.attention_mask([[True]], causal="yes")
    with pytest.raises(TypeError, match="key_mask must be an array"):
        masklab.attention_mask([[True]], "abc")
    with pytest.raises(ValueError, match="masklab refuses more than"):
        masklab.attention_mask(np.ones((1, 2**15), bool), np.ones((1, 2**14), bool))


def test_a_padded_query_row_depends_on_the_path_the_explorer_names(mha):
    """AttentionMaskExplorer says "all weights 0" for padded query rows on the weights path only.

    Asking for the weights (return_attention_scores=True) runs Keras' masked Softmax, which gives a
    fully masked row weight 0 everywhere; the default call (no dropout, no weights) runs
    ops.dot_product_attention, and the output at that row differs (checked here on CPU), while the
    real rows agree.
    """
    x = np.random.default_rng(0).random((1, 4, 3)).astype("float32")
    mask = masklab.attention_mask(np.array([[True, True, True, False]]))
    default = np.asarray(mha(x, x, attention_mask=mask))
    with_weights, weights = mha(x, x, attention_mask=mask, return_attention_scores=True)
    assert (np.asarray(weights)[0, :, 3] == 0).all()  # the padded query row, every head
    np.testing.assert_allclose(default[0, :3], np.asarray(with_weights)[0, :3], atol=1e-6)
    assert not np.allclose(default[0, 3], np.asarray(with_weights)[0, 3], atol=1e-6)


def test_on_the_default_path_a_padded_query_row_weighs_every_key_the_same(mha):
    """The default call's output at a padded query is the output of the mean of ALL value vectors.

    That is uniform weights over every key, padding included (the row's scores are all the same
    large negative number, and nothing zeroes the row afterwards): exercise 08.2's answer, 1/5.
    """
    import keras

    from masklab.exercises import EXERCISES

    x = np.zeros((1, 5, 3), "float32")
    x[0, :2] = np.random.default_rng(1).normal(size=(2, 3))
    default = np.asarray(mha(attach_mask(x, x.any(-1)), attach_mask(x, x.any(-1))))
    mean_value = keras.ops.mean(mha.value_dense(x), axis=1, keepdims=True)  # weight 1/5 on each of the 5 keys
    np.testing.assert_allclose(default[0, 2:], np.broadcast_to(np.asarray(mha.output_dense(mean_value))[0], (3, 3)),
                               atol=1e-6)
    assert EXERCISES["08.2"].answer.right == 1 / x.shape[1]
