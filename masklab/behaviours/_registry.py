"""The registry of behaviours and the functions that run them, here or under another backend.

Catalogue modules register with the :func:`behaviour` decorator and use the
small helpers at the end (:func:`load_keras`, :func:`to_numpy`,
:func:`exception_name`). Nothing here imports Keras until a behaviour runs.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import json
import logging
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterable

import numpy as np

from masklab._random import isolated_seed
from masklab.environment import quiet_env, quiet_stderr


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


#: Behaviour name -> :class:`Behaviour`, in the order the matrix lists them (lesson by lesson).
REGISTRY: dict = {}


def behaviour(name: str, lesson: str, question: str):
    """Decorator: register a function of no arguments as the behaviour ``name``.

    Args:
        name: str, the dotted id (must be new).
        lesson: str, two digits: the lesson that states it.
        question: str, what it answers, in one line.

    Returns:
        a decorator that registers the function and returns it unchanged.

    Raises:
        ValueError: (when decorating) ``name`` is already registered.
    """
    def register(fn):
        if name in REGISTRY:
            raise ValueError(f"behaviour {name!r} is registered twice")
        REGISTRY[name] = Behaviour(name, lesson, question, fn)
        return fn
    return register


def run(name: str):
    """Run one behaviour on the installed Keras and return what it observed.

    The behaviour runs with warnings ignored, TensorFlow's Python log quiet
    below ERROR (a probe's ``predict`` calls would log "triggered tf.function
    retracing"; the logger's level is restored afterwards), and inside
    :func:`masklab._random.isolated_seed` ``(0)``: its layers get the same
    initial weights every run, and the caller's Python, NumPy and Keras
    random state is as it was afterwards.

    Args:
        name: str, a key of :data:`REGISTRY`.

    Returns:
        bool, str, int, float or list of those: the observation.

    Raises:
        KeyError: ``name`` is not a key of :data:`REGISTRY`.
        Exception: whatever Keras raises inside the behaviour propagates
            (:func:`run_all` records it instead).
    """
    if name not in REGISTRY:
        raise KeyError(f"no behaviour named {name!r}; see masklab.behaviours.REGISTRY")
    load_keras()  # quietly, before isolated_seed imports it
    tf_log = logging.getLogger("tensorflow")
    level = tf_log.level
    tf_log.setLevel(max(level, logging.ERROR))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with isolated_seed(0):
                return REGISTRY[name].fn()
    finally:
        tf_log.setLevel(level)


def run_all(names: Iterable[str] | None = None, *, progress: Callable | None = None) -> dict:
    """Run several behaviours; an error a behaviour raises becomes the observation ``"error: Type"``.

    Args:
        names: iterable of str, registry names; None runs all, in registry order.
        progress: optional callable ``progress(i, total, name)``, called before
            each behaviour with its 0-based index.

    Returns:
        dict of str to observation, in the order of ``names``.

    Raises:
        TypeError: ``names`` is one str instead of an iterable of names.
        KeyError: a name is not in :data:`REGISTRY`; raised before anything
            runs, naming every unknown name.
    """
    if isinstance(names, str):
        raise TypeError(f"names must be an iterable of behaviour names, not one str ({names!r})")
    names = list(REGISTRY) if names is None else list(names)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise KeyError(f"no behaviour named {unknown}; the names are the keys of masklab.behaviours.REGISTRY "
                       "(`python -m masklab.matrix` lists them)")
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
    """Versions and device of the running environment (imports Keras and its backend).

    Returns:
        dict with ``backend``, ``keras``, ``tensorflow``, ``jax``, ``torch``,
        ``numpy``, ``python`` (str versions; None for a package not installed)
        and ``device`` (``"cpu"`` or ``"gpu"``).
    """
    keras = load_keras()

    def version(dist):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
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


def run_in_backend(backend: str, names: Iterable[str] | None = None, *, python: str | None = None,
                   timeout: float = 300) -> dict | None:
    """Run behaviours under another Keras backend, in a fresh Python process.

    Keras picks its backend once per process, so a lesson running on
    TensorFlow asks a subprocess (``python -m masklab.matrix --json`` with
    ``KERAS_BACKEND`` set and TensorFlow's logs quiet) for the JAX or PyTorch
    answer.

    Args:
        backend: str, ``"tensorflow"``, ``"jax"`` or ``"torch"``.
        names: iterable of str, registry names to run; None runs all.
        python: str, the interpreter to use; None for this one.
        timeout: float, seconds before the subprocess is stopped.

    Returns:
        dict ``{"environment": {...}, "results": {name: observation},
        "seconds": float}``, or None when ``python`` is None and the backend's
        package is not installed for this interpreter.

    Raises:
        ValueError: unknown backend.
        RuntimeError: the subprocess failed, e.g. for an unknown name (its
            last stderr lines are quoted).
        subprocess.TimeoutExpired: it ran longer than ``timeout``.
    """
    modules = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    if backend not in modules:
        raise ValueError(f"backend must be one of {sorted(modules)}, got {backend!r}")
    if python is None and importlib.util.find_spec(modules[backend]) is None:
        return None
    command = [python or sys.executable, "-m", "masklab.matrix", "--json"]
    if names is not None:
        command += ["--only", ",".join(names)]
    done = subprocess.run(command, capture_output=True, text=True, env=quiet_env(KERAS_BACKEND=backend),
                          timeout=timeout, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the {backend} subprocess failed (exit {done.returncode}):\n{tail}")
    return json.loads(done.stdout)


# ---------------------------------------------------------------------------
# Small helpers for the catalogue
# ---------------------------------------------------------------------------

def load_keras():
    """The ``keras`` module, imported with TensorFlow's start-up lines hidden."""
    with quiet_stderr():
        import keras
    return keras


def to_numpy(x) -> np.ndarray:
    """A backend tensor (or array) as NumPy; torch tensors that require grad included."""
    return np.asarray(load_keras().ops.convert_to_numpy(x))


def destroy_warnings(fn: Callable[[], object]) -> list:
    """Run ``fn()`` and return the warnings it raised that say Keras will "destroy the mask".

    Every warning is recorded (``simplefilter("always")``), so one already shown once in the
    process is still seen. Exceptions from ``fn`` propagate.

    Returns:
        ``list`` of ``warnings.WarningMessage``, in the order raised.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w for w in caught if "destroy the mask" in str(w.message)]


def exception_name(fn: Callable[[], object]) -> str:
    """Run ``fn``; return ``"no error"``, or the class name of the exception it raised."""
    try:
        fn()
    except Exception as error:
        return type(error).__name__
    return "no error"
