"""Lesson 05, loss and metrics: which steps and weights a compiled loss and metric use under a mask.

Every behaviour here runs on one batch (:data:`_X05`, two sequences of 5
steps, the first with 2 padded steps; labels :data:`_Y05`; kept steps
:data:`_M05`) and compares what Keras reports with masklab's NumPy
reference :func:`masklab.losses.masked_loss`.
"""

from __future__ import annotations

import numpy as np

from masklab.behaviours._registry import behaviour, exception_name, load_keras
from masklab.losses import masked_loss

_X05 = np.array([[[0.5], [0.8], [0.1], [0.0], [0.0]], [[0.9], [0.3], [0.7], [0.2], [0.6]]], "float32")
_Y05 = np.array([[[1], [0], [1], [1], [1]], [[0], [1], [1], [0], [1]]], "float32")
_M05 = _X05[..., 0] != 0


def _seed_model(loss="binary_crossentropy", recurrent=True):
    """The seed's model: Masking -> [LSTM(return_sequences)] -> Dense(1, sigmoid), compiled with ``loss``."""
    keras = load_keras()
    inputs = keras.Input((5, 1))
    h = keras.layers.Masking(0.0)(inputs)
    if recurrent:
        h = keras.layers.LSTM(4, return_sequences=True)(h)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(loss=loss)
    return model


def _evaluate_equals_masked_loss(model, keep=_M05, sample_weight=None):
    """Whether ``model.evaluate`` on the batch equals masklab's masked mean over ``keep``, to 1e-5.

    ``keep``: bool ``(2, 5)``, the steps the mean runs over; None for every step.
    """
    value = model.evaluate(_X05, _Y05, sample_weight=sample_weight, verbose=0)
    pred = model.predict(_X05, verbose=0)
    return bool(abs(value - masked_loss(_Y05, pred, keep, loss="binary_crossentropy")) < 1e-5)


def _masked_labels_ignored(model):
    """Whether flipping the labels at masked steps leaves ``model.evaluate`` unchanged (to 1e-7)."""
    flipped = _Y05.copy()
    flipped[~_M05] = 1 - flipped[~_M05]
    return bool(abs(model.evaluate(_X05, _Y05, verbose=0) - model.evaluate(_X05, flipped, verbose=0)) < 1e-7)


@behaviour("loss.masked_labels_ignored_after_lstm", "05",
           "Masking -> LSTM(return_sequences) -> Dense: do labels at masked steps leave the loss unchanged?")
def _ignored_lstm():
    return _masked_labels_ignored(_seed_model())


@behaviour("loss.masked_labels_ignored_after_dense", "05",
           "Masking -> Dense (no RNN): do labels at masked steps leave the loss unchanged?")
def _ignored_dense():
    return _masked_labels_ignored(_seed_model(recurrent=False))


@behaviour("loss.denominator", "05",
           "Masking -> Dense, default reduction: is the loss sum divided by kept steps or all steps?")
def _denominator():
    model = _seed_model(recurrent=False)
    if _evaluate_equals_masked_loss(model, _M05):
        return "kept steps"
    return "all steps" if _evaluate_equals_masked_loss(model, None) else "other"


@behaviour("loss.lstm_model_matches_masked_mean", "05",
           "Masking -> LSTM(return_sequences) -> Dense: does evaluate equal the masked mean of the loss?")
def _lstm_matches():
    return _evaluate_equals_masked_loss(_seed_model())


@behaviour("loss.all_masked_batch", "05", "Masking -> Dense: the loss of an all-padding batch")
def _all_masked():
    value = _seed_model(recurrent=False).evaluate(np.zeros_like(_X05), _Y05, verbose=0)
    return "nan" if np.isnan(value) else round(float(value), 6)


@behaviour("loss.all_masked_batch_after_lstm", "05",
           "Masking -> LSTM(return_sequences) -> Dense: the loss of an all-padding batch")
