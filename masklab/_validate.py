"""Argument checks shared by masklab's public functions.

Every check raises ``TypeError`` or ``ValueError`` with a message that names
the argument, the value received and what was expected, so a learner never
meets a deep traceback from inside Keras or NumPy for a simple slip.
"""

from __future__ import annotations

import collections.abc
import numbers

import numpy as np

SIDES = ("pre", "post")
# The most cells (batch x timesteps x features) a helper builds. Far above any lesson (JapaneseVowels
# padded to 60 frames is 640 x 60 x 12 = 460,800 cells), far below what fits in memory: a typo such
# as maxlen=2**40 gets a clear ValueError instead of a MemoryError or an 8 TiB allocation.
MAX_CELLS = 2**28


def show(value, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters; never raises and never builds a huge string.

    >>> show("x" * 10_000_000)[:12], len(show("x" * 10_000_000))
    ("'xxxxxxxxxxx", 60)
    >>> show(10**5000)
    'an int of about 5001 digits'
    """
    if isinstance(value, (str, bytes)) and len(value) > limit:
        value = value[:limit]
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)) >= 10**limit:
        return f"an int of about {int(abs(int(value)).bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real message
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show_array(array: np.ndarray, limit: int = 60) -> str:
    """A short text of an array's values (NumPy's summary with ``...`` for big arrays), cut to ``limit``.

    Never builds the text of a huge array: NumPy summarises beyond a few items.

    >>> show_array(np.arange(10**6))
    '[ 0 1 2 ... 999997 999998 999999]'
    >>> show_array(np.array([["a", "b"]]))
    "[['a' 'b']]"
    """
    try:
        text = np.array2string(np.asarray(array), threshold=12, edgeitems=3, max_line_width=10**6)
    except Exception:  # noqa: BLE001 - an object array whose items fail to print
        return f"an array of shape {np.shape(array)}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def first_line(text: str, limit: int = 200) -> str:
    """The first line of an error message, cut to ``limit`` characters (for a learner's own errors)."""
    lines = str(text)[: limit * 4].strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def cells(name: str, shape) -> None:
    """Refuse to build an array of ``shape`` with more than :data:`MAX_CELLS` cells (a ValueError naming ``name``)."""
    total = 1
    for n in shape:
        total *= int(n)
    if total > MAX_CELLS:
        raise ValueError(
            f"{name} would make an array of shape {tuple(int(n) for n in shape)} ({total:.3g} cells); "
            f"masklab refuses more than {MAX_CELLS:,} cells: check {name}"
        )


def positive_int(name: str, value, *, allow_none: bool = False):
    """Return ``value`` as an int if it is a positive integer (bools rejected)."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or value <= 0:
        expected = "a positive integer or None" if allow_none else "a positive integer"
        raise ValueError(f"{name} must be {expected}, got {show(value)}")
    return int(value)


def side(name: str, value) -> str:
    """Check a padding/truncating side: ``"pre"`` or ``"post"``."""
    if not isinstance(value, str) or value not in SIDES:
        raise ValueError(f"{name} must be 'pre' or 'post', got {show(value)}")
    return value


def real_number(name: str, value) -> float:
    """Check that ``value`` is a real number (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {show(value)} of type {type(value).__name__}")
    return value


def to_numpy(name: str, value) -> np.ndarray:
    """Convert arrays, nested lists and tensors (anything with ``.numpy()``) to NumPy.

    Raises:
        TypeError: a string, None, a dict, a set, a generator, a symbolic
            ``KerasTensor`` or another object that is not an array; values
            that are not numbers.
        ValueError: ragged nested lists (the message says to pad them).
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array, a nested list or a tensor, got the string {show(value)}")
    if value is None or isinstance(value, (collections.abc.Mapping, collections.abc.Set, collections.abc.Iterator)):
        raise TypeError(
            f"{name} must be an array, a nested list or a tensor, got {show(value)} of type {type(value).__name__}"
        )
    if type(value).__name__ == "KerasTensor":  # from keras.Input: a shape and a dtype, no values
        raise TypeError(
            f"{name} must hold concrete values, got a symbolic KerasTensor of shape {tuple(value.shape)}; "
            "call the layer or model on real data (a NumPy array) instead"
        )
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        try:
            value = value.numpy()
        except Exception as error:  # a symbolic KerasTensor has no values
            raise TypeError(
                f"{name} must hold concrete values, got a symbolic {type(value).__name__}; "
                "call the layer or model on real data (a NumPy array) instead"
            ) from error
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        if _ragged(value):
            raise ValueError(
                f"{name} must be a rectangular array, got the ragged {show(value)}; "
                "ragged lists must be padded first (masklab.pad_batch)"
            ) from error
        raise TypeError(f"{name} must be an array of numbers, got {show(value)}") from error
    if array.dtype == object:
        if _ragged(value):
            raise ValueError(
                f"{name} must be a rectangular array of numbers, got the ragged {show(value)}; "
                "ragged lists must be padded first (masklab.pad_batch)"
            )
        raise TypeError(
            f"{name} must hold numbers (integers within int64/uint64, floats or booleans), got {show(value)}"
        )
    return array


def _ragged(value) -> bool:
    """True for nested lists/tuples whose rows differ in length (at any depth)."""
    if not isinstance(value, (list, tuple)):
        return False
    sized = [v for v in value if isinstance(v, (list, tuple, np.ndarray))]
    if sized and len(sized) != len(value):
        return True
    if len({np.shape(v) if isinstance(v, np.ndarray) else len(v) for v in sized}) > 1:
        return True
    return any(_ragged(v) for v in sized)


def numeric(name: str, array: np.ndarray, *, allow_bool: bool = False) -> np.ndarray:
    """Require a numeric dtype (integers or floats; booleans only if allowed).

    Raises:
        TypeError: naming ``name``, the dtype, the values and what was expected, e.g.
            ``x must hold numbers, got dtype <U1: [['a']] (expected integers, floats or booleans)``.
    """
    kinds = "biuf" if allow_bool else "iuf"
    if array.dtype.kind not in kinds:
        expected = "integers, floats or booleans" if allow_bool else "integers or floats"
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}: {show_array(array)} (expected {expected})")
    return array


def is_whole(array: np.ndarray) -> np.ndarray:
    """bool array: True where a value is a finite whole number (always True for integer and bool dtypes)."""
    if array.dtype.kind != "f":
        return np.ones(array.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.isfinite(array) & (np.mod(array, 1) == 0)


def fits_integer_dtype(name: str, array: np.ndarray, dtype, where: str = "") -> None:
    """Raise ``OverflowError`` (as NumPy and ``keras.utils.pad_sequences`` do) if a value of ``array`` is
    outside the range of the integer ``dtype``, naming the argument, the value and the range."""
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu" or not array.size or array.dtype.kind not in "iuf":
        return
    info = np.iinfo(dtype)
    low, high = array.min(), array.max()
    bad = low if low < info.min else high if high > info.max else None
    if bad is not None:
        shown = bad.item() if hasattr(bad, "item") else bad
        if isinstance(shown, float) and shown.is_integer():
            shown = int(shown)
        raise OverflowError(
            f"{name}{where} holds {shown!r}, out of bounds for {dtype} [{info.min}, {info.max}]"
            f"; use a wider dtype (e.g. 'int64') or fix the value"
        )


def bool_mask(name: str, value) -> np.ndarray:
    """Return a boolean-like mask (booleans, or numbers that are all 0/1) as a bool array.

    Raises:
        TypeError: anything else, naming the argument and the values found.
    """
    array = to_numpy(name, value)
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind not in "iuf" or (array.size and not np.isin(array, (0, 1)).all()):
        shown = (np.unique(array)[:6].tolist() if array.dtype.kind in "iuf"
                 else f"dtype {array.dtype}: {show_array(array)}")
        raise TypeError(f"{name} must be boolean-like (booleans or 0/1), got {shown}")
    return array.astype(bool)


def rank(name: str, array: np.ndarray, expected, shape_hint: str) -> np.ndarray:
    """Require ``array.ndim`` in ``expected`` (an int or a tuple of ints).

    Raises:
        ValueError: naming ``name``, the expected shape, the shape and the values, e.g.
            ``lengths must have shape (batch,), got shape (1, 2) (rank 2): [[1 2]]``.
    """
    expected = (expected,) if isinstance(expected, int) else tuple(expected)
    if array.ndim not in expected:
        raise ValueError(
            f"{name} must have shape {shape_hint}, got shape {array.shape} (rank {array.ndim}): {show_array(array)}"
        )
    return array
