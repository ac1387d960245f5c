"""Lesson 05, loss and metrics: which steps and weights a compiled loss and metric use under a mask.

Every behaviour here runs on one batch (:data:`_X05`, two sequences of 5
steps, the first with 2 padded steps; labels :data:`_Y05`; kept steps
:data:`_M05`) and compares what Keras reports with masklab's NumPy
reference :func:`masklab.losses.masked_loss`.
"""

from __future__ import annotations

import numpy as np

from masklab.behaviours._registry import behaviour, exception_name, load_keras, to_numpy
from masklab.losses import explain_masked_loss, masked_loss

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


def _dense_model(steps=5, masking=True):
    """(Masking ->) Dense(1, sigmoid) on ``(batch, steps, 1)`` inputs, compiled with binary cross-entropy."""
    keras = load_keras()
    inputs = keras.Input((steps, 1))
    h = keras.layers.Masking(0.0)(inputs) if masking else inputs
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(loss="binary_crossentropy")
    return model


def _sample_weight_shape(shape, masking=True):
    # A fresh model each time: after a failed evaluate, Keras 3.15.1 can fail the same model's next
    # evaluate with another sample_weight shape ("Cannot take the length of shape with unknown rank").
    model = _seed_model(recurrent=False) if masking else _dense_model(masking=False)
    verdict = exception_name(lambda: model.evaluate(_X05, _Y05, sample_weight=np.ones(shape, "float32"), verbose=0))
    return "works" if verdict == "no error" else f"fails: {verdict}"


def _weighting(model, x, y, weights, sample_weight, mask=None):
    """Which weighting ``model.evaluate(x, y, sample_weight=sample_weight)`` applied.

    ``weights``: the ``(batch,)`` vector behind ``sample_weight`` (which is
    that vector, or it as ``(batch, 1)``). Returns "per sample" (each
    sample's steps all got its weight), "per timestep" (step ``t`` of every
    sample got ``weights[t]``, possible only when batch == timesteps),
    "other", or "fails: ErrorType".
    """
    try:
        value = model.evaluate(x, y, sample_weight=sample_weight, verbose=0)
    except Exception as error:  # noqa: BLE001 - the observation is the error's type
        return f"fails: {type(error).__name__}"
    pred = model.predict(x, verbose=0)
    batch, steps = pred.shape[:2]
    readings = {"per sample": np.repeat(weights[:, None], steps, axis=1)}
    if batch == steps:
        readings["per timestep"] = np.repeat(weights[None, :], batch, axis=0)
    for label, full in readings.items():
        if abs(value - masked_loss(y, pred, mask, loss="binary_crossentropy", sample_weight=full)) < 1e-5:
            return label
    return "other"


@behaviour("loss.sample_weight_batch_beside_mask", "05",
           "evaluate with sample_weight of shape (batch,) beside a (batch, timesteps) mask")
def _sw_batch():
    return _sample_weight_shape((2,))


@behaviour("loss.sample_weight_timesteps_beside_mask", "05",
           "evaluate with sample_weight of shape (batch, timesteps) beside a mask")
def _sw_steps():
    return _sample_weight_shape((2, 5))


@behaviour("loss.sample_weight_batch_without_mask", "05",
           "evaluate with sample_weight of shape (batch,) for a per-timestep loss, no mask (Dense, no Masking)")
def _sw_batch_no_mask():
    return _sample_weight_shape((2,), masking=False)


@behaviour("loss.sample_weight_batch_1_beside_mask", "05",
           "evaluate with sample_weight of shape (batch, 1) beside a mask: which weighting does it apply?")
def _sw_batch_1():
    weights = np.array([1.0, 3.0], "float32")
    return _weighting(_seed_model(recurrent=False), _X05, _Y05, weights, weights[:, None], _M05)


@behaviour("loss.sample_weight_batch_when_batch_equals_timesteps", "05",
           "3 sequences x 3 timesteps, no mask, sample_weight [1, 0, 0] of shape (batch,): which weighting?")
def _sw_square():
    # Exercise 05.2's case: fixed weights (p = sigmoid(4 - 8x)), so the two readings differ by far more
    # than the tolerance (per sample 0.09, per timestep 0.79).
    x = np.array([[[0.5], [0.9], [0.1]], [[0.1], [0.3], [0.7]], [[0.9], [0.6], [0.2]]], "float32")
    y = np.array([[[1], [0], [1]], [[0], [1], [0]], [[1], [0], [1]]], "float32")
    model = _dense_model(steps=3, masking=False)
    model.layers[-1].set_weights([np.array([[-8.0]]), np.array([4.0])])
    weights = np.array([1.0, 0.0, 0.0], "float32")
    return _weighting(model, x, y, weights, weights)


@behaviour("loss.compile_sample_weight_mode", "05",
           "compile(loss=..., sample_weight_mode='temporal'), Keras 2's per-timestep switch: accepted or an error?")
