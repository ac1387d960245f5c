"""Argument checks shared by masklab's public functions.

Every check raises ``TypeError`` or ``ValueError`` with a message that names
the argument, the value received and what was expected, so a learner never
meets a deep traceback from inside Keras or NumPy for a simple slip.
"""

from __future__ import annotations

import numbers

import numpy as np

SIDES = ("pre", "post")


def _show(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def positive_int(name: str, value, *, allow_none: bool = False):
    """Return ``value`` as an int if it is a positive integer (bools rejected)."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or value <= 0:
        expected = "a positive integer or None" if allow_none else "a positive integer"
        raise ValueError(f"{name} must be {expected}, got {_show(value)}")
    return int(value)


def side(name: str, value) -> str:
    """Check a padding/truncating side: ``"pre"`` or ``"post"``."""
    if not isinstance(value, str) or value not in SIDES:
        raise ValueError(f"{name} must be 'pre' or 'post', got {_show(value)}")
    return value


def real_number(name: str, value) -> float:
    """Check that ``value`` is a real number (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_show(value)} of type {type(value).__name__}")
    return value


def to_numpy(name: str, value) -> np.ndarray:
    """Convert arrays, nested lists and tensors (anything with ``.numpy()``) to NumPy."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array, a nested list or a tensor, got the string {_show(value)}")
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
        raise ValueError(
            f"{name} must be a rectangular array, got the ragged {_show(value)}; "
            "ragged lists must be padded first (masklab.pad_batch)"
        ) from error
    if array.dtype == object:
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got {_show(value)}; "
            "ragged lists must be padded first (masklab.pad_batch)"
        )
    return array


def numeric(name: str, array: np.ndarray, *, allow_bool: bool = False) -> np.ndarray:
    """Require a numeric dtype (integers or floats; booleans only if allowed)."""
    kinds = "biuf" if allow_bool else "iuf"
    if array.dtype.kind not in kinds:
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    return array


def not_whole(array: np.ndarray) -> np.ndarray:
    """bool array: True where a value is not a finite whole number (always False for integer dtypes)."""
    if array.dtype.kind != "f":
        return np.zeros(array.shape, dtype=bool)
    return ~np.isfinite(array) | (np.mod(array, 1) != 0)


def bool_mask(name: str, value) -> np.ndarray:
    """Return a boolean-like mask (booleans, or numbers that are all 0/1) as a bool array.

    Raises:
        TypeError: anything else, naming the argument and the values found.
    """
    array = to_numpy(name, value)
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind not in "iuf" or (array.size and not np.isin(array, (0, 1)).all()):
        shown = np.unique(array)[:6].tolist() if array.dtype.kind in "iuf" else f"dtype {array.dtype}"
        raise TypeError(f"{name} must be boolean-like (booleans or 0/1), got {shown}")
    return array.astype(bool)


def rank(name: str, array: np.ndarray, expected, shape_hint: str) -> np.ndarray:
    """Require ``array.ndim`` in ``expected`` (an int or a tuple of ints)."""
    expected = (expected,) if isinstance(expected, int) else tuple(expected)
    if array.ndim not in expected:
        raise ValueError(f"{name} must have shape {shape_hint}, got shape {array.shape} (rank {array.ndim})")
    return array
