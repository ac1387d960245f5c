"""A NumPy reference of Keras 3's masked loss, and an explanation of it.

Keras 3 (``keras/src/losses/loss.py``, 3.15.1) reduces a loss like this:

1. ``losses = fn(y_true, y_pred)``: one value per element, i.e. per sample
   and timestep for sequence outputs (the last axis is averaged or summed
   away by the loss function).
2. The mask attached to ``y_pred`` becomes a weight. For the
   ``"sum_over_batch_size"`` (default) and ``"mean"`` reductions a kept
   element gets ``total / valid`` and a masked one 0, where ``total`` is
   the number of elements and ``valid`` the number kept; for ``"sum"`` and
   ``None`` the weight is simply 1 or 0.
3. That weight multiplies ``sample_weight`` (if any) and the losses.
4. ``"sum"`` adds everything up; ``"sum_over_batch_size"``/``"mean"``
   divide the sum by ``total`` with ``divide_no_nan``.

So with a mask the default reduction is
``sum(loss * sample_weight * mask) / valid``: the denominator counts the
unmasked elements, not the sum of the weights, and an all-masked batch gives
0, not NaN. :func:`masked_loss` computes exactly that in NumPy (float64) so a
learner can follow every step; the tests check it against Keras' loss
objects and ``Model.evaluate`` to 1e-6.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from masklab import _validate

EPSILON = 1e-7  # keras.backend.epsilon(), used to clip probabilities
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", None)
LOSSES = ("mse", "mae", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")


_KERAS_CLASSES = {
    "mse": "MeanSquaredError",
    "mean_squared_error": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mean_absolute_error": "MeanAbsoluteError",
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
}


def keras_loss(loss="mse", reduction="sum_over_batch_size"):
    """Return the Keras loss object that :func:`masked_loss` mirrors.

    Args:
        loss: one of the loss names :func:`masked_loss` accepts.
        reduction: as for :func:`masked_loss`.

    Returns:
        a ``keras.losses.Loss`` instance, e.g. ``MeanSquaredError(reduction=...)``.

    Raises:
        ValueError: unknown ``loss`` or ``reduction`` name.
    """
    if not isinstance(loss, str) or loss not in _KERAS_CLASSES:
        raise ValueError(f"loss must be one of {list(LOSSES)}, got {loss!r}")
    if reduction not in REDUCTIONS and reduction != "none":
        raise ValueError(f"reduction must be one of {list(REDUCTIONS)}, got {reduction!r}")
    import keras

    return getattr(keras.losses, _KERAS_CLASSES[loss])(reduction=reduction)


def _squeeze_or_expand(x1, x2, expand_rank_1=True):
    """NumPy copy of keras.src.losses.loss.squeeze_or_expand_to_same_rank."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def _same_shape(y_true, y_pred, loss):
    y_true, y_pred = _squeeze_or_expand(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape for loss={loss!r}, got {y_true.shape} and {y_pred.shape}"
        )
    return y_true, y_pred


def _mse(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred, "mse")
    return np.mean(np.square(y_true - y_pred), axis=-1)


def _mae(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred, "mae")
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def _binary_crossentropy(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred, "binary_crossentropy")
    p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)


def _categorical_crossentropy(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true (one-hot) and y_pred must have the same shape for loss='categorical_crossentropy', "
            f"got {y_true.shape} and {y_pred.shape}"
        )
    p = np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
    return -np.sum(y_true * np.log(p), axis=-1)


def _sparse_categorical_crossentropy(y_true, y_pred):
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            "y_true (class ids) must have y_pred's shape without its last axis for "
            f"loss='sparse_categorical_crossentropy', got {y_true.shape} and {y_pred.shape}"
        )
    labels = y_true.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1] or np.any(labels != y_true)):
        raise ValueError(f"y_true must hold class ids in [0, {y_pred.shape[-1]}), got {np.unique(y_true)[:6].tolist()}")
    logits = np.log(np.clip(y_pred, EPSILON, 1.0 - EPSILON))
    top = logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(logits - top).sum(axis=-1)) + top[..., 0]
    chosen = np.take_along_axis(logits, labels[..., None], axis=-1)[..., 0]
    return log_norm - chosen


_FUNCTIONS = {
    "mse": _mse,
    "mean_squared_error": _mse,
    "mae": _mae,
    "mean_absolute_error": _mae,
    "binary_crossentropy": _binary_crossentropy,
    "categorical_crossentropy": _categorical_crossentropy,
    "sparse_categorical_crossentropy": _sparse_categorical_crossentropy,
}


