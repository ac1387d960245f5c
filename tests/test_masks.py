import re

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from masklab import (
    attach_mask,
    attention_mask,
    check_cudnn_mask,
    get_mask,
    mask_from_lengths,
    mask_from_values,
)


def test_get_mask_reads_embedding_mask():
    out = keras.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0, 3, 0]]))
    mask = get_mask(out)
    assert isinstance(mask, np.ndarray) and mask.dtype == bool
    assert mask.tolist() == [[True, False, True, False]]


def test_get_mask_none_without_mask():
    assert get_mask(keras.layers.Embedding(5, 2)(np.array([[1, 0]]))) is None
    assert get_mask(np.zeros((1, 2))) is None


def test_get_mask_reads_masking_layer():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 1.0]]], "float32")
    assert get_mask(keras.layers.Masking(0.0)(x)).tolist() == [[True, False, True]]


def test_get_mask_rejects_symbolic_tensor_and_non_tensors():
    with pytest.raises(TypeError, match=r"^tensor must hold values, got a symbolic KerasTensor of shape \(None, 3\)"):
        get_mask(keras.Input((3,)))
    # A list (a layer with several outputs) used to give None silently, though each output has a mask.
    first, second = _split_with_mask(np.ones((1, 4, 1), "float32"), [[1, 1, 1, 0]])
    with pytest.raises(TypeError, match="of type list; for a layer with 2 outputs call get_mask on each"):
        get_mask([first, second])
    assert get_mask(second).tolist() == [[True, False]]


def _split_with_mask(x, mask):
    from masklab.layers import TemporalSplit

    return TemporalSplit()(attach_mask(x, mask))


def test_mask_from_lengths_post_and_pre():
    assert mask_from_lengths([2, 0, 3], 3).astype(int).tolist() == [[1, 1, 0], [0, 0, 0], [1, 1, 1]]
    assert mask_from_lengths([3, 1], 4, padding="pre").astype(int).tolist() == [[0, 1, 1, 1], [0, 0, 0, 1]]
    assert mask_from_lengths(np.array([2, 1])).shape == (2, 2)


def test_mask_from_lengths_matches_keras_masking_on_padded_data():
    lengths = [4, 2, 1]
    seqs = [np.ones((n, 3), "float32") for n in lengths]
    for padding in ("pre", "post"):
        x = keras.utils.pad_sequences(seqs, padding=padding, dtype="float32")
        expected = get_mask(keras.layers.Masking(0.0)(x))
        np.testing.assert_array_equal(mask_from_lengths(lengths, 4, padding=padding), expected)


def test_mask_from_lengths_bad_inputs():
    with pytest.raises(ValueError, match=r"lengths must have shape \(batch,\), got shape \(1, 2\)"):
        mask_from_lengths([[1, 2]])
    with pytest.raises(ValueError, match="lengths must be non-negative, got -1"):
        mask_from_lengths([2, -1])
    with pytest.raises(TypeError, match="lengths must hold integers"):
        mask_from_lengths([1.5, 2])
    with pytest.raises(ValueError, match="lengths must not exceed maxlen=2, got a length of 3"):
        mask_from_lengths([3], 2)
    with pytest.raises(ValueError, match="maxlen must be a positive integer, got 0"):
        mask_from_lengths([0], 0)
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post', got 'both'"):
        mask_from_lengths([1], 2, padding="both")
    with pytest.raises(TypeError, match="lengths must be an array"):
        mask_from_lengths("12")


def test_mask_from_values_all_features_rule_matches_keras():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(4, 6, 2)).astype("float32")
    expected = get_mask(keras.layers.Masking(0.0)(x))
    np.testing.assert_array_equal(mask_from_values(x), expected)
    # One zero feature is not enough to mask a step.
    assert mask_from_values([[[0.0, 1.0], [0.0, 0.0]]]).tolist() == [[True, False]]
    assert mask_from_values([[[-1.0, -1.0], [0.0, 0.0]]], -1.0).tolist() == [[False, True]]


