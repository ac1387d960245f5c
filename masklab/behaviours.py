"""The registry of Keras behaviours the lessons teach, each runnable on the installed Keras.

Every behaviour a lesson states about Keras is a small named function here
that runs it on the installed Keras and backend and returns what it
observed: a bool, a short string or a rounded number, never a verdict typed
by hand. ``python -m masklab.matrix`` prints them all for one environment;
``scripts/behaviour_matrix.py`` runs them in several (TensorFlow, JAX and
PyTorch backends; the lowest supported Keras; keras-nightly) and writes
``docs/behaviour_matrix.md``. Lesson 03's layer table and lesson 06's
backend table read from this registry, so a lesson, the matrix and CI
cannot disagree.

Where the answer depends on the Keras version, :data:`RULES` names the rule
and its source, and :func:`holds` says whether the installed Keras is on
the rule's side; lessons assert with the rule's text.

Example:

>>> from masklab import behaviours
>>> behaviours.REGISTRY["embedding.mask_zero_keeps_output"].lesson
'02'
>>> behaviours.run("masking.all_features_rule")
[False, True, True, False]
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable

import numpy as np

__all__ = [
    "LAYERS",
    "REGISTRY",
    "RULES",
    "Behaviour",
    "Rule",
    "environment",
    "holds",
    "keras_release",
    "run",
    "run_all",
    "run_in_backend",
    "trace_after_masking",
]


# ---------------------------------------------------------------------------
# Version rules
# ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Rule:
    """A behaviour that changed at one Keras release.

    Attributes:
        text: the rule, as a lesson's assert message states it.
        since: the first Keras release ``(major, minor)`` where ``text`` holds,
            or None when it holds from the lowest supported release on.
        until: the first release where it stops holding, or None.
        source: where the change is recorded (a PR or commit).
    """

    text: str
    since: tuple | None = None
    until: tuple | None = None
    source: str = ""


RULES = {
    "rnn_passes_mask": Rule(
        "up to Keras 3.15 an RNN (and Bidirectional, TimeDistributed) with return_sequences=True passes "
        "the mask on; from Keras 3.16 it uses the mask but no longer passes it on",
        until=(3, 16), source="keras-team/keras PR #23235 (commit a8b52ca1)"),
    "masking_writes_where": Rule(
        "from Keras 3.15 Masking writes masked steps with ops.where (+0.0); before, it multiplied by the "
        "mask (-0.0 for negative inputs)",
        since=(3, 15), source="keras-team/keras PR #22392 (commit d36087ce)"),
}


def keras_release() -> tuple:
    """The installed Keras release as ``(major, minor)`` ints.

    A development build counts as the release it leads to:
    ``3.16.0.dev2026102704`` gives ``(3, 16)``.

    Returns:
        tuple of two ints.
    """
    import keras

    major, minor = keras.version().split(".")[:2]
    return int(major), int(minor)


def holds(rule: str) -> bool:
    """Whether :data:`RULES` ``[rule]`` holds on the installed Keras.

    Args:
        rule: a key of :data:`RULES`.

    Returns:
        bool.

    Raises:
        KeyError: unknown rule name (the message lists the known ones).
    """
    if rule not in RULES:
        raise KeyError(f"rule must be one of {sorted(RULES)}, got {rule!r}")
    spec, release = RULES[rule], keras_release()
    return (spec.since is None or release >= spec.since) and (spec.until is None or release < spec.until)


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Behaviour:
    """One behaviour a lesson teaches.

    Attributes:
        name: dotted id, e.g. ``"loss.masked_labels_ignored_after_lstm"``.
        lesson: the lesson that states it, e.g. ``"05"``.
        question: what the behaviour answers, in one line.
        fn: a function of no arguments that runs it on the installed Keras and
            returns a bool, str, int, float or list of those.
    """

    name: str
    lesson: str
    question: str
    fn: Callable[[], object]


REGISTRY: dict = {}


def _behaviour(name, lesson, question):
    def register(fn):
        REGISTRY[name] = Behaviour(name, lesson, question, fn)
        return fn
    return register


def run(name: str):
    """Run one behaviour on the installed Keras and return what it observed.

    Args:
        name: a key of :data:`REGISTRY`.

    Returns:
        a bool, str, int, float or list: the observation.

    Raises:
        KeyError: unknown name. Errors raised by Keras inside the behaviour
        propagate (:func:`run_all` records them instead).
    """
    if name not in REGISTRY:
        raise KeyError(f"no behaviour named {name!r}; see masklab.behaviours.REGISTRY")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _keras().utils.set_random_seed(0)
        return REGISTRY[name].fn()


def run_all(names=None, *, progress=None) -> dict:
    """Run several behaviours; an error becomes the observation ``"error: Type"``.

    Args:
        names: iterable of registry names; None runs all, in registry order.
        progress: optional callable ``progress(i, total, name)`` before each.

    Returns:
        dict name -> observation.
    """
    names = list(REGISTRY) if names is None else list(names)
    results = {}
    for i, name in enumerate(names):
        if progress is not None:
            progress(i, len(names), name)
        try:
            results[name] = run(name)
        except Exception as error:  # the observation is the error's type
            results[name] = f"error: {type(error).__name__}"
    return results


def environment() -> dict:
    """Versions and device of the running environment.

    Returns:
        dict with ``backend``, ``keras``, ``tensorflow``, ``jax``, ``torch``,
        ``numpy``, ``python`` (version strings, None when not installed) and
        ``device`` (``"cpu"`` or ``"gpu"``).
    """
    import importlib.metadata as metadata

    keras = _keras()

    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    backend = keras.backend.backend()
    return {
        "backend": backend,
        "keras": keras.version(),
        "tensorflow": version("tensorflow") or version("tensorflow-cpu"),
        "jax": version("jax"),
        "torch": version("torch"),
        "numpy": np.__version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "device": _device(backend),
    }


def _device(backend):
    if backend == "tensorflow":
        import tensorflow as tf

        return "gpu" if tf.config.list_logical_devices("GPU") else "cpu"
    if backend == "jax":
        import jax

        return "gpu" if jax.devices()[0].platform == "gpu" else "cpu"
    if backend == "torch":
        import torch

        return "gpu" if torch.cuda.is_available() else "cpu"
    return "cpu"


def run_in_backend(backend: str, names=None, *, python: str | None = None, timeout: float = 300) -> dict | None:
    """Run behaviours under another Keras backend, in a fresh Python process.

    Keras picks its backend once per process, so a lesson running on
    TensorFlow asks a subprocess (``python -m masklab.matrix --json`` with
    ``KERAS_BACKEND`` set) for the JAX or PyTorch answer.

    Args:
        backend: ``"tensorflow"``, ``"jax"`` or ``"torch"``.
        names: registry names to run (None: all).
        python: the interpreter to use (default: this one).
        timeout: seconds before the subprocess is stopped.

    Returns:
        ``{"environment": {...}, "results": {name: observation}}``, or None
        when the backend's package is not installed for this interpreter.

    Raises:
        ValueError: unknown backend.
        RuntimeError: the subprocess failed (its last stderr lines quoted).
    """
    modules = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    if backend not in modules:
        raise ValueError(f"backend must be one of {sorted(modules)}, got {backend!r}")
    if python is None and importlib.util.find_spec(modules[backend]) is None:
        return None
    command = [python or sys.executable, "-m", "masklab.matrix", "--json"]
    if names is not None:
        command += ["--only", ",".join(names)]
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the {backend} subprocess failed (exit {done.returncode}):\n{tail}")
    return json.loads(done.stdout)


def _keras():
    from masklab.environment import quiet_stderr

    with quiet_stderr():
        import keras
    return keras


def _np(x):
    """A backend tensor (or array) as NumPy; torch tensors that require grad included."""
    return np.asarray(_keras().ops.convert_to_numpy(x))


def _catch(fn):
    """Run ``fn``; return ``"no error"``, or the name of the exception it raised."""
    try:
        fn()
    except Exception as error:
        return type(error).__name__
    return "no error"


def _mask(x):
    from masklab.masks import get_mask

    return get_mask(x)


# ---------------------------------------------------------------------------
# Lesson 01: padding
# ---------------------------------------------------------------------------

@_behaviour("padding.default_side", "01", "Which side does keras.utils.pad_sequences pad by default?")
def _padding_default_side():
    out = _keras().utils.pad_sequences([[1, 2], [3]])
    return {(0, 3): "pre", (3, 0): "post"}.get(tuple(out[1].tolist()), str(out[1].tolist()))


@_behaviour("padding.default_truncating", "01", "Which end does pad_sequences cut by default (maxlen=2)?")
def _padding_default_truncating():
    out = _keras().utils.pad_sequences([[1, 2, 3]], maxlen=2)
    return {(2, 3): "pre", (1, 2): "post"}.get(tuple(out[0].tolist()), str(out[0].tolist()))


@_behaviour("padding.default_dtype", "01", "What dtype does pad_sequences return by default?")
def _padding_default_dtype():
    return str(_keras().utils.pad_sequences([[1.5]]).dtype)


@_behaviour("vocabulary.textvectorization_reserved", "01",
            "Which ids does TextVectorization reserve at the start of its vocabulary?")
def _textvectorization_reserved():
    layer = _keras().layers.TextVectorization(vocabulary=["cat"])
    return [str(w) for w in layer.get_vocabulary()[:2]]


# ---------------------------------------------------------------------------
# Lesson 02: generating masks
# ---------------------------------------------------------------------------

@_behaviour("embedding.mask_zero_keeps_output", "02",
            "Does Embedding(mask_zero=True) still return row 0 (not zeros) for id 0?")
def _embedding_keeps_output():
    layer = _keras().layers.Embedding(5, 3, mask_zero=True)
    out = _np(layer(np.array([[1, 0]])))
    return bool(np.allclose(out[0, 1], _np(layer.embeddings)[0]) and np.abs(out[0, 1]).sum() > 0)


@_behaviour("embedding.mask_rule", "02", "Is Embedding(mask_zero=True)'s mask exactly ids != 0?")
def _embedding_mask_rule():
    ids = np.array([[1, 0, 2, 0], [0, 3, 0, 4]])
    out = _keras().layers.Embedding(5, 3, mask_zero=True)(ids)
    return bool((_mask(out) == (ids != 0)).all())


@_behaviour("embedding.no_mask_by_default", "02", "Does an Embedding without mask_zero attach a mask?")
def _embedding_no_mask():
    return _mask(_keras().layers.Embedding(5, 3)(np.array([[1, 0]]))) is not None


@_behaviour("masking.all_features_rule", "02",
            "Masking(0.0) on steps [0,0], [0,1], [3,0], [0,0]: which steps are kept?")
def _masking_all_features():
    x = np.array([[[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [0.0, 0.0]]], "float32")
    return _mask(_keras().layers.Masking(0.0)(x))[0].tolist()


@_behaviour("masking.output_at_masked_step", "02",
            "What does Masking(-1.0) write at a masked step?")
def _masking_writes():
    x = np.array([[[1.0, 2.0], [-1.0, -1.0]]], "float32")
    value = float(_np(_keras().layers.Masking(-1.0)(x))[0, 1, 0])
    return "-0.0" if np.signbit(value) and value == 0 else repr(value)


@_behaviour("masking.collision_masks_real_step", "02",
            "Does Masking(0.0) also mask a real step whose features are all 0?")
def _masking_collision():
    x = np.array([[[0.5, 0.5], [0.0, 0.0], [0.7, 0.1]]], "float32")
    return not bool(_mask(_keras().layers.Masking(0.0)(x))[0, 1])


@_behaviour("masking.compute_mask_matches_call", "02",
            "Does Masking.compute_mask give the mask its call attaches?")
def _masking_compute_mask():
    x = np.array([[[1.0], [0.0], [2.0]]], "float32")
    layer = _keras().layers.Masking(0.0)
    return bool((_np(layer.compute_mask(x)) == _mask(layer(x))).all())


@_behaviour("rnn.carries_output_forward", "02",
            "At a masked timestep, does an LSTM repeat its previous output?")
def _rnn_carries():
    keras = _keras()
    x = np.array([[[1.0], [0.0], [2.0], [0.0]]], "float32")
    steps = _np(keras.layers.LSTM(3, return_sequences=True)(keras.layers.Masking(0.0)(x)))
    return bool(np.allclose(steps[0, 1], steps[0, 0]) and np.allclose(steps[0, 3], steps[0, 2]))


@_behaviour("rnn.mask_by_hand_equals_masking", "02",
            "Does LSTM(x, mask=m) equal LSTM(Masking()(x)) when m is Masking's mask?")
def _rnn_by_hand():
    keras = _keras()
    x = np.array([[[1.0], [2.0], [0.0]], [[3.0], [0.0], [0.0]]], "float32")
    lstm = keras.layers.LSTM(2)
    return bool(np.allclose(_np(lstm(x, mask=x[..., 0] != 0)), _np(lstm(keras.layers.Masking(0.0)(x))), atol=1e-6))


# ---------------------------------------------------------------------------
# Lesson 03: propagation
# ---------------------------------------------------------------------------

def _lesson03_batch():
    from masklab.padding import pad_batch

    return pad_batch([np.ones((3, 2)), np.full((5, 2), 0.5), np.full((2, 2), 2.0)],
                     padding="post", dtype="float32").values


def _single(make):
    return lambda m: make()(m)


#: Lesson 03's layer table: a label -> a function placing the layer after a masked tensor ``m``.
LAYERS = {
    "Dense": _single(lambda: _keras().layers.Dense(2)),
    "Dropout": _single(lambda: _keras().layers.Dropout(0.5)),
    "Activation": _single(lambda: _keras().layers.Activation("relu")),
    "LayerNormalization": _single(lambda: _keras().layers.LayerNormalization()),
    "TimeDistributed(Dense)": _single(lambda: _keras().layers.TimeDistributed(_keras().layers.Dense(2))),
    "Conv1D": _single(lambda: _keras().layers.Conv1D(2, 2)),
    "GlobalAveragePooling1D": _single(lambda: _keras().layers.GlobalAveragePooling1D()),
    "GlobalMaxPooling1D": _single(lambda: _keras().layers.GlobalMaxPooling1D()),
    "Flatten": _single(lambda: _keras().layers.Flatten()),
    "Reshape": _single(lambda: _keras().layers.Reshape((10,))),
    "LSTM": _single(lambda: _keras().layers.LSTM(2)),
    "LSTM(return_sequences)": _single(lambda: _keras().layers.LSTM(2, return_sequences=True)),
    "GRU": _single(lambda: _keras().layers.GRU(2)),
    "GRU(return_sequences)": _single(lambda: _keras().layers.GRU(2, return_sequences=True)),
    "Bidirectional(LSTM)": _single(lambda: _keras().layers.Bidirectional(_keras().layers.LSTM(2))),
    "Bidirectional(LSTM, return_sequences)": _single(
        lambda: _keras().layers.Bidirectional(_keras().layers.LSTM(2, return_sequences=True))),
    "Concatenate": lambda m: _keras().layers.Concatenate()([m, m]),
    "Add": lambda m: _keras().layers.Add()([m, m]),
    "Attention": lambda m: _keras().layers.Attention()([m, m]),
    "MultiHeadAttention": lambda m: _keras().layers.MultiHeadAttention(num_heads=2, key_dim=2)(m, m),
}


def trace_after_masking(label: str, x=None):
    """Trace the layer ``LAYERS[label]`` placed after ``Masking(0.0)``.

    Args:
        label: a key of :data:`LAYERS`.
        x: float ``(batch, 5, 2)`` input; default lesson 03's batch of three
            sequences of 3, 5 and 2 timesteps, post-padded with 0.0.

    Returns:
        the :class:`masklab.trace.MaskRecord` of that layer.

    Raises:
        KeyError: unknown label.
    """
    from masklab.trace import trace_masks

    if label not in LAYERS:
        raise KeyError(f"label must be one of {list(LAYERS)}, got {label!r}")
    keras = _keras()
    x = _lesson03_batch() if x is None else x
    inp = keras.Input((5, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Model(inp, LAYERS[label](keras.layers.Masking(0.0)(inp)))
        return trace_masks(model, x)[-1]


def _register_layer_effect(label):
    _behaviour(f"effect.{label}", "03", f"What does {label} do with an incoming mask?")(
        lambda: trace_after_masking(label).effect)


for _label in LAYERS:
    _register_layer_effect(_label)


@_behaviour("propagation.mask_reaches_layer_after_lstm", "03",
            "Masking -> LSTM(return_sequences=True) -> Dense: does Dense's output carry a mask?")
def _mask_after_lstm():
    keras = _keras()
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    h = keras.layers.LSTM(2, return_sequences=True)(keras.layers.Masking(0.0)(x))
    return _mask(keras.layers.Dense(1)(h)) is not None


@_behaviour("propagation.lstm_supports_masking", "03", "LSTM(...).supports_masking")
def _lstm_supports_masking():
    return bool(_keras().layers.LSTM(2).supports_masking)


@_behaviour("propagation.destroy_is_warning", "03",
            "A mask reaching a layer without supports_masking: warning, error or nothing?")
def _destroy_warning():
    keras = _keras()
    inp = keras.Input((5, 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            keras.layers.Flatten()(keras.layers.Masking(0.0)(inp))
        except Exception as error:
            return f"error: {type(error).__name__}"
    hits = [w for w in caught if "destroy the mask" in str(w.message)]
    return hits[0].category.__name__ if hits else "nothing"


@_behaviour("propagation.python_operator_drops_mask", "03", "Does `x * 2` on a masked tensor keep the mask?")
def _operator_drops():
    x = np.array([[[1.0], [0.0]]], "float32")
    return _mask(_keras().layers.Masking(0.0)(x) * 2) is not None


@_behaviour("propagation.ops_drop_mask", "03", "Does keras.ops.abs on a masked tensor keep the mask?")
def _ops_drop():
    keras = _keras()
    x = np.array([[[1.0], [0.0]]], "float32")
    return _mask(keras.ops.abs(keras.layers.Masking(0.0)(x))) is not None


@_behaviour("rnn.zero_output_for_mask", "03", "LSTM(zero_output_for_mask=True): what is output at masked steps?")
def _zero_output():
    keras = _keras()
    x = np.array([[[1.0], [2.0], [0.0]]], "float32")
    out = _np(keras.layers.LSTM(2, return_sequences=True, zero_output_for_mask=True)(keras.layers.Masking(0.0)(x)))
    return "zeros" if np.allclose(out[0, 2], 0) else ("previous output" if np.allclose(out[0, 2], out[0, 1]) else "other")


@_behaviour("rnn.final_state_pre_post_equal", "03",
            "With the mask, do pre and post padding give an LSTM the unpadded final state?")
def _final_state():
    from masklab.padding import pad_batch

    keras = _keras()
    seqs = [np.ones((3, 2), "float32"), np.full((5, 2), 0.5, "float32")]
    lstm = keras.layers.LSTM(3)
    alone = np.stack([_np(lstm(s[None]))[0] for s in seqs])
    ok = True
    for side in ("pre", "post"):
        batch = pad_batch(seqs, padding=side, dtype="float32")
        ok &= bool(np.allclose(_np(lstm(batch.values, mask=batch.mask)), alone, atol=1e-6))
    return ok


@_behaviour("rnn.forget_bias_initial", "03", "A fresh LSTM(2)'s initial bias, gates i, f, c, o (first unit)")
def _forget_bias():
    layer = _keras().layers.LSTM(2)
    layer.build((None, 3, 1))
    bias = _np(layer.get_weights()[2])
    return [float(bias[k * 2]) for k in range(4)]


# ---------------------------------------------------------------------------
# Lesson 04: custom layers
# ---------------------------------------------------------------------------

@_behaviour("custom.plain_layer_drops_mask", "04",
            "Does a custom layer without supports_masking pass a mask on?")
def _plain_layer():
    keras = _keras()

    class Double(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2

    return _mask(Double()(keras.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0]])))) is not None


@_behaviour("custom.supports_masking_propagates", "04",
            "Does supports_masking = True alone make a custom layer pass the mask on?")
def _supports_masking():
    keras = _keras()

    class SafeDouble(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return inputs * 2

    ids = np.array([[1, 0]])
    return bool((_mask(SafeDouble()(keras.layers.Embedding(5, 2, mask_zero=True)(ids))) == (ids != 0)).all())


@_behaviour("custom.compute_mask_enables_supports_masking", "04",
            "Does overriding compute_mask switch supports_masking on?")
def _compute_mask_on():
    keras = _keras()

    class Generator(keras.layers.Layer):
        def call(self, inputs):
            return inputs

        def compute_mask(self, inputs, mask=None):
            return keras.ops.not_equal(inputs[..., 0], 0)

    return bool(Generator().supports_masking)


@_behaviour("custom.guide_temporal_softmax", "04",
            "The guide's TemporalSoftmax after Dense(1): value at kept / masked steps")
def _guide_softmax():
    keras = _keras()
    ops = keras.ops

    class TemporalSoftmax(keras.layers.Layer):  # after the keras-io guide (its keras.ops version): sums over axis=-1
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    ids = np.array([[3, 1, 0]])
    out = _np(TemporalSoftmax()(keras.layers.Dense(1)(keras.layers.Embedding(10, 4, mask_zero=True)(ids))))[0, :, 0]
    return [round(float(out[0]), 4), "nan" if np.isnan(out[2]) else round(float(out[2]), 4)]


@_behaviour("custom.model_second_positional_argument", "04",
            "model(x, second_array): what happens (Keras 3's second positional argument is training)?")
def _second_arg():
    keras = _keras()
    inp = keras.Input((2,))
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    return _catch(lambda: model(np.ones((1, 2)), np.ones((1, 2))))


@_behaviour("custom.global_max_pooling_padding_wins", "04",
            "GlobalMaxPooling1D after Masking(-9) on real steps -3, -1: what is the max?")
def _gmp():
    keras = _keras()
    seq = np.array([[[-3.0], [-1.0], [-9.0], [-9.0]]], "float32")
    return float(_np(keras.layers.GlobalMaxPooling1D()(keras.layers.Masking(-9.0)(seq)))[0, 0])


# ---------------------------------------------------------------------------
# Lesson 05: loss and metrics
# ---------------------------------------------------------------------------

_X05 = np.array([[[0.5], [0.8], [0.1], [0.0], [0.0]], [[0.9], [0.3], [0.7], [0.2], [0.6]]], "float32")
_Y05 = np.array([[[1], [0], [1], [1], [1]], [[0], [1], [1], [0], [1]]], "float32")
_M05 = _X05[..., 0] != 0


def _seed_model(loss="binary_crossentropy", recurrent=True):
    """The seed's model: Masking -> [LSTM(return_sequences)] -> Dense(1, sigmoid)."""
    keras = _keras()
    inputs = keras.Input((5, 1))
    h = keras.layers.Masking(0.0)(inputs)
    if recurrent:
        h = keras.layers.LSTM(4, return_sequences=True)(h)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(loss=loss)
    return model


