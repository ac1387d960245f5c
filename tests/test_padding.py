import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masklab import PaddedBatch, pad_batch


def reference_pad(seqs, maxlen, padding, truncating, value):
    """Plain-Python padding, independent of Keras."""
    rows, masks = [], []
    for s in seqs:
        s = list(s)
        kept = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        kept = kept if maxlen else []
        pad = [value] * (maxlen - len(kept))
        rows.append(pad + kept if padding == "pre" else kept + pad)
        flags = [False] * len(pad)
        masks.append(flags + [True] * len(kept) if padding == "pre" else [True] * len(kept) + flags)
    return np.array(rows), np.array(masks)


def test_post_padding_values_mask_lengths():
    b = pad_batch([[3, 1, 4], [1, 5]], padding="post")
    assert b.values.tolist() == [[3, 1, 4], [1, 5, 0]]
    assert b.mask.tolist() == [[True, True, True], [True, True, False]]
    assert b.lengths.tolist() == [3, 2]
    assert b.values.dtype == np.int32


def test_defaults_match_keras_pre_padding_and_truncation():
    b = pad_batch([[1, 2, 3, 4], [5]], maxlen=2)
    assert b.values.tolist() == [[3, 4], [0, 5]]
    assert b.mask.tolist() == [[True, True], [False, True]]
    assert b.truncated.tolist() == [True, False]
    assert b.original_lengths.tolist() == [4, 1]


def test_post_truncation_keeps_the_start():
    b = pad_batch([[1, 2, 3, 4]], maxlen=2, truncating="post")
    assert b.values.tolist() == [[1, 2]]


def test_mask_ignores_real_values_equal_to_padding_value():
    # A real 0 inside the data stays unmasked: the mask comes from lengths.
    b = pad_batch([[0, 7], [4]], padding="post")
    assert b.values.tolist() == [[0, 7], [4, 0]]
    assert b.mask.tolist() == [[True, True], [True, False]]


def test_feature_vectors_and_value():
    seqs = [np.ones((3, 2), "float32"), np.full((1, 2), 2.0, "float32")]
    b = pad_batch(seqs, padding="post", value=-1.0, dtype="float32")
    assert b.values.shape == (2, 3, 2)
    assert b.values[1].tolist() == [[2.0, 2.0], [-1.0, -1.0], [-1.0, -1.0]]
    assert b.mask.tolist() == [[True] * 3, [True, False, False]]


def test_empty_sequence_row_is_all_padding():
    b = pad_batch([[1, 2], []])
    assert b.values.tolist() == [[1, 2], [0, 0]]
    assert b.mask[1].tolist() == [False, False]
    assert b.lengths.tolist() == [2, 0]


def test_padding_fraction_and_repr():
    b = pad_batch([[1, 2, 3], [1]], padding="post")
    assert b.padding_fraction == pytest.approx(2 / 6)
    assert "lengths=[3, 1]" in repr(b)
    assert 'data-pad="1"' in b._repr_html_()


@settings(max_examples=60, deadline=None)
@given(
    seqs=st.lists(st.lists(st.integers(1, 99), max_size=8), min_size=1, max_size=6).filter(
        lambda s: any(len(x) for x in s)
    ),
    maxlen=st.one_of(st.none(), st.integers(1, 10)),
    padding=st.sampled_from(["pre", "post"]),
    truncating=st.sampled_from(["pre", "post"]),
    value=st.integers(-3, 3),
)
def test_matches_plain_python_reference(seqs, maxlen, padding, truncating, value):
    b = pad_batch(seqs, maxlen, padding=padding, truncating=truncating, value=value)
    n = maxlen if maxlen is not None else max(len(s) for s in seqs)
    values, mask = reference_pad(seqs, n, padding, truncating, value)
    assert isinstance(b, PaddedBatch)
    np.testing.assert_array_equal(b.values, values)
    np.testing.assert_array_equal(b.mask, mask)
    assert b.lengths.tolist() == mask.sum(axis=1).tolist()


@pytest.mark.parametrize("maxlen", [0, -3, 2.5, "4", True])
def test_bad_maxlen(maxlen):
    with pytest.raises(ValueError, match=rf"maxlen must be a positive integer or None, got {maxlen!r}"):
        pad_batch([[1, 2]], maxlen)


@pytest.mark.parametrize("arg", ["padding", "truncating"])
def test_bad_side(arg):
    with pytest.raises(ValueError, match=rf"{arg} must be 'pre' or 'post', got 'left'"):
        pad_batch([[1, 2]], **{arg: "left"})


