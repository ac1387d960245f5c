import keras
import numpy as np
import pytest
import tensorflow as tf

from masklab import check_token_ids


@pytest.mark.parametrize(
    "ids",
    [
        [[1, 2, 0]],
        np.array([[0, 4], [3, 1]], dtype="int64"),
        np.array([[0.0, 4.0]], dtype="float32"),  # whole-number floats, as from keras.Input
        tf.constant([[2, 3]]),
        tf.ragged.constant([[1, 2, 3], [4]]),
        [[1, 2, 3], [4]],
        np.array([], dtype="int32"),
    ],
)
def test_valid_ids_return_none(ids):
    assert check_token_ids(ids, 5) is None


def test_out_of_range_names_positions_values_and_input_dim():
    with pytest.raises(ValueError) as info:
        check_token_ids([[5, 3, 1], [1, 2, 3]], 1)
    message = str(info.value)
    assert message.startswith("6 token ids outside [0, 1) for Embedding(input_dim=1): ids[0, 0] = 5, ids[0, 1] = 3, ")
    assert "(and 1 more)" in message
    assert "largest id (5)" in message


def test_negative_id():
    with pytest.raises(ValueError, match=r"1 token id outside \[0, 4\).*ids\[1\] = -1\..*-1 silently selects the last row"):
        check_token_ids([0, -1, 3], 4)


def test_ragged_positions_and_tensor():
    with pytest.raises(ValueError, match=r"ids\[1, 2\] = 7"):
        check_token_ids([[1], [2, 3, 7]], 5)
    with pytest.raises(ValueError, match=r"ids\[1, 0\] = 9"):
        check_token_ids(tf.ragged.constant([[1, 2], [9]]), 5)
    with pytest.raises(ValueError, match=r"ids\[0, 1\] = 6"):
        check_token_ids(tf.constant([[1, 6]]), 5)


def test_mask_zero_explains_vocabulary_plus_one():
    with pytest.raises(ValueError, match=r"mask_zero=True id 0 is reserved.*input_dim = N \+ 1"):
        check_token_ids([[1, 2, 3]], 3, mask_zero=True)


def test_agrees_with_tensorflow_cpu_embedding():
    # Whatever check_token_ids rejects (>= input_dim), TF on CPU also rejects.
    layer = keras.layers.Embedding(3, 2)
    ids = np.array([[0, 3]])
    with pytest.raises(ValueError):
        check_token_ids(ids, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0,1\] = 3 is not in \[0, 3\)"):
        layer(ids)


@pytest.mark.parametrize("input_dim", [0, -2, 2.0, None, True])
def test_bad_input_dim(input_dim):
    with pytest.raises(ValueError, match=rf"input_dim must be a positive integer, got {input_dim!r}"):
        check_token_ids([[1]], input_dim)


def test_non_integer_ids():
    with pytest.raises(TypeError, match=r"ids must hold integer token ids, got the non-integer 1.5 at position \(0, 1\)"):
        check_token_ids([[1, 1.5]], 3)
    with pytest.raises(TypeError, match="ids must hold integer token ids, got dtype <U"):
        check_token_ids([["a", "b"]], 3)
    with pytest.raises(TypeError, match="got the string"):
        check_token_ids("12", 3)
    with pytest.raises(TypeError, match="ids must hold integer token ids, got dtype bool"):
        check_token_ids([True, False], 3)
    with pytest.raises(TypeError, match=r"ids\[1\] must hold integer token ids, got the non-integer nan"):
        check_token_ids([[1], [float("nan"), 2.0]], 3)


from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@settings(max_examples=80, deadline=None)
@given(ids=hnp.arrays(np.int64, hnp.array_shapes(max_dims=3, max_side=5), elements=st.integers(-3, 12)),
       input_dim=st.integers(1, 10))
def test_agrees_with_the_numpy_rule(ids, input_dim):
    bad = (ids < 0) | (ids >= input_dim)  # independent reference: valid ids are 0 <= id < input_dim
    if not bad.any():
        assert check_token_ids(ids, input_dim) is None
        return
    with pytest.raises(ValueError) as info:
        check_token_ids(ids, input_dim)
    count = int(bad.sum())
    assert str(info.value).startswith(f"{count} token id{'s' if count > 1 else ''} outside [0, {input_dim})")
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    assert f"ids[{', '.join(map(str, first))}] = {ids[first]}" in str(info.value)


def test_ids_beyond_64_bits_are_named_exactly():
    import masklab

    with pytest.raises(ValueError, match=r"ids\[0, 1\] = 1180591620717411303424"):
        masklab.check_token_ids([[1, 2**70]], input_dim=5)
    with pytest.raises(ValueError, match=r"2 token ids outside \[0, 5\).*ids\[1, 1\] = -1180591620717411303424"):
        masklab.check_token_ids([[1, 2], [2**70, -2**70]], input_dim=5)


def test_negative_id_message_says_keras_adds_input_dim_once():
    with pytest.raises(ValueError, match=r"adds input_dim to a negative id once.*an id below -4 has no row"):
        check_token_ids([[-5]], 4)


@pytest.mark.parametrize("ids", [list(range(-7, 7)), [[-4, -3], [2, 3]], [[0]]])
def test_lookup_rows_is_keras_rule_on_tensorflow_cpu(ids):
    # Keras 3's take adds input_dim to a negative id once; TensorFlow's CPU gather raises for the rest.
    from masklab.vocab import lookup_rows

    layer = keras.layers.Embedding(3, 2)
    layer.build((None,))
    table = np.asarray(layer.embeddings)
    rows = lookup_rows(ids, 3)
    assert rows.shape == np.shape(ids) and rows.dtype == np.int64
    for value, row in zip(np.ravel(ids).tolist(), rows.ravel().tolist()):
        if row < 0:
            with pytest.raises(tf.errors.InvalidArgumentError):
                layer(np.array([[value]]))
        else:
            np.testing.assert_allclose(np.asarray(layer(np.array([[value]])))[0, 0], table[row])


def test_lookup_rows_odd_inputs():
    from masklab.vocab import lookup_rows

    assert lookup_rows(np.array([[0.0, -1.0]], "float32"), 3).tolist() == [[0, 2]]
    assert lookup_rows(np.array([7, 1], "uint8"), 3).tolist() == [-1, 1]
    assert lookup_rows(np.array([2**64 - 1, 2], "uint64"), 3).tolist() == [-1, 2]
    assert lookup_rows([[2**70, -(2**70), 1]], 3).tolist() == [[-1, -1, 1]]
    assert lookup_rows(tf.constant([[5, -3]]), 3).tolist() == [[-1, 0]]
    assert lookup_rows([], 3).tolist() == []
    with pytest.raises(ValueError, match="rectangular"):
        lookup_rows([[1], [2, 3]], 3)
    with pytest.raises(ValueError, match="rectangular"):
        lookup_rows(tf.ragged.constant([[1], [2, 3]]), 3)
    with pytest.raises(TypeError, match="non-integer 1.5"):
        lookup_rows([[1.5]], 3)
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        lookup_rows([1], 0)