def _flipped_masked_labels():
    y = _Y05.copy()
    y[~_M05] = 1 - y[~_M05]
    return y


@_behaviour("loss.masked_labels_ignored_after_lstm", "05",
            "Masking -> LSTM(return_sequences) -> Dense: do labels at masked steps leave the loss unchanged?")
def _ignored_lstm():
    model = _seed_model()
    return bool(abs(model.evaluate(_X05, _Y05, verbose=0) - model.evaluate(_X05, _flipped_masked_labels(), verbose=0)) < 1e-7)


@_behaviour("loss.masked_labels_ignored_after_dense", "05",
            "Masking -> Dense (no RNN): do labels at masked steps leave the loss unchanged?")
def _ignored_dense():
    model = _seed_model(recurrent=False)
    return bool(abs(model.evaluate(_X05, _Y05, verbose=0) - model.evaluate(_X05, _flipped_masked_labels(), verbose=0)) < 1e-7)


@_behaviour("loss.denominator", "05",
            "Masking -> Dense, default reduction: is the loss sum divided by kept steps or all steps?")
def _denominator():
    from masklab.losses import masked_loss

    model = _seed_model(recurrent=False)
    value = model.evaluate(_X05, _Y05, verbose=0)
    pred = model.predict(_X05, verbose=0)
    kept = masked_loss(_Y05, pred, _M05, loss="binary_crossentropy")
    every = masked_loss(_Y05, pred, None, loss="binary_crossentropy")
    return "kept steps" if abs(value - kept) < 1e-5 else ("all steps" if abs(value - every) < 1e-5 else "other")