def _sample_weight_mode():
    model = _dense_model(masking=False)
    verdict = exception_name(lambda: model.compile(loss="binary_crossentropy", sample_weight_mode="temporal"))
    return "accepted" if verdict == "no error" else f"fails: {verdict}"


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
_METRICS = (("mae", "MeanAbsoluteError"), ("mse", "MeanSquaredError"), ("binary_accuracy", "BinaryAccuracy"),
            ("binary_crossentropy", "BinaryCrossentropy"), ("auc", "AUC"), ("precision", "Precision"))


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


# --- Alternatives to a mask in the loss -------------------------------------------------------------------------------
# The same batch: labels are class ids of 3 classes, with -1 at the padded steps (_IDS05).

_IDS05 = np.where(_M05, np.array([[1, 0, 2, 0, 0], [2, 1, 0, 2, 1]]), -1).astype("float32")
_SPARSE = "sparse_categorical_crossentropy"


def _softmax_model(masking):
    """(Masking ->) Dense(3, softmax) on ``_X05``, with fixed weights (3 distinct predictions per step)."""
    keras = load_keras()
    inputs = keras.Input((5, 1))
    h = keras.layers.Masking(0.0)(inputs) if masking else inputs
    dense = keras.layers.Dense(3, activation="softmax")
    model = keras.Model(inputs, dense(h))
    dense.set_weights([np.array([[2.0, -1.0, 0.5]], "float32"), np.array([0.1, 0.3, -0.2], "float32")])
    return model


@behaviour("loss.ignore_class_denominator", "05",
           "Dense(3, softmax), SparseCategoricalCrossentropy(ignore_class=-1), labels -1 at the padded steps, no "
           "mask: does evaluate divide by the non-ignored steps or by all steps?")
def _ignore_class_denominator():
    model = _softmax_model(masking=False)
    model.compile(loss=load_keras().losses.SparseCategoricalCrossentropy(ignore_class=-1))
    value = model.evaluate(_X05, _IDS05, verbose=0)
    e = explain_masked_loss(_IDS05, model.predict(_X05, verbose=0), loss=_SPARSE, ignore_class=-1)
    if abs(value - e.numerator / _M05.sum()) < 1e-5:
        return "non-ignored steps"
    return "all steps" if abs(value - e.numerator / _M05.size) < 1e-5 else "other"


@behaviour("loss.ignore_class_beside_mask", "05",
           "Masking -> Dense(3, softmax), ignore_class=-1, a -1 label at a kept step and a real label at a masked "
           "step: which steps does evaluate average over?")
def _ignore_class_beside_mask():
    labels = _IDS05.copy()
    labels[1, 2] = -1                                   # ignored, though the mask keeps it
    labels[0, 3] = 2                                    # a real class, though the mask drops it
    model = _softmax_model(masking=True)
    model.compile(loss=load_keras().losses.SparseCategoricalCrossentropy(ignore_class=-1))
    value = model.evaluate(_X05, labels, verbose=0)
    pred = model.predict(_X05, verbose=0)
    both = explain_masked_loss(labels, pred, _M05, loss=_SPARSE, ignore_class=-1)
    readings = {"neither masked nor ignored": both.value,
                "mask only": both.numerator / _M05.sum(),
                "ignore_class only": masked_loss(labels, pred, loss=_SPARSE, ignore_class=-1)}
    found = [label for label, v in readings.items() if abs(value - v) < 1e-5]
    return " = ".join(found) or "other"


@behaviour("loss.sparse_label_minus_one_without_ignore_class", "05",
           "SparseCategoricalCrossentropy() without ignore_class, a label of -1 at one step: an error, or which loss?")
def _minus_one_without_ignore_class():
    keras = load_keras()
    pred = np.array([[[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]], "float32")
    labels = np.array([[2, -1]], "float32")
    try:
        per_step = to_numpy(keras.losses.SparseCategoricalCrossentropy(reduction=None)(labels, pred))
    except Exception as error:  # noqa: BLE001 - the observation is the error's type
        return f"fails: {type(error).__name__}"
    if np.isnan(per_step[0, 1]):
        return "no error: NaN at the -1 step"
    if abs(per_step[0, 1]) < 1e-7:
        return "no error: loss 0 at the -1 step, which still counts in the denominator"
    if abs(per_step[0, 1] + np.log(0.1)) < 1e-5:
        return "no error: the -1 step is scored as the last class"
    return "no error: other"


def _mse_model():
    keras = load_keras()
    inputs = keras.Input((5, 1))
    dense = keras.layers.Dense(1)
    model = keras.Model(inputs, dense(keras.layers.Masking(0.0)(inputs)))
    dense.set_weights([np.array([[0.5]], "float32"), np.array([0.1], "float32")])
    model.compile(optimizer="sgd", loss="mse")
    return model


@behaviour("loss.nonfinite_target_at_masked_step", "05",
           "Masking -> Dense, mse: evaluate with a NaN target, then an inf target, at a masked step")
def _nonfinite_target():
    found = []
    for pad in (np.nan, np.inf):
        targets = np.where(_M05[..., None], _Y05, pad).astype("float32")
        value = _mse_model().evaluate(_X05, targets, verbose=0)
        found.append("nan" if np.isnan(value) else "finite")
    return found


@behaviour("loss.nan_target_at_masked_step_fit", "05",
           "Masking -> Dense, mse, one fit step with a NaN target at a masked step: do the weights become NaN?")
def _nan_target_fit():
    model = _mse_model()
    model.fit(_X05, np.where(_M05[..., None], _Y05, np.nan).astype("float32"), epochs=1, verbose=0)
    return bool(any(np.isnan(w).any() for w in model.get_weights()))


@behaviour("loss.ignore_class_nan_prediction_at_ignored_step", "05",
           "A NaN prediction at a step left out by ignore_class=-1, and at a masked step: is the loss finite?")
def _nan_prediction():
    keras = load_keras()
    from masklab.masks import attach_mask

    pred = np.array([[[0.5, 0.5], [np.nan, np.nan]]], "float32")
    by_ignore = float(keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([[1, -1]], "float32"), pred))
    by_mask = float(keras.losses.SparseCategoricalCrossentropy()(np.array([[1, 0]], "float32"),
                                                                 attach_mask(pred, [[True, False]])))
    return [f"ignore_class: {'nan' if np.isnan(by_ignore) else 'finite'}",
            f"mask: {'nan' if np.isnan(by_mask) else 'finite'}"]