def test_mask_from_values_bad_inputs():
    with pytest.raises(ValueError, match=r"x must have shape \(batch, timesteps, features\), got shape \(1, 2\).*ids != 0"):
        mask_from_values([[1, 0]])
    with pytest.raises(TypeError, match="x must hold numbers, got dtype <U1"):
        mask_from_values([[["a"]]])
    with pytest.raises(TypeError, match="mask_value must be a real number"):
        mask_from_values([[[1.0]]], mask_value="0")
    with pytest.raises(ValueError, match="ragged lists must be padded first"):
        mask_from_values([[[1.0]], [[1.0], [2.0]]])


def test_attach_mask_round_trip_and_loss_uses_it():
    values = np.array([[[1.0, 1.0], [5.0, 5.0], [1.0, 1.0]]], "float32")   # the masked step is the big one
    x = attach_mask(values, [[1, 0, 1]])
    assert get_mask(x).tolist() == [[True, False, True]]
    np.testing.assert_array_equal(np.asarray(x), values)
    y_true = np.zeros((1, 3, 2), "float32")
    assert float(keras.losses.MeanSquaredError()(y_true, values)) == pytest.approx(9.0)   # (1 + 25 + 1) / 3
    assert float(keras.losses.MeanSquaredError()(y_true, x)) == pytest.approx(1.0)        # (1 + 1) / 2


def test_attach_mask_bad_inputs():
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, timesteps\) = \(1, 3\) to match x, got shape \(1, 2\)"):
        attach_mask(np.ones((1, 3, 2)), [[True, False]])
    with pytest.raises(TypeError, match="mask must be boolean-like"):
        attach_mask(np.ones((1, 2, 2)), [[0.5, 1.0]])


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(0, 12), min_size=1, max_size=8), extra=st.integers(0, 3),
       padding=st.sampled_from(["pre", "post"]))
def test_mask_from_lengths_rows_sum_to_lengths_and_are_contiguous(lengths, extra, padding):
    maxlen = max(max(lengths), 1) + extra
    mask = mask_from_lengths(lengths, maxlen, padding=padding)
    assert mask.shape == (len(lengths), maxlen)
    assert mask.sum(axis=1).tolist() == lengths
    for row, n in zip(mask.tolist(), lengths):  # independent rule: True exactly at the real steps
        expected = [True] * n + [False] * (maxlen - n)
        assert row == (expected if padding == "post" else expected[::-1])


@pytest.mark.parametrize("lengths", [[2**63], [2**40], np.array([2**63], dtype="uint64"), [1e300]])
def test_mask_from_lengths_refuses_huge_lengths_instead_of_wrapping(lengths):
    with pytest.raises(ValueError, match="lengths would make an array of shape"):
        mask_from_lengths(lengths)
    with pytest.raises(ValueError, match="lengths must not exceed maxlen=4"):
        mask_from_lengths(lengths, 4)


@pytest.mark.parametrize("bad, says", [(None, "got None of type NoneType"), ({"a": 1}, "of type dict"),
                                       ((i for i in range(2)), "of type generator")])
def test_not_arrays_are_not_called_ragged(bad, says):
    with pytest.raises(TypeError, match=says) as info:
        mask_from_values(bad)
    assert "ragged" not in str(info.value)


@pytest.mark.parametrize("mask, shape", [(True, r"\(\)"), ([True, False], r"\(2,\)"), ([[[True], [False], [True]]], r"\(1, 3, 1\)")])
def test_attach_mask_refuses_masks_of_other_ranks(mask, shape):
    with pytest.raises(ValueError, match=rf"mask must have shape \(batch, timesteps\) = \(1, 3\) to match x, got shape {shape}"):
        attach_mask(np.ones((1, 3, 2)), mask)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, timesteps, ...\), got shape \(3,\)"):
        attach_mask(np.ones(3), [True, False, True])


