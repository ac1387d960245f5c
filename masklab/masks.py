"""Read the mask Keras attached to a tensor, and build masks by rule.

A Keras mask is a bool tensor of shape ``(batch, timesteps)``: ``True`` marks a
timestep that holds data, ``False`` one that later layers should skip. A
mask-generating layer (``Embedding(mask_zero=True)``, ``Masking``) does not
return it; it attaches it to its output tensor. In Keras 3.15 it is stored in
the private attribute ``_keras_mask``, read through the also-private helper
``keras.src.backend.common.masking.get_keras_mask`` (added in Keras 3.6).
:func:`get_mask` is masklab's one place that touches that private access, so
lessons never print private attributes and a Keras change is fixed here once.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from masklab import _validate


def _attached_mask(tensor):
    """Return the mask Keras attached to ``tensor`` (a backend tensor) or None."""
    try:
        from keras.src.backend.common.masking import get_keras_mask
    except ImportError:  # Keras < 3.6 or a future layout: fall back to the attribute
        return getattr(tensor, "_keras_mask", None)
    return get_keras_mask(tensor)


def attach_mask(x, mask):
    """Return ``x`` as a backend tensor carrying ``mask``, as a mask-generating layer would.

    For experiments: hand a loss or a layer a tensor with a mask of your
    choosing, without building a model (lesson 05 toggles timesteps this way).
    Uses Keras' private ``set_keras_mask`` (Keras >= 3.6) in this one place.

    Args:
        x: array-like or tensor of numbers (ints, floats or bools), shape
            ``(batch, timesteps, ...)`` (rank 2 or more). Its dtype is kept.
        mask: boolean-like (bools, or numbers that are all 0/1), shape
            ``(batch, timesteps)`` = ``x.shape[:2]``; ``True`` = keep.

    Returns:
        a backend tensor (``tf.Tensor`` on TensorFlow) of ``x``'s values,
        shape and dtype, with the bool ``(batch, timesteps)`` mask attached;
        :func:`get_mask` reads it back.

    Raises:
        TypeError: ``x`` is not an array of numbers (a string, None, a dict,
            strings, a symbolic ``KerasTensor``); ``mask`` is not boolean-like.
        ValueError: ``x`` is ragged or has fewer than 2 axes; ``mask``'s
            shape is not ``x.shape[:2]`` (a 0-d, ``(batch,)`` or rank-3 mask
            is refused here, not deep inside a Keras loss). Every message
            names the argument (``x`` or ``mask``), the value and what was
            expected.

    Example:

    >>> t = attach_mask(np.ones((1, 3, 2), "float32"), [[1, 1, 0]])
    >>> get_mask(t).tolist()
    [[True, True, False]]
    """
    import keras

    values = _validate.numeric("x", _validate.to_numpy("x", x), allow_bool=True)
    _validate.rank("x", values, range(2, 33), "(batch, timesteps, ...)")
    mask_array = _validate.bool_mask("mask", mask)
    if mask_array.shape != values.shape[:2]:
        raise ValueError(
            f"mask must have shape (batch, timesteps) = {values.shape[:2]} to match x, "
            f"got shape {mask_array.shape}: {_validate.show_array(mask_array)}"
        )
    tensor = keras.ops.convert_to_tensor(values)
    bool_mask = keras.ops.convert_to_tensor(mask_array)
    try:
        from keras.src.backend.common.masking import set_keras_mask
    except ImportError:  # Keras < 3.6
        tensor._keras_mask = bool_mask
    else:
        set_keras_mask(tensor, bool_mask)
    return tensor


def get_mask(tensor):
    """Return the mask Keras attached to a layer's output, as NumPy.

    Args:
        tensor: one output of a Keras layer or model called eagerly on data
            (a TensorFlow, JAX or torch tensor), or a NumPy array (which never
            carries a mask). For a layer with several outputs (a list), call
            ``get_mask`` on each.

    Returns:
        bool ``np.ndarray`` of shape ``(batch, timesteps)`` (``True`` =
        keep), or ``None`` when no mask is attached.

    Raises:
        TypeError: ``tensor`` is a symbolic ``KerasTensor`` (built by
            ``keras.Input``), which has no values (call the layer on data);
            ``tensor`` is not a tensor or an array (a list, None, a string, a
            number: anything without ``shape`` and ``dtype``), which cannot
            carry a mask.

    Example:

    >>> out = keras.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0]]))
    >>> get_mask(out)
    array([[ True, False]])
    """
    if type(tensor).__name__ == "KerasTensor":
        raise TypeError(
            f"tensor must hold values, got a symbolic KerasTensor of shape {tuple(tensor.shape)} and dtype "
            f"{tensor.dtype} (from keras.Input); "
            "call the layer on real data (a NumPy array) and pass its output"
        )
    if not (hasattr(tensor, "shape") and hasattr(tensor, "dtype")):
        hint = (f"; for a layer with {len(tensor)} outputs call get_mask on each"
                if isinstance(tensor, (list, tuple)) else "")
        raise TypeError(
            f"tensor must be a tensor (a layer's output) or a NumPy array, got {_validate.show(tensor)} "
            f"of type {type(tensor).__name__}{hint}"
        )
    mask = _attached_mask(tensor)
    if mask is None:
        return None
    return np.asarray(mask.numpy() if hasattr(mask, "numpy") else mask).astype(bool)


def mask_from_lengths(lengths, maxlen=None, *, padding="post"):
    """Build the mask of a padded batch from the sequence lengths.

    Args:
        lengths: array-like or tensor of non-negative integers (or whole
            floats), shape ``(batch,)``: the real timesteps of each row.
        maxlen: positive int, timesteps per row; ``None`` uses
            ``max(lengths)`` (at least 1). Must be at least ``max(lengths)``.
        padding: ``"post"`` (real steps first, as in a right-padded batch)
            or ``"pre"`` (real steps last, ``keras.utils.pad_sequences``'s
            default).

    Returns:
        bool ``np.ndarray`` of shape ``(batch, maxlen)``.

    Raises:
        TypeError: ``lengths`` is not an array (a string, None, a dict) or
            does not hold integers.
        ValueError: ``lengths`` is not 1-D, is ragged, is negative or
            exceeds ``maxlen``; ``maxlen`` is not a positive integer (bools
            and floats refused); ``padding`` is not ``"pre"``/``"post"``; the
            mask would exceed ``masklab._validate.MAX_CELLS`` cells
            (``[2**40]``). Every message names the argument, the value and
            what was expected.

    Example:

    >>> mask_from_lengths([3, 1], 4, padding="pre").astype(int).tolist()
    [[0, 1, 1, 1], [0, 0, 0, 1]]
    """
    lengths = _validate.to_numpy("lengths", lengths)
    _validate.rank("lengths", lengths, 1, "(batch,)")
    whole_floats = lengths.dtype.kind == "f" and _validate.is_whole(lengths).all()
    if lengths.size and lengths.dtype.kind not in "iu" and not whole_floats:
        raise TypeError(f"lengths must hold integers, got dtype {lengths.dtype}: {_validate.show_array(lengths)}")
    if lengths.size and lengths.min() < 0:
        raise ValueError(f"lengths must be non-negative, got {lengths.min()} in {_validate.show_array(lengths)}")
    padding = _validate.side("padding", padding)
    longest = int(lengths.max()) if lengths.size else 0
    if maxlen is None:
        _validate.cells("lengths", (len(lengths), longest))  # before [2**40] allocates 8 TiB
        maxlen = max(longest, 1)
    maxlen = _validate.positive_int("maxlen", maxlen)
    if longest > maxlen:
        raise ValueError(f"lengths must not exceed maxlen={maxlen}, got a length of {_validate.show(longest)}")
    _validate.cells("maxlen", (len(lengths), maxlen))
    lengths = lengths.astype(np.int64)  # safe now: every length is <= maxlen
    steps = np.arange(maxlen)
    if padding == "post":
        return steps[None, :] < lengths[:, None]
    return steps[None, :] >= (maxlen - lengths)[:, None]


def mask_from_values(x, mask_value=0.0):
    """Apply the ``keras.layers.Masking`` rule to a batch of feature vectors.

    A timestep is masked (``False``) only when **all** its features equal
    ``mask_value``; a single non-equal feature keeps it. This is the rule in
    Keras 3's ``Masking.compute_mask``: ``any(inputs != mask_value, axis=-1)``.

    Args:
        x: array, nested list or tensor of numbers (ints, floats or bools),
            shape ``(batch, timesteps, features)``.
        mask_value: real number (not a bool) that marks padding; default 0.0.

    Returns:
        bool ``np.ndarray`` of shape ``(batch, timesteps)``.

    Raises:
        TypeError: ``x`` is not an array of numbers; ``mask_value`` is not a
            real number.
        ValueError: ``x`` is ragged or not rank 3 (for token ids of shape
            ``(batch, timesteps)`` the ``Embedding(mask_zero=True)`` rule is
            simply ``ids != 0``). Every message names the argument, the
            value and what was expected.

    Example:

    >>> mask_from_values([[[1.0, 0.0], [0.0, 0.0]]]).tolist()
    [[True, False]]
    """
    x = _validate.numeric("x", _validate.to_numpy("x", x), allow_bool=True)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, timesteps, features), got shape {x.shape} (rank {x.ndim}): "
            f"{_validate.show_array(x)}; for token ids of shape (batch, timesteps) the "
            "Embedding(mask_zero=True) rule is ids != 0"
        )
    mask_value = _validate.real_number("mask_value", mask_value)
    return np.any(x != mask_value, axis=-1)


def attention_mask(query_mask, key_mask=None, *, causal=False):
    """Build the ``(batch, T_q, T_k)`` attention mask by ``keras.layers.MultiHeadAttention``'s rule.

    Query ``i`` may attend to key ``j`` when query ``i`` is real, key ``j`` is
    real and, with ``causal=True``, ``j <= i`` (the lower triangle, aligned at
    the top left as Keras' ``_compute_causal_mask`` does). ``True`` means
    "may attend", Keras' convention (PyTorch's ``key_padding_mask`` and
    boolean ``attn_mask`` use the opposite: ``True`` = ignore).

    Args:
        query_mask: boolean-like (bools, or numbers that are all 0/1),
            shape ``(batch, T_q)``: the queries' padding mask (``True`` =
            real step), e.g. ``batch.mask`` of :func:`masklab.pad_batch`.
        key_mask: boolean-like, shape ``(batch, T_k)``, for the
            keys/values; None means self-attention, where the keys are the
            queries (``key_mask = query_mask``).
        causal: bool (keyword only): also forbid attending to later keys (a
            decoder).

    Returns:
        bool ``np.ndarray`` of shape ``(batch, T_q, T_k)``. A padded query's
        row is all ``False``. What Keras makes of such a row depends on the
        path: with ``return_attention_scores=True`` (or dropout) its weights
        are all 0; the default call runs ``ops.dot_product_attention``, where
        that row gets the same weight on every key, padding included
        (``tests/test_attention.py``, on CPU).

    Raises:
        TypeError: ``query_mask`` or ``key_mask`` is not an array or not
            boolean-like (booleans or 0/1); ``causal`` is not a bool.
        ValueError: ``query_mask`` or ``key_mask`` is not rank 2;
            ``key_mask``'s batch size differs from ``query_mask``'s; the
            result would exceed ``masklab._validate.MAX_CELLS`` cells. Every
            message names the argument, the value and what was expected.

    Example:

    >>> attention_mask([[True, True, False]], causal=True).astype(int)[0].tolist()
    [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    """
    query = _validate.rank("query_mask", _validate.bool_mask("query_mask", query_mask), 2, "(batch, T_q)")
    key = query if key_mask is None else _validate.rank(
        "key_mask", _validate.bool_mask("key_mask", key_mask), 2, "(batch, T_k)")
    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(f"causal must be True or False, got {_validate.show(causal)} of type {type(causal).__name__}")
    if key.shape[0] != query.shape[0]:
        raise ValueError(
            f"key_mask must have the batch size of query_mask ({query.shape[0]}), got shape {key.shape}: "
            f"{_validate.show_array(key)}"
        )
    names = "query_mask" if key_mask is None else "query_mask and key_mask"
    _validate.cells(names, (query.shape[0], query.shape[1], key.shape[1]))
    mask = query[:, :, None] & key[:, None, :]
    if causal:
        mask &= np.tril(np.ones((query.shape[1], key.shape[1]), dtype=bool))[None]
    return mask


@dataclasses.dataclass(frozen=True)
class CudnnMaskCheck:
    """Whether a ``(batch, timesteps)`` mask fits the cuDNN kernel's rule; see :func:`check_cudnn_mask`.

    Attributes:
        fully_masked: indices of the rows with no kept timestep (``tuple`` of ``int``).
        not_right_padded: indices of the rows whose kept timesteps are not one run starting at
            timestep 0, i.e. the rows that are not post-padded (``tuple`` of ``int``).
        ok: True when neither list names a row (``bool``, derived).
    """

    fully_masked: tuple
    not_right_padded: tuple

    @property
    def ok(self) -> bool:
        return not self.fully_masked and not self.not_right_padded

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return "fits cuDNN: every row is right-padded (post padding) and keeps at least one timestep"
        parts = []
        if self.fully_masked:
            parts.append(f"rows {list(self.fully_masked)} are fully masked")
        if self.not_right_padded:
            parts.append(f"rows {list(self.not_right_padded)} are not right-padded (kept steps must come first)")
        return ("cuDNN would reject this mask: " + "; ".join(parts)
                + ". Pad 'post', drop empty rows, or pass use_cudnn=False to the LSTM/GRU.")


def check_cudnn_mask(mask) -> CudnnMaskCheck:
    """Whether an LSTM/GRU on TensorFlow's cuDNN kernel would accept ``mask``.

    On a GPU, ``keras.layers.LSTM`` and ``GRU`` on the TensorFlow backend run cuDNN when their
    arguments allow it (``use_cudnn="auto"``, tanh/sigmoid activations, ``unroll=False``, bias
    on; for GRU also ``reset_after=True``: ``cudnn_ok`` in the same file).
    cuDNN takes sequence lengths, not a mask, so Keras first asserts that the mask describes
    lengths: no row fully masked, and each row's kept timesteps one run from timestep 0 (right,
    i.e. post, padding). Any other mask fails there with "You are passing a RNN mask that does
    not correspond to right-padded sequences, while using cuDNN". This function applies the
    same two tests in NumPy, so a mask can be checked on a CPU before a GPU run
    (``tests/test_masks.py`` compares it with Keras' own check on random masks).

    Source: ``_assert_valid_mask``, ``_has_fully_masked_sequence`` and
    ``_is_sequence_right_padded`` in keras/src/backend/tensorflow/rnn.py, read in Keras 3.15.1;
    ``tests/test_masks.py`` runs Keras' own check on the installed Keras (3.15.1 in CI).

    Args:
        mask: ``(batch, timesteps)`` boolean-like array or tensor (True = kept).

    Returns:
        :class:`CudnnMaskCheck` (true when the mask fits; ``str()`` says why not and what to do).

    Raises:
        TypeError: ``mask`` is not boolean-like.
        ValueError: ``mask`` is not rank 2.

    Example:

    >>> bool(check_cudnn_mask([[1, 1, 0], [1, 0, 0]]))
    True
    >>> print(check_cudnn_mask([[0, 1, 1], [0, 0, 0]]))  # doctest: +NORMALIZE_WHITESPACE
    cuDNN would reject this mask: rows [1] are fully masked; rows [0] are not right-padded (kept steps
    must come first). Pad 'post', drop empty rows, or pass use_cudnn=False to the LSTM/GRU.
    """
    mask = _validate.rank("mask", _validate.bool_mask("mask", mask), 2, "(batch, timesteps)")
    lengths = mask.sum(axis=1)
    fully_masked = tuple(np.flatnonzero(lengths == 0).tolist())
    # Right-padded: the row equals a mask of its own length from the left (Keras compares the
    # mask with tf.sequence_mask(count of True per row)).
    expected = np.arange(mask.shape[1])[None, :] < lengths[:, None]
    not_right_padded = tuple(np.flatnonzero((mask != expected).any(axis=1)).tolist())
    return CudnnMaskCheck(fully_masked, not_right_padded)