@_behaviour("loss.lstm_model_matches_masked_mean", "05",
            "Masking -> LSTM(return_sequences) -> Dense: does evaluate equal the masked mean of the loss?")
def _lstm_matches():
    from masklab.losses import masked_loss

    model = _seed_model()
    pred = model.predict(_X05, verbose=0)
    return bool(abs(model.evaluate(_X05, _Y05, verbose=0) - masked_loss(_Y05, pred, _M05, loss="binary_crossentropy")) < 1e-5)


@_behaviour("loss.all_masked_batch", "05", "Masking -> Dense: the loss of an all-padding batch")
def _all_masked():
    value = _seed_model(recurrent=False).evaluate(np.zeros_like(_X05), _Y05, verbose=0)
    return "nan" if np.isnan(value) else round(float(value), 6)


@_behaviour("loss.all_masked_batch_after_lstm", "05", "Masking -> LSTM(return_sequences) -> Dense: the loss of an all-padding batch")
def _all_masked_lstm():
    value = _seed_model().evaluate(np.zeros_like(_X05), _Y05, verbose=0)
    return "nan" if np.isnan(value) else ("0.0" if value == 0 else "non-zero")


@_behaviour("loss.mask_as_sample_weight", "05",
            "Masking -> LSTM(return_sequences) -> Dense, reduction='mean_with_sample_weight', sample_weight=mask: "
            "does evaluate equal the masked mean?")
