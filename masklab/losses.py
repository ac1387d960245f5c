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
from masklab.display import loss_to_html

EPSILON = 1e-7  # keras.backend.epsilon(), used to clip probabilities
# Keras clips probabilities to [epsilon, 1 - epsilon] in float32 (the loss' dtype): 1 - 1e-7 rounds to
# 0.99999988, so a saturated prediction (exactly 0 or 1) costs 15.942, not float64's 16.118.
_LOW = float(np.float32(EPSILON))
_HIGH = float(np.float32(1.0) - np.float32(EPSILON))
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None)
LOSSES = ("mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy")
HUBER_DELTA = 1.0  # keras.losses.Huber's default delta


_KERAS_CLASSES = {
    "mse": "MeanSquaredError",
    "mean_squared_error": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mean_absolute_error": "MeanAbsoluteError",
    "huber": "Huber",
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
}


def keras_loss(loss="mse", reduction="sum_over_batch_size", ignore_class=None):
    """Return the Keras loss object that :func:`masked_loss` mirrors.

    Args:
        loss: one of the loss names :func:`masked_loss` accepts.
        reduction: as for :func:`masked_loss`.
        ignore_class: as for :func:`masked_loss` (only with
            ``"sparse_categorical_crossentropy"``).

    Returns:
        a ``keras.losses.Loss`` instance, e.g. ``MeanSquaredError(reduction=...)``
        or ``SparseCategoricalCrossentropy(ignore_class=-1, reduction=...)``.

    Raises:
        ValueError: unknown ``loss`` or ``reduction`` name; ``ignore_class``
            with another loss, or not a whole number.
        TypeError: ``ignore_class`` not a number (a bool, a str).
    """
    if not isinstance(loss, str) or loss not in _KERAS_CLASSES:
        raise ValueError(f"loss must be one of {list(LOSSES)}, got {_validate.show(loss)}")
    _reduction(reduction)
    ignore_class = _ignore_class(ignore_class, loss)
    import keras

    extra = {} if ignore_class is None else {"ignore_class": ignore_class}
    return getattr(keras.losses, _KERAS_CLASSES[loss])(reduction=reduction, **extra)


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


def _huber(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred, "huber")
    error = np.abs(y_pred - y_true)
    quadratic = 0.5 * np.square(error)
    linear = HUBER_DELTA * error - 0.5 * HUBER_DELTA**2
    return np.mean(np.where(error <= HUBER_DELTA, quadratic, linear), axis=-1)


def _binary_crossentropy(y_true, y_pred):
    y_true, y_pred = _same_shape(y_true, y_pred, "binary_crossentropy")
    p = np.clip(y_pred, _LOW, _HIGH)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)


def _categorical_crossentropy(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true (one-hot) and y_pred must have the same shape for loss='categorical_crossentropy', "
            f"got {y_true.shape} and {y_pred.shape}"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), _LOW, _HIGH)
    return -np.sum(y_true * np.log(p), axis=-1)


def _sparse_categorical_crossentropy(y_true, y_pred):
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            "y_true (class ids) must have y_pred's shape without its last axis for "
            f"loss='sparse_categorical_crossentropy', got {y_true.shape} and {y_pred.shape} (after Keras squeezes "
            "a last axis of 1 from y_pred when y_true has one axis less; Keras raises here too)"
        )
    labels = y_true.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1] or np.any(labels != y_true)):
        raise ValueError(f"y_true must hold class ids in [0, {y_pred.shape[-1]}), got {np.unique(y_true)[:6].tolist()}")
    logits = np.log(np.clip(y_pred, _LOW, _HIGH))
    top = logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(logits - top).sum(axis=-1)) + top[..., 0]
    chosen = np.take_along_axis(logits, labels[..., None], axis=-1)[..., 0]
    return log_norm - chosen


def _ignore_class(ignore_class, loss):
    """``ignore_class`` checked: None, or an int (a whole-number float becomes an int).

    Keras documents it as an optional integer and compares it with the labels after casting both
    to the loss' float dtype; it exists only for the sparse categorical cross-entropy.
    """
    if ignore_class is None:
        return None
    if isinstance(ignore_class, (bool, np.bool_)) or not isinstance(ignore_class, (int, float, np.integer,
                                                                                     np.floating)):
        raise TypeError(f"ignore_class must be None or an integer class id (e.g. -1), got "
                        f"{_validate.show(ignore_class)}")
    if not (np.isfinite(ignore_class) and float(ignore_class) == int(ignore_class)):
        raise ValueError(f"ignore_class must be a whole number (class ids are whole numbers), got "
                         f"{_validate.show(ignore_class)}")
    if loss != "sparse_categorical_crossentropy":
        raise ValueError(f"ignore_class works only with loss='sparse_categorical_crossentropy' (Keras has the "
                         f"argument only there), got loss={_validate.show(loss)}; use a mask or sample_weight")
    return int(ignore_class)