def _as_float(name, value):
    array = _validate.numeric(name, _validate.to_numpy(name, value), allow_bool=True)
    return array.astype(np.float64)


def _multiply(a, b, what):
    try:
        return a * b
    except ValueError:
        raise ValueError(
            f"{what}: shapes {a.shape} and {b.shape} do not broadcast the way Keras 3 applies them (Keras raises "
            "'Incompatible shapes' here); give one weight per element, e.g. sample_weight of shape (batch, timesteps)"
        ) from None


def _keras_arithmetic(y_true, y_pred, mask, loss, sample_weight, reduction):
    """Steps 1-3 of the module docstring; returns (losses, weights, weighted, mask)."""
    if reduction not in REDUCTIONS and reduction != "none":
        raise ValueError(f"reduction must be one of {list(REDUCTIONS)}, got {reduction!r}")
    if callable(loss):
        fn, name = loss, getattr(loss, "__name__", "callable")
    elif isinstance(loss, str) and loss in _FUNCTIONS:
        fn, name = _FUNCTIONS[loss], loss
    else:
        raise ValueError(f"loss must be one of {list(LOSSES)} or a callable, got {loss!r}")
    y_true = _as_float("y_true", y_true)
    y_pred = _as_float("y_pred", y_pred)
    if y_pred.ndim == 0:
        raise ValueError("y_pred must have a batch axis, got a scalar")
    losses = np.asarray(fn(y_true, y_pred), dtype=np.float64)
    if losses.ndim == 0 or losses.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"loss {name!r} must return one value per element with the batch axis first, got shape {losses.shape}"
        )
    weights = None
    if mask is not None:
        mask = _validate.bool_mask("mask", mask)
        if mask.shape != losses.shape:
            raise ValueError(
                f"mask of shape {mask.shape} does not match the per-element losses of shape {losses.shape} "
                f"(y_pred {y_pred.shape}); a sequence mask is (batch, timesteps)"
            )
        weights = mask.astype(np.float64)
    if sample_weight is not None:
        sw = _as_float("sample_weight", sample_weight)
        if weights is None:
            weights = sw
        else:
            weights, sw = _squeeze_or_expand(weights, sw)
            weights = _multiply(sw, weights, "sample_weight and mask")
    weighted = losses
    if weights is not None:
        losses_, weights = _squeeze_or_expand(losses, weights)
        weighted = _multiply(losses_, weights, "per-element losses and sample_weight")
        weights = np.broadcast_to(weights, weighted.shape)
    else:
        weights = np.ones_like(losses)
    return losses, np.array(weights, dtype=np.float64), weighted, mask


@dataclasses.dataclass(frozen=True)
class MaskedLossExplanation:
    """The parts of a masked loss, for display.

    Attributes:
        value: the reduced loss (float), as :func:`masked_loss` returns it.
        numerator: ``sum(loss * sample_weight * mask)`` (float).
        denominator: what the numerator is divided by (float): with a mask
            and ``"sum_over_batch_size"``/``"mean"``, the number of unmasked
            elements; without a mask, the number of elements; 1 for
            ``"sum"``. 0 for an all-masked batch (the value is then 0).
        losses: per-element losses before weighting, float64 array.
        weights: each element's weight, ``sample_weight * mask`` (1 where
            neither is given), float64, the shape of ``losses``.
        reduction: the reduction used.
    """

    value: float
    numerator: float
    denominator: float
    losses: np.ndarray
    weights: np.ndarray
    reduction: object

    def rows(self):
        """Per-element rows ``(index tuple, loss, weight, loss * weight)``."""
        return [
            (tuple(int(i) for i in index), float(self.losses[index]), float(self.weights[index]),
             float(self.losses[index] * self.weights[index]))
            for index in np.ndindex(self.losses.shape)
        ]

    def __repr__(self) -> str:
        return (
            f"MaskedLossExplanation(value={self.value:.6g} = {self.numerator:.6g} / {self.denominator:.6g}, "
            f"reduction={self.reduction!r})"
        )

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr style='color:{'#aaa' if w == 0 else '#000'}'><td>{i}</td><td>{loss:.4f}</td><td>{w:g}</td>"
            f"<td>{c:.4f}</td></tr>"
            for i, loss, w, c in self.rows()
        )
        return (
            f"<p><b>loss = {self.numerator:.4f} / {self.denominator:g} = {self.value:.4f}</b> "
            f"(reduction={self.reduction!r})</p>"
            "<table><tr><th>element</th><th>loss</th><th>weight</th><th>loss x weight</th></tr>"
            f"{cells}</table>"
        )