def _mask_as_weight():
    from masklab.losses import masked_loss

    keras = _keras()
    model = _seed_model(loss=keras.losses.BinaryCrossentropy(reduction="mean_with_sample_weight"))
    pred = model.predict(_X05, verbose=0)
    value = model.evaluate(_X05, _Y05, sample_weight=_M05.astype("float32"), verbose=0)
    return bool(abs(value - masked_loss(_Y05, pred, _M05, loss="binary_crossentropy")) < 1e-5)


def _sample_weight_shape(shape):
    model = _seed_model(recurrent=False)
    verdict = _catch(lambda: model.evaluate(_X05, _Y05, sample_weight=np.ones(shape, "float32"), verbose=0))
    return "works" if verdict == "no error" else f"fails: {verdict}"


@_behaviour("loss.sample_weight_batch_beside_mask", "05",
            "evaluate with sample_weight of shape (batch,) beside a (batch, timesteps) mask")
def _sw_batch():
    return _sample_weight_shape((2,))


@_behaviour("loss.sample_weight_timesteps_beside_mask", "05",
            "evaluate with sample_weight of shape (batch, timesteps) beside a mask")
def _sw_steps():
    return _sample_weight_shape((2, 5))


def _metric_reads_mask(factory, weighted):
    """Which candidate a compiled metric matches: kept steps or all steps (weights applied or not)."""
    keras = _keras()
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