def _sparse_ignoring(y_true, y_pred, ignore_class):
    """keras.losses.sparse_categorical_crossentropy(..., ignore_class=...) in NumPy.

    Returns ``(losses, ignored)``: the per-element losses, 0 where ``y_true == ignore_class``, and
    that bool array. As in Keras, the label and the prediction at an ignored element are replaced
    (``where``), not multiplied, before the loss runs, so whatever they hold (even NaN) cannot leak.
    """
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        _sparse_categorical_crossentropy(y_true, y_pred)  # raises the shape message
    # Keras casts both to the loss' dtype (float32) and compares them there.
    ignored = y_true.astype(np.float32) == np.float32(ignore_class)
    labels = np.where(ignored, 0.0, y_true)
    with np.errstate(invalid="ignore"):
        preds = np.where(ignored[..., None], 0.0, y_pred)
    losses = _sparse_categorical_crossentropy(labels, preds)
    return np.where(ignored, 0.0, losses), ignored


_FUNCTIONS = {
    "mse": _mse,
    "mean_squared_error": _mse,
    "mae": _mae,
    "mean_absolute_error": _mae,
    "huber": _huber,
    "binary_crossentropy": _binary_crossentropy,
    "categorical_crossentropy": _categorical_crossentropy,
    "sparse_categorical_crossentropy": _sparse_categorical_crossentropy,
}


def _as_float(name, value):
    array = _validate.numeric(name, _validate.to_numpy(name, value), allow_bool=True)
    return array.astype(np.float64)


def _multiply(a, b, what):
    try:
        with np.errstate(invalid="ignore"):  # 0 x inf = NaN, as in Keras: no NumPy warning on top
            return a * b
    except ValueError:
        raise ValueError(
            f"{what}: shapes {a.shape} and {b.shape} do not broadcast the way Keras 3 applies them (Keras raises "
            "'Incompatible shapes' here); give one weight per element, e.g. sample_weight of shape (batch, timesteps)"
        ) from None


def _reduction(reduction):
    if not (reduction is None or (isinstance(reduction, str) and (reduction in REDUCTIONS or reduction == "none"))):
        raise ValueError(f"reduction must be one of {list(REDUCTIONS)}, got {_validate.show(reduction)}")
    return reduction


def _loss_function(loss):
    """(function, name, is_named) for a loss name or a per-element loss function."""
    if isinstance(loss, str):
        if loss not in _FUNCTIONS:
            raise ValueError(f"loss must be one of {list(LOSSES)} or a callable, got {_validate.show(loss)}")
        return _FUNCTIONS[loss], loss, True
    if hasattr(loss, "reduction") and hasattr(loss, "call") and type(loss).__module__.startswith("keras"):
        raise TypeError(
            f"loss must be a loss name or a per-element loss function, got the Keras loss object "
            f"{type(loss).__name__}, which reduces to one number; pass its name (e.g. 'mse') or a function "
            "fn(y_true, y_pred) -> per-element losses (e.g. keras.losses.mean_squared_error)"
        )
    if callable(loss):
        return loss, getattr(loss, "__name__", type(loss).__name__), False
    raise ValueError(f"loss must be one of {list(LOSSES)} or a callable, got {_validate.show(loss)}")


def _fits(losses_shape, weights_shape) -> bool:
    """Whether Keras' squeeze/expand of a last axis of 1, then broadcasting, keeps ``losses_shape``."""
    empty = np.empty(())
    losses, weights = _squeeze_or_expand(np.broadcast_to(empty, losses_shape), np.broadcast_to(empty, weights_shape))
    try:
        return np.broadcast_shapes(losses.shape, weights.shape) == losses.shape
    except ValueError:
        return False