# Every error of a public function names the argument at fault, shows the value and says what was
# expected. Each message is pinned from its start, so an error that names another argument (the review
# found attach_mask's x reported under another name) fails here.
BAD_CALLS = {
    "attach_mask x string": (lambda: attach_mask("abc", [[1]]), TypeError,
                             "x must be an array, a nested list or a tensor, got the string 'abc'"),
    "attach_mask x None": (lambda: attach_mask(None, [[1]]), TypeError,
                           "x must be an array, a nested list or a tensor, got None of type NoneType"),
    "attach_mask x rank 1": (lambda: attach_mask(np.ones(3), [1, 0, 1]), ValueError,
                             "x must have shape (batch, timesteps, ...), got shape (3,) (rank 1): [1. 1. 1.]"),
    "attach_mask x strings": (lambda: attach_mask([["a", "b"]], [[1, 0]]), TypeError,
                              "x must hold numbers, got dtype <U1: [['a' 'b']] (expected integers, floats or booleans)"),
    "attach_mask x symbolic": (lambda: attach_mask(keras.Input((3, 2)), [[1, 1, 1]]), TypeError,
                               "x must hold concrete values, got a symbolic KerasTensor of shape (None, 3, 2)"),
    "attach_mask x ragged": (lambda: attach_mask([[1.0], [1.0, 2.0]], [[1]]), ValueError,
                             "x must be a rectangular array, got the ragged [[1.0], [1.0, 2.0]]"),
    "attach_mask mask string": (lambda: attach_mask(np.ones((1, 2)), "ab"), TypeError,
                                "mask must be an array, a nested list or a tensor, got the string 'ab'"),
    "attach_mask mask 0.5": (lambda: attach_mask(np.ones((1, 2)), [[0.5, 1.0]]), TypeError,
                             "mask must be boolean-like (booleans or 0/1), got [0.5, 1.0]"),
    "attach_mask mask strings": (lambda: attach_mask(np.ones((1, 2)), [["y", "n"]]), TypeError,
                                 "mask must be boolean-like (booleans or 0/1), got dtype <U1: [['y' 'n']]"),
    "attach_mask mask shape": (lambda: attach_mask(np.ones((1, 3, 2)), [[1, 0]]), ValueError,
                               ("mask must have shape (batch, timesteps) = (1, 3) to match x, got shape (1, 2): "
                                "[[ True False]]")),
    "get_mask string": (lambda: get_mask("abc"), TypeError,
                        "tensor must be a tensor (a layer's output) or a NumPy array, got 'abc' of type str"),
    "get_mask None": (lambda: get_mask(None), TypeError,
                      "tensor must be a tensor (a layer's output) or a NumPy array, got None of type NoneType"),
    "get_mask symbolic": (lambda: get_mask(keras.Input((4, 2))), TypeError,
                          "tensor must hold values, got a symbolic KerasTensor of shape (None, 4, 2) and dtype float32"),
    "mask_from_lengths lengths None": (lambda: mask_from_lengths(None), TypeError,
                                       "lengths must be an array, a nested list or a tensor, got None of type NoneType"),
    "mask_from_lengths lengths rank 2": (lambda: mask_from_lengths([[1, 2]]), ValueError,
                                         "lengths must have shape (batch,), got shape (1, 2) (rank 2): [[1 2]]"),
    "mask_from_lengths lengths 1.5": (lambda: mask_from_lengths([1.5, 2]), TypeError,
                                      "lengths must hold integers, got dtype float64: [1.5 2. ]"),
    "mask_from_lengths lengths negative": (lambda: mask_from_lengths([2, -1]), ValueError,
                                           "lengths must be non-negative, got -1 in [ 2 -1]"),
    "mask_from_lengths lengths > maxlen": (lambda: mask_from_lengths([3], 2), ValueError,
                                           "lengths must not exceed maxlen=2, got a length of 3"),
    "mask_from_lengths maxlen string": (lambda: mask_from_lengths([1], "3"), ValueError,
                                        "maxlen must be a positive integer, got '3'"),
    "mask_from_lengths maxlen bool": (lambda: mask_from_lengths([1], True), ValueError,
                                      "maxlen must be a positive integer, got True"),
    "mask_from_lengths padding": (lambda: mask_from_lengths([1], 2, padding="both"), ValueError,
                                  "padding must be 'pre' or 'post', got 'both'"),
    "mask_from_values x rank 2": (lambda: mask_from_values([[1, 0]]), ValueError,
                                  ("x must have shape (batch, timesteps, features), got shape (1, 2) (rank 2): "
                                   "[[1 0]]; for token ids of shape (batch, timesteps) the "
                                   "Embedding(mask_zero=True) rule is ids != 0")),
    "mask_from_values x strings": (lambda: mask_from_values([[["a"]]]), TypeError,
                                   "x must hold numbers, got dtype <U1: [[['a']]]"),
    "mask_from_values mask_value None": (lambda: mask_from_values([[[1.0]]], None), TypeError,
                                         "mask_value must be a real number, got None of type NoneType"),
    "mask_from_values mask_value bool": (lambda: mask_from_values([[[1.0]]], True), TypeError,
                                         "mask_value must be a real number, got True of type bool"),
    "attention_mask query_mask string": (lambda: attention_mask("ab"), TypeError,
                                         "query_mask must be an array, a nested list or a tensor, got the string 'ab'"),
    "attention_mask query_mask rank 1": (lambda: attention_mask([1, 0]), ValueError,
                                         "query_mask must have shape (batch, T_q), got shape (2,) (rank 1): [ True False]"),
    "attention_mask query_mask 0.5": (lambda: attention_mask([[0.5, 0]]), TypeError,
                                      "query_mask must be boolean-like (booleans or 0/1), got [0.0, 0.5]"),
    "attention_mask key_mask dict": (lambda: attention_mask([[1, 0]], {"a": 1}), TypeError,
                                     "key_mask must be an array, a nested list or a tensor, got {'a': 1} of type dict"),
    "attention_mask key_mask rank 1": (lambda: attention_mask([[1, 0]], [1, 0]), ValueError,
                                       "key_mask must have shape (batch, T_k), got shape (2,) (rank 1): [ True False]"),
    "attention_mask key_mask batch": (lambda: attention_mask([[1, 0]], [[1, 0], [1, 1]]), ValueError,
                                      ("key_mask must have the batch size of query_mask (1), got shape (2, 2): "
                                       "[[ True False] [ True True]]")),
    "attention_mask causal": (lambda: attention_mask([[1, 0]], causal=1), TypeError,
                              "causal must be True or False, got 1 of type int"),
    "attention_mask huge self-attention": (lambda: attention_mask(np.ones((1, 2**15), bool)), ValueError,
                                           "query_mask would make an array of shape (1, 32768, 32768)"),
    "attention_mask huge": (lambda: attention_mask(np.ones((1, 2**15), bool), np.ones((1, 2**15), bool)), ValueError,
                            "query_mask and key_mask would make an array of shape (1, 32768, 32768)"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_errors_name_the_argument_the_value_and_what_was_expected(case):
    call, error, message = BAD_CALLS[case]
    with pytest.raises(error, match="^" + re.escape(message)) as info:
        call()
    if case == "attention_mask huge self-attention":   # key_mask was not given: the message must not blame it
        assert "key_mask" not in str(info.value)


# --- check_cudnn_mask against Keras' own cuDNN mask check (run eagerly on the CPU) ------------------

def _keras_accepts_for_cudnn(mask):
    import importlib

    import tensorflow as tf

    tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")  # the module, not its rnn()

    try:
        tf_rnn._assert_valid_mask(tf.constant(mask))
    except tf.errors.InvalidArgumentError:
        return False
    return True


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(bool, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6)))
def test_check_cudnn_mask_agrees_with_keras(mask):
    assert bool(check_cudnn_mask(mask)) == _keras_accepts_for_cudnn(mask)


def test_check_cudnn_mask_names_the_rows_and_the_fix():
    check = check_cudnn_mask([[True, True, False], [False, True, True], [False, False, False],
                                      [True, False, True]])
    assert (check.ok, check.fully_masked, check.not_right_padded) == (False, (2,), (1, 3))
    assert "rows [2] are fully masked" in str(check) and "use_cudnn=False" in str(check)
    assert check_cudnn_mask(mask_from_lengths([3, 1], 4)).ok
    assert not check_cudnn_mask(mask_from_lengths([3, 1], 4, padding="pre")).ok


def test_check_cudnn_mask_refuses_a_rank_3_mask():
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, timesteps\), got shape \(1, 2, 1\)"):
        check_cudnn_mask(np.ones((1, 2, 1), bool))