# A per-sequence loss: CTC gives one loss per sequence, (batch,), while a time mask is (batch, timesteps).

_CTC_LABELS = np.array([[1, 2, 0], [3, 0, 0], [1, 0, 0], [2, 3, 0], [1, 1, 0]], "int32")   # 0: CTC's blank/padding
_CTC_LENGTHS = np.array([5, 3, 2, 4, 5])


def _ctc_inputs(batch):
    """``batch`` sequences of 5 frames of 2 features, padded with 0 after ``_CTC_LENGTHS``; their labels."""
    rng = np.random.default_rng(5)
    x = rng.uniform(0.5, 1.5, size=(batch, 5, 2)).astype("float32")
    x[np.arange(5)[None, :] >= _CTC_LENGTHS[:batch, None]] = 0.0
    return x, _CTC_LABELS[:batch]


def _ctc_model(drop_mask=False):
    """Masking -> Dense(4) logits [-> a layer that returns no mask], compiled with keras.losses.CTC()."""
    keras = load_keras()

    class DropMask(keras.layers.Layer):
        def compute_mask(self, inputs, mask=None):
            return None

        def call(self, inputs):
            return keras.ops.copy(inputs)

    inputs = keras.Input((5, 2))
    h = keras.layers.Dense(4)(keras.layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, DropMask()(h) if drop_mask else h)
    model.compile(loss=keras.losses.CTC())
    return model


def _ctc_verdict(batch):
    x, labels = _ctc_inputs(batch)
    model = _ctc_model()
    try:
        value = model.evaluate(x, labels, verbose=0)
    except Exception as error:  # noqa: BLE001 - the observation is the error's type
        return f"fails: {type(error).__name__}"
    per_sequence = to_numpy(load_keras().losses.CTC(reduction=None)(labels, model.predict(x, verbose=0)))
    return "the mean per-sequence loss" if abs(value - per_sequence.mean()) < 1e-4 else "another number, no error"


@behaviour("loss.ctc_beside_time_mask", "05",
           "Masking -> Dense -> keras.losses.CTC, 2 sequences of 5 frames: evaluate with the time mask on the output")
def _ctc_beside_mask():
    return _ctc_verdict(2)


@behaviour("loss.ctc_beside_time_mask_batch_equals_timesteps", "05",
           "Masking -> Dense -> keras.losses.CTC, 5 sequences of 5 frames: evaluate with the time mask on the output")
def _ctc_beside_mask_square():
    return _ctc_verdict(5)


@behaviour("loss.ctc_after_a_layer_that_drops_the_mask", "05",
           "Masking -> Dense -> a layer whose compute_mask returns None -> CTC: does evaluate give the mean "
           "per-sequence loss?")
def _ctc_drop_mask():
    x, labels = _ctc_inputs(2)
    model = _ctc_model(drop_mask=True)
    value = model.evaluate(x, labels, verbose=0)
    per_sequence = to_numpy(load_keras().losses.CTC(reduction=None)(labels, model.predict(x, verbose=0)))
    return bool(abs(value - per_sequence.mean()) < 1e-4)


@behaviour("loss.ctc_counts_padded_frames", "05",
           "keras.losses.CTC on padded logits: does it equal keras.ops.ctc_loss over all frames (padding included) "
           "or over each sequence's real frames?")
def _ctc_padded_frames():
    keras = load_keras()
    x, labels = _ctc_inputs(2)
    logits = _ctc_model().predict(x, verbose=0)
    value = to_numpy(keras.losses.CTC(reduction=None)(labels, logits))
    label_length = (labels != 0).sum(axis=1).astype("int32")
    readings = {"all frames": np.full(2, 5, "int32"), "real frames": _CTC_LENGTHS[:2].astype("int32")}
    found = [name for name, lengths in readings.items()
             if np.allclose(value, to_numpy(keras.ops.ctc_loss(labels, logits, label_length, lengths)), atol=1e-4)]
    return " = ".join(found) or "neither"