def _all_masked_lstm():
    value = _seed_model().evaluate(np.zeros_like(_X05), _Y05, verbose=0)
    return "nan" if np.isnan(value) else ("0.0" if value == 0 else "non-zero")


@behaviour("loss.mask_as_sample_weight", "05",
           "Masking -> LSTM(return_sequences) -> Dense, reduction='mean_with_sample_weight', sample_weight=mask: "
           "does evaluate equal the masked mean?")
def _mask_as_weight():
    model = _seed_model(loss=load_keras().losses.BinaryCrossentropy(reduction="mean_with_sample_weight"))
    return _evaluate_equals_masked_loss(model, sample_weight=_M05.astype("float32"))


def _sample_weight_shape(shape):
    model = _seed_model(recurrent=False)
    verdict = exception_name(lambda: model.evaluate(_X05, _Y05, sample_weight=np.ones(shape, "float32"), verbose=0))
    return "works" if verdict == "no error" else f"fails: {verdict}"


@behaviour("loss.sample_weight_batch_beside_mask", "05",
           "evaluate with sample_weight of shape (batch,) beside a (batch, timesteps) mask")
def _sw_batch():
    return _sample_weight_shape((2,))


@behaviour("loss.sample_weight_timesteps_beside_mask", "05",
           "evaluate with sample_weight of shape (batch, timesteps) beside a mask")
def _sw_steps():
    return _sample_weight_shape((2, 5))


def _metric_reads_mask(factory, weighted):
    """Which candidate a compiled metric matches: kept steps or all steps (weights applied or not)."""
    keras = load_keras()
    inputs = keras.Input((5, 1))
    dense = keras.layers.Dense(1, activation="sigmoid")
    model = keras.Model(inputs, dense(keras.layers.Masking(0.0)(inputs)))
    dense.set_weights([np.array([[-8.0]]), np.array([4.0])])
    y = _Y05.copy()
    y[~_M05] = 0.0
    weights = np.array([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], "float32")
    key = "weighted_metrics" if weighted else "metrics"
    model.compile(loss="binary_crossentropy", **{key: [factory(name="m")]})
    result = model.evaluate(_X05, y, sample_weight=weights, verbose=0, return_dict=True)["m"]
    p = model.predict(_X05, verbose=0)
    every = np.ones_like(_M05)
    found = []
    for label, keep, use in (("kept steps", _M05, False), ("kept, weighted", _M05, True),
                             ("all steps", every, False), ("all, weighted", every, True)):
        metric = factory()
        metric.update_state(y[keep], p[keep], sample_weight=weights[keep] if use else None)
        if abs(float(metric.result()) - result) < 1e-5:
            found.append(label)
    return " = ".join(found) or "none of them"


# (name in the behaviour id, keras.metrics class): each registered as metrics=... and weighted_metrics=...
_METRICS = (("mae", "MeanAbsoluteError"), ("binary_accuracy", "BinaryAccuracy"), ("auc", "AUC"),
            ("precision", "Precision"))


def _metric_behaviour(cls, weighted):
    def observe():
        return _metric_reads_mask(getattr(load_keras().metrics, cls), weighted)
    return observe


def _register_metrics():
    for name, cls in _METRICS:
        for weighted in (False, True):
            kind = "weighted_metrics" if weighted else "metrics"
            behaviour(f"metric.{name}.{kind}", "05",
                      f"{cls} in compile({kind}=...): which steps and weights does it use?")(
                _metric_behaviour(cls, weighted))


_register_metrics()


@behaviour("loss.keep_mask_matches_masked_mean", "05",
           "Masking -> masklab KeepMask(LSTM(return_sequences)) -> Dense: does evaluate equal the masked mean?")
def _keep_mask_loss():
    from masklab.layers import KeepMask  # imports Keras: loaded when the behaviour runs

    keras = load_keras()
    inputs = keras.Input((5, 1))
    h = KeepMask(keras.layers.LSTM(4, return_sequences=True))(keras.layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(loss="binary_crossentropy")
    return _evaluate_equals_masked_loss(model)