def _register_metric(name, cls, weighted):
    kind = "weighted_metrics" if weighted else "metrics"
    _behaviour(f"metric.{name}.{kind}", "05",
               f"{cls} in compile({kind}=...): which steps and weights does it use?")(
        lambda: _metric_reads_mask(getattr(_keras().metrics, cls), weighted))


for _name, _cls in (("mae", "MeanAbsoluteError"), ("binary_accuracy", "BinaryAccuracy"),
                    ("auc", "AUC"), ("precision", "Precision")):
    for _weighted in (False, True):
        _register_metric(_name, _cls, _weighted)


# ---------------------------------------------------------------------------
# Lesson 06: vocabulary and out-of-range ids
# ---------------------------------------------------------------------------

def _describe_lookup(out, rows):
    """Name what an Embedding returned for a bad id: an error, NaN, zeros or which row."""
    out = np.asarray(out, dtype="float64")
    if np.isnan(out).all():
        return "no error: a row of NaN"
    if np.allclose(out, 0):
        return "no error: a row of zeros"
    for k, row in enumerate(rows):
        if np.allclose(out, row):
            return "no error: the last row" if k == len(rows) - 1 else f"no error: row {k}"
    return "no error: other values"


def _oob(call):
    keras = _keras()
    layer = keras.layers.Embedding(3, 2)
    layer.build((None, 1))
    rows = _np(layer.embeddings)
    try:
        out = call(keras, layer)
    except Exception as error:
        return type(error).__name__
    return _describe_lookup(np.asarray(out).reshape(-1, 2)[0], rows)


