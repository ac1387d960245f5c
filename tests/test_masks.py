import keras
import numpy as np
import pytest

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
