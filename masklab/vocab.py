"""Guard token ids before they reach an ``Embedding`` layer.

An ``Embedding(input_dim, ...)`` has ``input_dim`` rows, so valid ids are
``0 .. input_dim - 1``. What happens to other ids depends on the backend and
the device, and is mostly silent (lesson 06 runs it on the installed Keras):
TensorFlow on CPU raises ``InvalidArgumentError`` for ids >= input_dim, but
under XLA (``jit_compile=True``) the id is clamped to the last row, and
``tf.gather`` documents zeros on GPU. A negative id such as -1 is never an
error on TensorFlow: it selects a row counted from the end (Keras 3.15.1,
TensorFlow 2.21). :func:`check_token_ids` finds such ids first and names them.
"""

from __future__ import annotations

import numbers

import numpy as np

from masklab import _validate

_SHOWN = 5


def _as_array(ids) -> np.ndarray:
    if hasattr(ids, "to_list") and not isinstance(ids, np.ndarray):  # tf.RaggedTensor
        ids = ids.to_list()
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"ids must be integer token ids (an array, nested list or tensor), got the string {ids!r}")
    if isinstance(ids, (list, tuple)):
        try:
            array = np.asarray(ids)
        except ValueError:
            array = None
        if array is None or array.dtype == object:
            # Ragged nested lists (one list per sequence): check row by row.
            return list(ids)
        return array
    return _validate.to_numpy("ids", ids)


def _integer_ids(array: np.ndarray, where: str = "ids") -> np.ndarray:
    if array.dtype.kind == "b" or (array.size and array.dtype.kind not in "iuf"):
        raise TypeError(f"{where} must hold integer token ids, got dtype {array.dtype}")
    bad = ~_validate.is_whole(array)
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        raise TypeError(
            f"{where} must hold integer token ids, got the non-integer {array[position].item()!r} at position "
            f"{position}; Embedding would silently cast it to an integer"
        )
    return array


def check_token_ids(ids, input_dim, *, mask_zero=False):
    """Raise if any token id would fall outside an ``Embedding(input_dim)``.

    Valid ids are ``0 <= id < input_dim``. Keras does not check this for you
    everywhere: depending on backend and device an id >= ``input_dim``
    raises, is clamped to the last row or returns zeros, and a negative id
    silently selects a row counted from the end (see lesson 06).

    Args:
        ids: integer token ids: a NumPy array, a (possibly ragged) nested
            list, or a tensor (TensorFlow, including ``tf.RaggedTensor``,
            JAX or torch), any shape. Floats are accepted only when every
            value is a whole number (``keras.Input`` defaults to float32).
        input_dim: positive int, the ``input_dim`` of the ``Embedding``.
        mask_zero: whether the Embedding uses ``mask_zero=True``; then the
            error message also explains why ``input_dim`` must be the
            vocabulary size + 1.

    Returns:
        None when every id is valid.

    Raises:
        ValueError: some id is < 0 or >= ``input_dim``. The message names how
            many, the first offending positions and values, and
            ``input_dim``. Also when ``input_dim`` is not a positive integer.
        TypeError: ``ids`` holds non-integers (strings, booleans, 1.5, NaN).

    Example:

    >>> check_token_ids([[1, 2, 0]], input_dim=3)        # fine: returns None
    >>> check_token_ids([[1, 5, 0]], input_dim=3)
    Traceback (most recent call last):
    ...
    ValueError: 1 token id outside [0, 3) for Embedding(input_dim=3): ids[0, 1] = 5. ...
    """
    input_dim = _validate.positive_int("input_dim", input_dim)
    array = _as_array(ids)
    found = []  # (position tuple, value)
    count = 0
    largest = None
    parts = [((), array)] if isinstance(array, np.ndarray) else [((i,), np.asarray(row)) for i, row in enumerate(array)]
    for prefix, part in parts:
        where = "ids" if not prefix else f"ids[{prefix[0]}]"
        if part.dtype == object and part.ndim and all(
                isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in part.ravel().tolist()):
            # Python ints beyond 64 bits (NumPy keeps them as objects): compare them exactly.
            bad = np.array([not 0 <= v < input_dim for v in part.ravel().tolist()], bool).reshape(part.shape)
        elif part.dtype == object:
            raise ValueError(f"{where} must be a rectangular array or a list of sequences of ids, got {part!r}")
        else:
            part = _integer_ids(part, where)
            bad = (part < 0) | (part >= input_dim)
        count += int(bad.sum())
        if bad.any():
            top = max(int(v) for v in part[bad])
            largest = top if largest is None else max(largest, top)
        for position in np.argwhere(bad)[: _SHOWN - len(found)]:
            index = prefix + tuple(int(i) for i in position)
            found.append((index, int(part[tuple(position)])))
    if not count:
        return None
    shown = ", ".join(f"ids[{', '.join(map(str, p))}] = {v}" for p, v in found)
    more = f" (and {count - len(found)} more)" if count > len(found) else ""
    message = [
        f"{count} token id{'s' if count > 1 else ''} outside [0, {input_dim}) for Embedding(input_dim={input_dim}): "
        f"{shown}{more}."
    ]
    if largest is not None and largest >= input_dim:
        message.append(
            f"An id >= input_dim has no row: TensorFlow raises on CPU but may clamp it or return zeros "
            f"silently (XLA, GPU); make input_dim larger than the largest id ({largest})."
        )
    if any(v < 0 for _, v in found) or (largest is not None and largest < 0):
        message.append("A negative id is no error on TensorFlow: -1 silently selects the last row.")
    if mask_zero:
        message.append(
            "With mask_zero=True id 0 is reserved for padding, so a vocabulary of N tokens numbered 1..N "
            "needs input_dim = N + 1."
        )
    raise ValueError(" ".join(message))