@_behaviour("vocab.out_of_range_eager", "06", "Embedding(3, 2) called eagerly on id 5")
def _oob_eager():
    return _oob(lambda keras, layer: _np(layer(np.array([[5]]))))


@_behaviour("vocab.out_of_range_predict", "06", "Embedding(3, 2) in a model, predict on id 5")
def _oob_predict():
    def call(keras, layer):
        inp = keras.Input((1,))
        return keras.Model(inp, layer(inp)).predict(np.array([[5]]), verbose=0)
    return _oob(call)


@_behaviour("vocab.out_of_range_xla", "06", "Embedding(3, 2), predict with jit_compile=True (XLA) on id 5")
def _oob_xla():
    keras = _keras()
    if keras.backend.backend() not in ("tensorflow", "jax"):
        return "n/a (no XLA on this backend)"

    def call(keras, layer):
        inp = keras.Input((1,))
        model = keras.Model(inp, layer(inp))
        model.compile(jit_compile=True)
        return model.predict(np.array([[5]]), verbose=0)
    return _oob(call)


@_behaviour("vocab.negative_id", "06", "Embedding(3, 2) called eagerly on id -1")
def _negative():
    return _oob(lambda keras, layer: _np(layer(np.array([[-1]]))))


@_behaviour("vocab.mask_zero_keeps_bad_ids", "06",
            "Embedding(3, 2, mask_zero=True).compute_mask on ids [5, 0, -1]")
