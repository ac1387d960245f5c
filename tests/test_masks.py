import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masklab import get_mask, mask_from_lengths, mask_from_values


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


def test_get_mask_rejects_symbolic_tensor():
    with pytest.raises(TypeError, match="symbolic KerasTensor"):
        get_mask(keras.Input((3,)))


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
    from masklab import attach_mask

    x = attach_mask(np.ones((1, 3, 2), "float32"), [[1, 0, 1]])
    assert get_mask(x).tolist() == [[True, False, True]]
    y_true = np.zeros((1, 3, 2), "float32")
    assert float(keras.losses.MeanSquaredError()(y_true, x)) == pytest.approx(1.0)


def test_attach_mask_bad_inputs():
    from masklab import attach_mask

    with pytest.raises(ValueError, match=r"mask must have shape \(batch, timesteps\) = \(1, 3\) to match x, got \(1, 2\)"):
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
    from masklab import attach_mask

    with pytest.raises(ValueError, match=rf"mask must have shape \(batch, timesteps\) = \(1, 3\) to match x, got {shape}"):
        attach_mask(np.ones((1, 3, 2)), mask)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, timesteps, ...\), got shape \(3,\)"):
        attach_mask(np.ones(3), [True, False, True])
