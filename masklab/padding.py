"""Padded batches that keep values, mask and lengths together.

Keras layers need rectangular tensors, so variable-length sequences are padded
(or truncated) to a common number of timesteps with
``keras.utils.pad_sequences``. That function returns only the padded values;
which cells are padding is then implicit. :func:`pad_batch` calls
``pad_sequences`` and also records the *mask* (``True`` at real timesteps)
and the *lengths*, computed from the sequences themselves, so they stay right
even when a real value equals the padding value.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import numbers

import numpy as np

from masklab import _validate
from masklab.masks import mask_from_lengths


@dataclasses.dataclass(frozen=True, eq=False)
class PaddedBatch:
    """A padded batch of sequences with its mask and lengths.

    Attributes:
        values: NumPy array of shape ``(batch, maxlen)`` or
            ``(batch, maxlen, *features)``, the output of
            ``keras.utils.pad_sequences``.
        mask: bool array of shape ``(batch, maxlen)``: ``True`` where a
            timestep holds real data, ``False`` where it is padding.
        lengths: int array of shape ``(batch,)``: real timesteps kept in each
            row (after truncation).
        original_lengths: int array of shape ``(batch,)``: timesteps before
            truncation.
        padding: ``"pre"`` or ``"post"``, where the padding went.
        truncating: ``"pre"`` or ``"post"``, where long sequences were cut.
        padding_value: the padding value (``pad_sequences``' ``value``
            argument; an ``int`` for integer dtypes, else a ``float``).
        dropped: tuple of ``batch`` NumPy arrays: the timesteps truncation
            removed from each row (its first ones for ``truncating="pre"``,
            its last ones for ``"post"``), in the dtype of ``values``; empty
            arrays for rows that were not truncated.

    A ``PaddedBatch`` shows itself as a coloured grid in a notebook.
    """

    values: np.ndarray
    mask: np.ndarray
    lengths: np.ndarray
    original_lengths: np.ndarray
    padding: str
    truncating: str
    padding_value: float
    dropped: tuple = ()

    @property
    def maxlen(self) -> int:
        """Number of timesteps per row (``values.shape[1]``)."""
        return int(self.values.shape[1])

    @property
    def truncated(self) -> np.ndarray:
        """bool array ``(batch,)``: rows that lost timesteps to truncation."""
        return self.original_lengths > self.lengths

    @property
    def padding_fraction(self) -> float:
        """Fraction of the ``batch * maxlen`` timesteps that are padding (0..1)."""
        return float(1.0 - self.mask.mean()) if self.mask.size else 0.0

    def __repr__(self) -> str:
        return (
            f"PaddedBatch(shape={self.values.shape}, dtype={self.values.dtype}, padding={self.padding!r}, "
            f"truncating={self.truncating!r}, value={self.padding_value!r}, lengths={self.lengths.tolist()})"
        )

    def _repr_html_(self) -> str:
        from masklab.display import batch_to_html

        return batch_to_html(self)


def _check_sequences(sequences, dtype: np.dtype):
    if (isinstance(sequences, (str, bytes, collections.abc.Mapping, collections.abc.Set))
            or not hasattr(sequences, "__len__") or (isinstance(sequences, np.ndarray) and sequences.ndim == 0)):
        raise TypeError(
            f"sequences must be a list of sequences (lists or arrays), got {_validate.show(sequences)} "
            f"of type {type(sequences).__name__}"
        )
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence, got an empty list")
    arrays = []
    sample_shape = None
    for i, seq in enumerate(sequences):
        if (isinstance(seq, (str, bytes, collections.abc.Mapping, collections.abc.Set))
                or not hasattr(seq, "__len__") or (isinstance(seq, np.ndarray) and seq.ndim == 0)):
            raise TypeError(
                f"sequences[{i}] must be a list or array of timesteps, got {_validate.show(seq)}; "
                "for a single sequence pass [sequence]"
            )
        try:
            arr = np.asarray(seq)
        except ValueError as error:
            raise ValueError(f"sequences[{i}] has timesteps of different shapes: {error}") from error
        if arr.dtype == object and arr.size and all(isinstance(v, numbers.Integral) for v in arr.flat):
            raise OverflowError(
                f"sequences[{i}] holds an integer beyond 64 bits ({_validate.show(max(arr.flat, key=abs))}), "
                f"out of bounds for {dtype}"
            )
        if arr.size and arr.dtype.kind not in "biuf":
            raise TypeError(
                f"sequences[{i}] must hold numbers, got {_validate.show(seq)} (dtype {arr.dtype}); "
                "turn text into token ids first, e.g. with keras.layers.TextVectorization"
            )
        if len(seq) and sample_shape is None:
            sample_shape = arr.shape[1:]
        elif len(seq) and arr.shape[1:] != sample_shape:
            raise ValueError(
                f"sequences[{i}] has timesteps of shape {arr.shape[1:]}, but earlier sequences have "
                f"timesteps of shape {sample_shape}"
            )
        fractional = ~_validate.is_whole(arr) if dtype.kind in "iu" else None
        if fractional is not None and fractional.any():
            raise ValueError(
                f"sequences[{i}] holds non-integer values (for example {arr[fractional].flat[0].item()!r}) "
                f"but dtype is {dtype}; pass dtype='float32' to keep them"
            )
        if arr.size:
            # pad_sequences raises OverflowError for an out-of-range Python int in a list, but silently
            # wraps one given in a NumPy array (300 -> 44 in int8): refuse both, as Keras refuses the first.
            _validate.fits_integer_dtype("sequences", arr, dtype, f"[{i}]")
        arrays.append(arr)
    return arrays


def pad_batch(sequences, maxlen=None, *, padding="pre", truncating="pre", value=0, dtype="int32") -> PaddedBatch:
    """Pad (and truncate) sequences to one length, keeping mask and lengths.

    The values come from ``keras.utils.pad_sequences`` with the same
    arguments and the same defaults (``padding="pre"``, ``truncating="pre"``,
    ``value=0``, ``dtype="int32"``), so what you see here is exactly what Keras
    produces.

    Args:
        sequences: list of ``n`` sequences. Each is a list or array of
            timesteps: scalars (token ids) or equal-shaped arrays (feature
            vectors, e.g. ``(frames, 12)`` for JapaneseVowels). Sequences may
            be empty.
        maxlen: positive int, timesteps per row after padding; ``None`` uses
            the longest sequence.
        padding: ``"pre"`` (pad at the start) or ``"post"`` (pad at the end).
        truncating: ``"pre"`` (drop the first timesteps of long sequences) or
            ``"post"`` (drop the last ones).
        value: real number written into padding cells.
        dtype: NumPy dtype of ``values``; integer dtypes refuse non-integer
            data instead of silently truncating it as ``pad_sequences`` does.

    Returns:
        A :class:`PaddedBatch` with ``values`` of shape ``(n, maxlen, ...)``
        and dtype ``dtype``, ``mask`` bool ``(n, maxlen)``, ``lengths`` int
        ``(n,)``.

    Raises:
        TypeError: ``sequences`` is not a list of sequences (a dict, a
            string, a 0-d array, None), or holds non-numbers; ``value`` is
            not a real number.
        ValueError: ``maxlen`` is not a positive integer, or so large the
            batch would exceed ``masklab._validate.MAX_CELLS`` cells;
            ``padding`` or ``truncating`` is not ``"pre"``/``"post"``;
            timesteps differ in shape; non-integer data or ``value`` with
            an integer ``dtype``.
        OverflowError: an integer (in the data or ``value``) outside the
            range of an integer ``dtype``, as ``pad_sequences`` raises it
            (``300`` in ``"int8"``; ``pad_sequences`` itself wraps values
            given as NumPy arrays, ``pad_batch`` refuses them too).

    Example:

    >>> batch = pad_batch([[3, 1, 4], [1, 5]], padding="post")
    >>> batch.values.tolist(), batch.mask.tolist()
    ([[3, 1, 4], [1, 5, 0]], [[True, True, True], [True, True, False]])
    """
    maxlen = _validate.positive_int("maxlen", maxlen, allow_none=True)
    padding = _validate.side("padding", padding)
    truncating = _validate.side("truncating", truncating)
    value = _validate.real_number("value", value)
    try:
        np_dtype = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"dtype must be a NumPy dtype such as 'int32' or 'float32', got {dtype!r}") from error
    if np_dtype.kind not in "iuf":
        raise TypeError(f"dtype must be an integer or float dtype, got {dtype!r}")
    if np_dtype.kind in "iu" and not (isinstance(value, numbers.Integral) or float(value).is_integer()):
        raise ValueError(f"value must be an integer when dtype is {np_dtype}, got {value!r}")
    if np_dtype.kind in "iu" and not np.iinfo(np_dtype).min <= int(value) <= np.iinfo(np_dtype).max:
        info = np.iinfo(np_dtype)
        raise OverflowError(
            f"value {_validate.show(int(value))} is out of bounds for {np_dtype} [{info.min}, {info.max}]; "
            "use a wider dtype (e.g. 'int64') or another padding value"
        )
    arrays = _check_sequences(sequences, np_dtype)

    from keras.utils import pad_sequences  # imported here: `import masklab` stays light

    original = np.array([len(a) for a in arrays], dtype=np.int64)
    if maxlen is None:
        if original.max() == 0:
            raise ValueError("sequences are all empty, so maxlen cannot be inferred; pass maxlen")
        maxlen = int(original.max())
    sample_shape = next((a.shape[1:] for a in arrays if len(a)), ())
    _validate.cells("maxlen", (len(arrays), maxlen, *sample_shape))
    values = pad_sequences(
        arrays, maxlen=maxlen, dtype=np_dtype, padding=padding, truncating=truncating, value=value
    )
    lengths = np.minimum(original, maxlen)

    mask = mask_from_lengths(lengths, maxlen, padding=padding)
    if isinstance(value, numbers.Integral):
        value = int(value)
    # What truncation removed, so views can show it: "pre" cuts the first timesteps, "post" the last.
    dropped = tuple(
        np.asarray(a[: len(a) - maxlen] if truncating == "pre" else a[maxlen:]).astype(np_dtype, copy=False)
        if len(a) > maxlen else np.zeros((0, *a.shape[1:]), np_dtype)
        for a in arrays
    )
    return PaddedBatch(values, mask, lengths, original, padding, truncating, value, dropped)


def feature_values(batch, feature) -> np.ndarray:
    """The ``(batch, maxlen)`` values of ``batch`` to draw: the values, or one feature of rank-3 values.

    Raises:
        TypeError: ``batch`` is not a ``PaddedBatch``; ``feature`` is not an integer.
        ValueError: ``feature`` is outside ``[0, features)``; values of rank 4 or more.
    """
    if not isinstance(batch, PaddedBatch):
        raise TypeError(f"batch must be a masklab.PaddedBatch (from masklab.pad_batch), got {type(batch).__name__}")
    values = batch.values
    if values.ndim == 2:
        return values
    if values.ndim != 3:
        raise ValueError(
            f"batch values must have shape (batch, maxlen) or (batch, maxlen, features) to be drawn, got shape "
            f"{values.shape}; draw one slice, e.g. pad_batch([s[..., 0] for s in sequences])"
        )
    features = values.shape[2]
    if isinstance(feature, bool) or not isinstance(feature, numbers.Integral):
        raise TypeError(f"feature must be an integer in [0, {features}), got {_validate.show(feature)}")
    if not 0 <= feature < features:
        raise ValueError(f"feature must be in [0, {features}) for values of shape {values.shape}, got {feature}")
    return values[..., int(feature)]