def explain_masked_loss(y_true, y_pred, mask=None, loss="mse", sample_weight=None,
                        reduction="sum_over_batch_size") -> MaskedLossExplanation:
    """Compute a masked loss as Keras 3 does, keeping every intermediate.

    Arguments and errors as :func:`masked_loss`, except that ``reduction``
    must not be None (there is nothing to explain without a reduction).

    Returns:
        :class:`MaskedLossExplanation`: value, numerator, denominator and
        the per-element losses and weights (``.rows()`` for a table).
    """
    if reduction in (None, "none"):
        raise ValueError("reduction must be 'sum_over_batch_size', 'sum' or 'mean' to explain a loss, got None")
    losses, weights, weighted, mask = _keras_arithmetic(y_true, y_pred, mask, loss, sample_weight, reduction)
    numerator = float(np.sum(weighted))
    if reduction == "sum":
        return MaskedLossExplanation(numerator, numerator, 1.0, losses, weights, reduction)
    # "sum_over_batch_size" and "mean": Keras weights each kept element by total / valid and
    # divides the sum by the number of elements:
    #   sum(loss * w * total / valid) / size  =  sum(loss * w) / valid    (when size == total)
    # Both divisions are divide_no_nan, so an all-masked batch (valid == 0) gives 0, not NaN.
    size = weighted.size
    if mask is None:
        denominator = float(size)
    else:
        total, valid = mask.size, int(mask.sum())
        denominator = valid * size / total
    value = numerator / denominator if denominator else 0.0
    return MaskedLossExplanation(value, numerator, denominator, losses, weights, reduction)


def masked_loss(y_true, y_pred, mask=None, loss="mse", sample_weight=None, reduction="sum_over_batch_size"):
    """NumPy reference of a Keras 3 loss with a mask and sample weights.

    Computes what ``keras.losses.get(loss)(y_true, y_pred, sample_weight)``
    returns when ``mask`` is attached to ``y_pred`` (Keras 3.12-3.15,
    ``keras/src/losses/loss.py``), in float64.

    Args:
        y_true: targets, array-like or tensor. Same shape as ``y_pred`` (for
            ``"sparse_categorical_crossentropy"``: class ids, ``y_pred``'s
            shape without its last axis, or with a last axis of 1).
        y_pred: predictions, shape ``(batch, ...)``, e.g. ``(batch,
            timesteps, units)``.
        mask: boolean-like, the shape of the per-element losses (``(batch,
            timesteps)`` for sequences): the mask Keras would attach to
            ``y_pred``; None for no mask.
        loss: ``"mse"``, ``"mae"``, ``"binary_crossentropy"``,
            ``"categorical_crossentropy"``,
            ``"sparse_categorical_crossentropy"``, or a callable
            ``fn(y_true, y_pred) -> per-element losses`` (NumPy arrays in
            and out, batch axis first).
        sample_weight: optional weights, broadcast against the per-element
            losses as Keras broadcasts them: ``(batch, timesteps)`` for
            sequences; a ``(batch,)`` vector fits only ``(batch,)`` losses.
        reduction: ``"sum_over_batch_size"`` (Keras' default), ``"mean"``
            (the same arithmetic), ``"sum"``, or None (no reduction).

    Returns:
        ``float`` for a reduction; for ``reduction=None`` a float64 array:
        per-element losses times their weights (mask included).

    Raises:
        ValueError: unknown ``loss`` or ``reduction``; shapes of
            ``y_true``/``y_pred``/``mask``/``sample_weight`` that do not fit.
        TypeError: non-numeric inputs, or a mask that is not boolean-like.

    Example:

    >>> y_true = np.zeros((1, 4, 1)); y_pred = np.array([[[1.0], [2.0], [3.0], [4.0]]])
    >>> masked_loss(y_true, y_pred, mask=[[True, True, False, False]])   # (1 + 4) / 2
    2.5
    """
    if reduction in (None, "none"):
        return _keras_arithmetic(y_true, y_pred, mask, loss, sample_weight, reduction)[2]
    return explain_masked_loss(y_true, y_pred, mask, loss, sample_weight, reduction).value