def _keras_arithmetic(y_true, y_pred, mask, loss, sample_weight, reduction, ignore_class=None):
    """Steps 1-3 of the module docstring.

    Returns ``(losses, weights, weighted, mask, weight_sum, ignored)``: the per-element losses (a last
    axis of 1 squeezed or expanded to line up with the weights, as Keras does), each element's weight
    (broadcast to the shape of the product), their product, the bool mask (or None; with
    ``ignore_class``, ``mask & (y_true != ignore_class)``), the sum of the weights before broadcasting
    (what Keras' ``"mean_with_sample_weight"`` divides by), and the bool array of ignored elements
    (None without ``ignore_class``).
    """
    _reduction(reduction)
    fn, name, named = _loss_function(loss)
    ignore_class = _ignore_class(ignore_class, name if named else fn)
    y_true = _as_float("y_true", y_true)
    y_pred = _as_float("y_pred", y_pred)
    if y_pred.ndim == 0:
        raise ValueError(
            f"y_pred must have a batch axis, shape (batch, ...), got the scalar {_validate.show(y_pred.item())}"
        )
    if named:  # keras.losses.LossFunctionWrapper.call does this before every named loss
        y_true, y_pred = _squeeze_or_expand(y_true, y_pred)
    ignored = None
    try:
        if ignore_class is None:
            losses = np.asarray(fn(y_true, y_pred), dtype=np.float64)
        else:
            losses, ignored = _sparse_ignoring(y_true, y_pred, ignore_class)
    except (ValueError, TypeError):
        raise
    except Exception as error:
        raise ValueError(f"loss {name!r} raised {type(error).__name__}: {_validate.first_line(error)}") from error
    if losses.ndim == 0 or losses.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"loss {name!r} must return one value per element with the batch axis first, got shape {losses.shape}"
        )
    weights = None
    if mask is not None:
        mask = _validate.bool_mask("mask", mask)
        # Keras (reduce_weighted_values) squeezes or expands a last axis of 1 to line the mask up with
        # the losses, then broadcasts: a single-timestep mask may be (batch,), (batch, 1) or (batch, 1, 1).
        # A mask that would broadcast the losses to another shape is refused (Keras averages silently
        # over the wrong elements there, or raises "Incompatible shapes").
        if not _fits(losses.shape, mask.shape):
            raise ValueError(
                f"mask of shape {mask.shape} does not match the per-element losses of shape {losses.shape} "
                f"(y_pred {y_pred.shape}): {_validate.show_array(mask)}; expected a mask of the losses' shape "
                f"{losses.shape} (a sequence mask is (batch, timesteps)), or that shape with a last axis of 1 "
                "added or removed, which Keras squeezes"
            )
    if ignored is not None:
        # keras.src.losses.loss.Loss.__call__: the loss function attaches (y_true != ignore_class) to its
        # output as a mask, and Keras combines it with y_pred's mask as `in_mask & out_mask`.
        if mask is None:
            mask = ~ignored
        else:
            try:
                combined = np.logical_and(mask, ~ignored)
            except ValueError:
                combined = None
            if combined is None or combined.shape != losses.shape:
                raise ValueError(
                    f"mask of shape {mask.shape} beside ignore_class: Keras combines it with (y_true != "
                    f"ignore_class), of shape {ignored.shape}, as `mask & valid` by broadcasting, which does not "
                    f"give the losses' shape {losses.shape}; give a mask of shape {losses.shape}"
                )
            mask = combined
    if mask is not None:
        weights = mask.astype(np.float64)
    if sample_weight is not None:
        sw = _as_float("sample_weight", sample_weight)
        if weights is None:
            weights = sw
        else:  # keras.src.losses.loss.apply_mask: the mask is lined up with sample_weight first
            weights, sw = _squeeze_or_expand(weights, sw)
            weights = _multiply(sw, weights, "sample_weight and mask")
    if weights is None:
        return losses, np.ones_like(losses), losses, mask, float(losses.size), ignored
    losses, weights = _squeeze_or_expand(losses, weights)
    weighted = _multiply(losses, weights, "per-element losses and sample_weight")
    weight_sum = float(np.sum(weights))  # before broadcasting, as keras.src.losses.loss.reduce_values sums it
    weights = np.array(np.broadcast_to(weights, weighted.shape), dtype=np.float64)
    return losses, weights, weighted, mask, weight_sum, ignored


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
            neither is given), float64, the shape of ``losses``. With
            ``ignore_class`` the mask is ``mask & (y_true != ignore_class)``.
        reduction: the reduction used.
        ignored: bool array of ``losses``' shape, True where ``y_true ==
            ignore_class`` (those losses are 0 and their weights 0, as in
            Keras); None when no ``ignore_class`` was given.
    """

    value: float
    numerator: float
    denominator: float
    losses: np.ndarray
    weights: np.ndarray
    reduction: object
    ignored: np.ndarray | None = None

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
        return loss_to_html(self)


def explain_masked_loss(y_true, y_pred, mask=None, loss="mse", sample_weight=None,
                        reduction="sum_over_batch_size", ignore_class=None) -> MaskedLossExplanation:
    """Compute a masked loss as Keras 3 does, keeping every intermediate.

    Arguments and errors as :func:`masked_loss`, except that ``reduction``
    must not be None (there is nothing to explain without a reduction): a
    ValueError names it.

    Returns:
        :class:`MaskedLossExplanation`: ``value`` (float, what
        :func:`masked_loss` returns), ``numerator`` and ``denominator``
        (floats, ``value = numerator / denominator``, 0 when the
        denominator is 0), the per-element ``losses`` and ``weights``
        (float64 arrays of one shape; ``.rows()`` for a table), and
        ``ignored`` (bool, where ``y_true == ignore_class``; None without
        ``ignore_class``).

    >>> e = explain_masked_loss([[1, 2, -1]], [[[0.5, 0.5, 0.0], [0.2, 0.2, 0.6], [1.0, 0.0, 0.0]]],
    ...                         loss="sparse_categorical_crossentropy", ignore_class=-1)
    >>> e.ignored.tolist(), e.denominator, round(e.value, 6)      # (-log 0.5 - log 0.6) / 2
    ([[False, False, True]], 2.0, 0.601986)
    """
    if reduction in (None, "none"):
        raise ValueError("reduction must be 'sum_over_batch_size', 'sum' or 'mean' to explain a loss, got None")
    losses, weights, weighted, mask, weight_sum, ignored = _keras_arithmetic(
        y_true, y_pred, mask, loss, sample_weight, reduction, ignore_class)
    if ignored is not None:
        ignored = ignored.reshape(losses.shape) if ignored.size == losses.size else None

    def explained(value, numerator, denominator):
        return MaskedLossExplanation(value, numerator, denominator, losses, weights, reduction, ignored)

    numerator = float(np.sum(weighted))
    if reduction == "sum":
        return explained(numerator, numerator, 1.0)
    # "sum_over_batch_size" and "mean": Keras weights each kept element by total / valid and
    # divides the sum by the number of elements:
    #   sum(loss * w * total / valid) / size  =  sum(loss * w) / valid    (when size == total)
    # Both divisions are divide_no_nan, so an all-masked batch (valid == 0) gives 0, not NaN.
    size = weighted.size
    if reduction == "mean_with_sample_weight" and (mask is not None or sample_weight is not None):
        # Keras 3.15: the mask becomes a plain 0/1 weight and the sum is divided by the sum of the
        # weights (sample_weight * mask) as given, before they are broadcast against the losses (a
        # (batch, 1) sample_weight counts once per sample), again with divide_no_nan.
        denominator = weight_sum
    elif mask is None:
        denominator = float(size)
    else:
        total, valid = mask.size, int(mask.sum())
        denominator = valid * size / total
    value = numerator / denominator if denominator else 0.0
    return explained(value, numerator, denominator)


def masked_loss(y_true, y_pred, mask=None, loss="mse", sample_weight=None, reduction="sum_over_batch_size",
                ignore_class=None):
    """NumPy reference of a Keras 3 loss with a mask and sample weights.

    Computes what ``keras.losses.get(loss)(y_true, y_pred, sample_weight)``
    returns when ``mask`` is attached to ``y_pred`` (Keras 3.12-3.15,
    ``keras/src/losses/loss.py``), in float64: the value ``Model.evaluate``
    reports for a model whose output carries that mask.

    Args:
        y_true: targets, array-like or tensor of numbers. Same shape as
            ``y_pred``, or with a last axis of 1 added or removed (Keras
            squeezes it). For ``"sparse_categorical_crossentropy"``: class
            ids in ``[0, classes)``, of ``y_pred``'s shape without its last
            axis, or with a last axis of 1 instead: for ``y_pred`` of shape
            ``(batch, timesteps, classes)``, ``(batch, timesteps)`` or
            ``(batch, timesteps, 1)`` (a single timestep: ``(batch, 1)`` or
            ``(batch, 1, 1)``). With ``ignore_class``, that id too.
        y_pred: predictions, array-like or tensor of numbers, shape
            ``(batch, ...)``, e.g. ``(batch, timesteps, units)``;
            probabilities for the cross-entropies.
        mask: boolean-like (bools, or numbers that are all 0/1), the mask
            Keras would attach to ``y_pred``, of the per-element losses'
            shape (``(batch, timesteps)`` for sequences, i.e. ``y_pred``'s
            shape without its last axis), or that shape with a last axis of 1
            added or removed (Keras squeezes it: for one timestep
            ``(batch,)``, ``(batch, 1)`` and ``(batch, 1, 1)`` all fit), or
            a shape that broadcasts to it (``(batch, 1)``: one flag per
            sample). None: no mask.
        loss: ``"mse"``, ``"mae"``, ``"huber"`` (delta 1.0),
            ``"binary_crossentropy"``, ``"categorical_crossentropy"``,
            ``"sparse_categorical_crossentropy"``, or a callable
            ``fn(y_true, y_pred) -> per-element losses`` (NumPy arrays in
            and out, batch axis first). Probabilities are clipped to
            ``[1e-7, 1 - 1e-7]`` in float32, as Keras clips them.
        sample_weight: optional array-like of numbers, lined up with the
            mask and then with the per-element losses as Keras does
            (squeezing or expanding a last axis of 1, then broadcasting):
            ``(batch, timesteps)`` for sequences; a ``(batch,)`` vector fits
            only ``(batch,)`` or ``(batch, 1)`` losses.
        reduction: ``"sum_over_batch_size"`` (Keras' default), ``"mean"``
            (the same arithmetic), ``"sum"``, ``"mean_with_sample_weight"``
            (divides by the sum of ``sample_weight * mask`` as given, before
            broadcasting; Keras >= 3.15), or None / ``"none"`` (no
            reduction).
        ignore_class: None, or an integer class id, only with
            ``"sparse_categorical_crossentropy"``: Keras'
            ``SparseCategoricalCrossentropy(ignore_class=...)``. Elements whose
            label equals it (compared in float32, as Keras compares them) get
            loss 0 and are masked: Keras attaches ``y_true != ignore_class``
            to the per-element losses as a mask and combines it with
            ``mask`` as ``mask & (y_true != ignore_class)``, so the default
            reduction divides by the elements neither masked nor ignored.
            The label and prediction of an ignored element are replaced
            before the loss runs (Keras uses ``where``), so they may hold
            anything, NaN included; the other labels must be in
            ``[0, classes)``.

    Returns:
        ``float`` for a reduction (0.0 for an all-masked batch, as Keras'
        ``divide_no_nan`` gives); for ``reduction=None`` a float64 array of
        the per-element losses' shape: per-element losses times their
        weights (mask included). Non-finite values at masked elements are
        not skipped: the mask multiplies, and ``0 × NaN`` or ``0 × inf`` is
        NaN, in Keras and here.

    Raises:
        ValueError: unknown ``loss`` or ``reduction``; ``y_pred`` a scalar;
            ragged inputs; ``y_true`` and ``y_pred`` shapes that do not fit
            the loss (including ``(batch,)`` class ids for a ``(batch, 1,
            classes)`` ``y_pred``, and a one-class ``y_pred`` of shape
            ``(batch, timesteps, 1)`` with ``(batch, timesteps)`` class ids:
            Keras refuses both); class ids outside ``[0, classes)``; a
            ``mask`` that does not fit the per-element losses as above (the
            message gives both shapes: Keras raises "Incompatible shapes",
            or, for a mask of two more axes, silently broadcasts the losses
            to the wrong shape); a ``sample_weight`` that does not broadcast;
            ``ignore_class`` with another loss or not a whole number, or
            beside a ``mask`` whose shape does not combine with the labels'.
            Every message names the argument.
        TypeError: non-numeric inputs; a ``mask`` that is not boolean-like;
            a Keras loss object (it reduces; pass its name); an
            ``ignore_class`` that is not a number (a bool, a str).

    Example:

    >>> y_true = np.zeros((1, 4, 1)); y_pred = np.array([[[1.0], [2.0], [3.0], [4.0]]])
    >>> masked_loss(y_true, y_pred, mask=[[True, True, False, False]])   # (1 + 4) / 2
    2.5
    >>> round(masked_loss([[[1]], [[0]]], [[[0.2, 0.8]], [[0.6, 0.4]]], mask=[True, False],
    ...                   loss="sparse_categorical_crossentropy"), 6)   # one timestep: -log(0.8)
    0.223144
    >>> round(masked_loss([[1, -1]], [[[0.2, 0.8], [0.5, 0.5]]], loss="sparse_categorical_crossentropy",
    ...                   ignore_class=-1), 6)                          # the -1 step is left out: -log(0.8)
    0.223144
    >>> y_nan = np.array([[[0.0], [np.nan]]])                          # a NaN target at a masked step
    >>> masked_loss(y_nan, np.zeros((1, 2, 1)), mask=[[True, False]])    # 0 x NaN = NaN
    nan
    """
    if reduction in (None, "none"):
        return _keras_arithmetic(y_true, y_pred, mask, loss, sample_weight, reduction, ignore_class)[2]
    return explain_masked_loss(y_true, y_pred, mask, loss, sample_weight, reduction, ignore_class).value