def _mask_bad_ids():
    layer = _keras().layers.Embedding(3, 2, mask_zero=True)
    return _np(layer.compute_mask(np.array([[5, 0, -1]]))).tolist()[0]


@_behaviour("vocab.textvectorization_oov_id", "06", "TextVectorization: the id of an unknown word")
def _tv_oov():
    layer = _keras().layers.TextVectorization(vocabulary=["the", "cat"])
    return int(_np(layer(["dog"]))[0, 0])


@_behaviour("vocab.stringlookup_default_oov_id", "06", "StringLookup (default mask_token=None): the id of an unknown word")
def _sl_oov():
    return int(_np(_keras().layers.StringLookup(vocabulary=["the", "cat"])(["dog"]))[0])


@_behaviour("vocab.stringlookup_mask_token_oov_id", "06", "StringLookup(mask_token=''): the id of an unknown word")
def _sl_mask_oov():
    return int(_np(_keras().layers.StringLookup(vocabulary=["the", "cat"], mask_token="")(["dog"]))[0])


# ---------------------------------------------------------------------------
# Lesson 07: the capstone's model
# ---------------------------------------------------------------------------

@_behaviour("capstone.bidirectional_padding_side_irrelevant", "07",
            "Masking -> Bidirectional(LSTM): same output for pre and post padding?")