def test_bad_sequences():
    with pytest.raises(TypeError, match="sequences must be a list of sequences"):
        pad_batch(5)
    with pytest.raises(TypeError, match="sequences must be a list of sequences"):
        pad_batch("hello")
    with pytest.raises(ValueError, match="at least one sequence"):
        pad_batch([])
    with pytest.raises(TypeError, match=r"sequences\[1\] must be a list or array of timesteps, got 3"):
        pad_batch([[1], 3])
    with pytest.raises(TypeError, match=r"sequences\[0\] must hold numbers.*TextVectorization"):
        pad_batch([["a", "b"]])
    with pytest.raises(ValueError, match=r"sequences\[1\] has timesteps of shape \(3,\)"):
        pad_batch([np.zeros((2, 2)), np.zeros((2, 3))], dtype="float32")
    with pytest.raises(ValueError, match="all empty"):
        pad_batch([[], []])


def test_non_integer_data_with_integer_dtype_is_refused():
    # keras.utils.pad_sequences would silently turn 1.5 into 1.
    with pytest.raises(ValueError, match=r"sequences\[0\] holds non-integer values \(for example 1.5\).*float32"):
        pad_batch([[1.5, 2.0]])
    assert pad_batch([[1.5, 2.0]], dtype="float32").values.tolist() == [[1.5, 2.0]]


def test_bad_value_and_dtype():
    with pytest.raises(TypeError, match="value must be a real number, got 'x'"):
        pad_batch([[1]], value="x")
    with pytest.raises(ValueError, match="value must be an integer when dtype is int32, got 0.5"):
        pad_batch([[1]], value=0.5)
    with pytest.raises(TypeError, match="dtype must be an integer or float dtype, got 'bool'"):
        pad_batch([[1]], dtype="bool")
    with pytest.raises(TypeError, match="dtype must be a NumPy dtype"):
        pad_batch([[1]], dtype="no-such-dtype")


@pytest.mark.parametrize(
    "seqs, dtype, shown",
    [([[300, 1]], "int8", "300"), ([[2**31, 1]], "int32", "2147483648"), ([[-1, 1]], "uint8", "-1"),
     ([[1e10, 1]], "int32", "10000000000")],
)
def test_out_of_range_integers_raise_overflow_error_like_pad_sequences(seqs, dtype, shown):
    from keras.utils import pad_sequences

    with pytest.raises(OverflowError):
        pad_sequences(seqs, dtype=dtype)
    with pytest.raises(OverflowError, match=rf"sequences\[0\] holds {shown}, out of bounds for {dtype}"):
        pad_batch(seqs, dtype=dtype)
    # pad_sequences wraps the same numbers silently when they come as NumPy arrays; pad_batch does not.
    with pytest.raises(OverflowError, match=rf"holds {shown}"):
        pad_batch([np.asarray(s) for s in seqs], dtype=dtype)


def test_huge_maxlen_and_value_get_named_errors():
    with pytest.raises(ValueError, match=r"maxlen would make an array of shape \(1, 1099511627776\)"):
        pad_batch([[1]], maxlen=2**40)
    with pytest.raises(OverflowError, match=r"value 1099511627776 is out of bounds for int32"):
        pad_batch([[1]], value=2**40)
    with pytest.raises(OverflowError, match=r"value an int of about 401 digits is out of bounds"):
        pad_batch([[1]], value=10**400)
    with pytest.raises(OverflowError, match=r"sequences\[0\] holds an integer beyond 64 bits"):
        pad_batch([[2**64]])
    assert pad_batch([[1]], maxlen=3, value=2**40, dtype="int64").values.tolist() == [[2**40, 2**40, 1]]


@pytest.mark.parametrize("bad, kind", [({1: [1]}, "dict"), (np.array(5), "ndarray"), (None, "NoneType"),
                                       ({(1,), (2,)}, "set"), ((s for s in [[1]]), "generator")])
def test_containers_that_are_not_lists_of_sequences(bad, kind):
    with pytest.raises(TypeError, match=rf"sequences must be a list of sequences \(lists or arrays\), got .* of type {kind}"):
        pad_batch(bad)


def test_padding_value_keeps_keras_name_in_the_repr():
    b = pad_batch([[1]], maxlen=2, value=-1)
    assert b.padding_value == -1 and "value=-1" in repr(b)
    assert not hasattr(b, "value")  # no lesson used it: renamed, no alias
