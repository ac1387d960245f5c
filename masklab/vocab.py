"""Guard token ids before they reach an ``Embedding`` layer.

An ``Embedding(input_dim, ...)`` has ``input_dim`` rows, so valid ids are
``0 .. input_dim - 1``. Keras does not check ids itself: ``Embedding`` calls
``ops.take``, which adds ``input_dim`` to a negative id once, so ids from
``-input_dim`` to -1 select a row counted from the end, and hands the rest to
the backend (:func:`lookup_rows` computes that rule). What happens to an id
with no row depends on the backend and the device (lesson 06 runs it on the
installed Keras): on CPU TensorFlow raises ``InvalidArgumentError``, PyTorch
raises ``IndexError`` and JAX returns a row of NaN; under XLA
(``jit_compile=True``) TensorFlow clamps the id to the last row, and
``tf.gather`` documents zeros on a GPU. :func:`check_token_ids` finds such ids
first and names them.
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

    Valid ids are ``0 <= id < input_dim``. Keras does not check this for you:
    depending on backend and device an id >= ``input_dim`` raises, returns
    NaN, is clamped to the last row or returns zeros, and a negative id from
    ``-input_dim`` to -1 silently selects a row counted from the end (see
    :func:`lookup_rows` and lesson 06).

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
        return
    shown = ", ".join(f"ids[{', '.join(map(str, p))}] = {v}" for p, v in found)
    more = f" (and {count - len(found)} more)" if count > len(found) else ""
    message = [
        (f"{count} token id{'s' if count > 1 else ''} outside [0, {input_dim}) for Embedding(input_dim={input_dim}): "
         f"{shown}{more}.")
    ]
    if largest is not None and largest >= input_dim:
        message.append(
            f"An id >= input_dim has no row: TensorFlow raises on CPU, but JAX returns NaN and XLA or a GPU "
            f"may return the last row or zeros silently; make input_dim larger than the largest id ({largest})."
        )
    if any(v < 0 for _, v in found) or (largest is not None and largest < 0):
        message.append(
            f"Keras adds input_dim to a negative id once: -1 silently selects the last row, and an id below "
            f"-{input_dim} has no row."
        )
    if mask_zero:
        message.append(
            "With mask_zero=True id 0 is reserved for padding, so a vocabulary of N tokens numbered 1..N "
            "needs input_dim = N + 1."
        )
    raise ValueError(" ".join(message))


def lookup_rows(ids, input_dim):
    """The row of an ``Embedding(input_dim)`` that each id selects in Keras 3, or -1 where there is none.

    Keras' ``Embedding`` does no range check of its own: its ``call`` is
    ``ops.take(embeddings, ids, axis=0)``, and ``take`` adds ``input_dim`` to a
    negative id once (the TensorFlow, JAX and PyTorch backends alike) before
    the backend's gather sees it. So an id in ``[-input_dim, input_dim)``
    selects a row (-1 the last), and any other id has none: what happens to it
    then is up to the backend and the device (lesson 06). This function only
    computes the rule; it runs no Keras.

    Args:
        ids: integer token ids: a NumPy array, a rectangular nested list or a
            tensor (TensorFlow, JAX or torch), any shape. Floats are accepted
            when every value is a whole number.
        input_dim: positive int, the ``input_dim`` of the ``Embedding``.

    Returns:
        ``np.ndarray`` of int64 with the shape of ``ids``: the row each id
        selects, or -1 where the id has no row.

    Raises:
        ValueError: ``input_dim`` is not a positive integer; ``ids`` is ragged.
        TypeError: ``ids`` holds non-integers (strings, booleans, 1.5, NaN).

    Example:

    >>> lookup_rows([[2, 0, -1, -3, -4, 3]], input_dim=3).tolist()
    [[2, 0, 2, 0, -1, -1]]
    """
    input_dim = _validate.positive_int("input_dim", input_dim)
    array = _as_array(ids)
    if not isinstance(array, np.ndarray):  # ragged, or Python ints beyond 64 bits
        try:
            array = np.array(array, dtype=object)
        except ValueError:
            array = np.array([[]], dtype=object)  # fails the check below
    if array.dtype != object:
        array = _integer_ids(array)
        if array.dtype == np.uint64:
            array = array.astype(object)  # beyond int64: compared exactly below
        else:
            array = array.astype(np.float64 if array.dtype.kind == "f" else np.int64)
            rows = np.where(array < 0, array + input_dim, array)
            return np.where((rows >= 0) & (rows < input_dim), rows, -1).astype(np.int64)
    values = array.ravel().tolist()
    if (array.size == 0 and array.ndim > 1) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in values):
        raise ValueError(f"ids must be a rectangular array of integer ids (one length per row), "
                         f"got {_validate.show(ids)}")
    rows = [int(v) + input_dim if v < 0 else int(v) for v in values]
    return np.array([r if 0 <= r < input_dim else -1 for r in rows], np.int64).reshape(array.shape)