def _bidi_sides():
    from masklab.padding import pad_batch

    keras = _keras()
    seqs = [np.full((2, 1), 0.5, "float32"), np.array([[1.0], [2.0], [3.0]], "float32")]
    inp = keras.Input((None, 1))
    model = keras.Model(inp, keras.layers.Bidirectional(keras.layers.LSTM(2))(keras.layers.Masking(0.0)(inp)))
    pre = model.predict(pad_batch(seqs, padding="pre", dtype="float32").values, verbose=0)
    post = model.predict(pad_batch(seqs, padding="post", dtype="float32").values, verbose=0)
    return bool(np.allclose(pre, post, atol=1e-6))


@_behaviour("capstone.bidirectional_warns", "07",
            "Masking -> Bidirectional(LSTM(return_sequences=False)): does Keras warn that the mask is destroyed?")
def _bidi_warns():
    keras = _keras()
    inp = keras.Input((4, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.layers.Bidirectional(keras.layers.LSTM(2))(keras.layers.Masking(0.0)(inp))
    return any("destroy the mask" in str(w.message) for w in caught)


@_behaviour("loss.keep_mask_matches_masked_mean", "05",
            "Masking -> masklab KeepMask(LSTM(return_sequences)) -> Dense: does evaluate equal the masked mean?")
def _keep_mask_loss():
    from masklab.layers import KeepMask
    from masklab.losses import masked_loss

    keras = _keras()
    inputs = keras.Input((5, 1))
    h = KeepMask(keras.layers.LSTM(4, return_sequences=True))(keras.layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(loss="binary_crossentropy")
    pred = model.predict(_X05, verbose=0)
    return bool(abs(model.evaluate(_X05, _Y05, verbose=0) - masked_loss(_Y05, pred, _M05, loss="binary_crossentropy")) < 1e-5)


# ---------------------------------------------------------------------------
# Lesson 08: attention masks
# ---------------------------------------------------------------------------

_X08 = np.array([[[1.0, 0.5], [0.3, 0.2], [0.7, 0.9], [0.0, 0.0]],
                 [[0.2, 0.4], [0.6, 0.1], [0.0, 0.0], [0.0, 0.0]]], "float32")


def _mha_weights(**call):
    """Self-attention of MultiHeadAttention(2 heads) on Masking(0.0) of _X08: (weights, output)."""
    keras = _keras()
    masked = keras.layers.Masking(0.0)(_X08)
    out, weights = keras.layers.MultiHeadAttention(num_heads=2, key_dim=2)(
        masked, masked, return_attention_scores=True, **call)
    return _np(weights), out


@_behaviour("attention.masked_keys_get_zero_weight", "08",
            "MultiHeadAttention after Masking: do masked keys get attention weight exactly 0?")
def _mha_keys():
    weights, _ = _mha_weights()
    keep = _X08.any(axis=-1)
    return bool((weights.transpose(0, 2, 1, 3)[~np.broadcast_to(keep[:, None, None, :], (2, 4, 2, 4))] == 0).all())


@_behaviour("attention.padded_query_row", "08", "MultiHeadAttention: the weights of a padded (masked) query row")
def _mha_query_row():
    weights, _ = _mha_weights()
    row = weights[1, :, 3]
    return "zeros" if np.allclose(row, 0) else ("sums to 1" if np.allclose(row.sum(axis=-1), 1) else "other")


@_behaviour("attention.output_carries_query_mask", "08", "Does MultiHeadAttention's output carry the query mask?")
def _mha_out_mask():
    _, out = _mha_weights()
    mask = _mask(out)
    return mask is not None and bool((mask == _X08.any(axis=-1)).all())


@_behaviour("attention.causal_upper_triangle_zero", "08",
            "MultiHeadAttention(use_causal_mask=True): are all weights above the diagonal 0?")
def _mha_causal():
    weights, _ = _mha_weights(use_causal_mask=True)
    return bool((weights[..., np.triu(np.ones((4, 4), bool), k=1)] == 0).all())


@_behaviour("attention.matches_masklab_rule", "08",
            "Are MultiHeadAttention's zero weights exactly where masklab.attention_mask(..., causal=True) is False?")
def _mha_rule():
    from masklab import attention_mask

    weights, _ = _mha_weights(use_causal_mask=True)
    keep = _X08.any(axis=-1)
    allowed = attention_mask(keep, keep, causal=True)
    return bool(((weights == 0) == ~allowed[:, None]).all())


@_behaviour("attention.layer_padded_query_output", "08",
            "keras.layers.Attention: the output at a padded query step")
def _attention_layer():
    keras = _keras()
    masked = keras.layers.Masking(0.0)(_X08)
    out = _np(keras.layers.Attention()([masked, masked]))
    return "zeros" if np.allclose(out[1, 3], 0) else "non-zero"
