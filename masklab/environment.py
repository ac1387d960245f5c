"""Environment helpers: a quiet TensorFlow start, in one place.

:data:`TF_QUIET_ENV` holds the environment variables that keep TensorFlow's
C++ start-up logs out of a process (and out of a lesson's outputs); every
subprocess masklab, its scripts and its tests start gets them through
:func:`quiet_env`. :func:`quiet_stderr` hides the few lines TensorFlow writes
before those variables take effect.
"""

from __future__ import annotations

import contextlib
import os
import sys

# TF_CPP_MIN_LOG_LEVEL=3: TensorFlow's C++ logging shows errors only from FATAL up (its logging.h,
# tensorflow/tsl/platform/default/logging.cc reads the variable). TF_ENABLE_ONEDNN_OPTS=0: the plain
# CPU kernels, so TensorFlow prints no "oneDNN custom operations are on" line and results do not
# change with the machine's CPU flags.
TF_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_env(base=None, **extra) -> dict:
    """A copy of ``base`` (default ``os.environ``) with :data:`TF_QUIET_ENV` and ``extra`` set.

    For a subprocess: ``subprocess.run(cmd, env=quiet_env(KERAS_BACKEND="jax"))``.
    The current process's environment is not changed.

    Args:
        base: mapping of str to str, or None for ``os.environ``.
        **extra: more variables (str values) that override both.

    Returns:
        a new dict of str to str.

    Example:

    >>> quiet_env({}, KERAS_BACKEND="jax")["TF_CPP_MIN_LOG_LEVEL"]
    '3'
    """
    env = dict(os.environ if base is None else base)
    env.update(TF_QUIET_ENV)
    env.update(extra)
    return env


def set_quiet_defaults() -> None:
    """Set :data:`TF_QUIET_ENV` in ``os.environ`` where not already set (for conftest and scripts).

    Call before TensorFlow is imported; masklab's own modules never call it on import.
    """
    for key, value in TF_QUIET_ENV.items():
        os.environ.setdefault(key, value)


@contextlib.contextmanager
def quiet_stderr():
    """Send file descriptor 2 (C-level stderr) to ``/dev/null`` inside the block.

    Setting ``TF_CPP_MIN_LOG_LEVEL=3`` before TensorFlow is imported silences
    its C++ logs, but a few lines are written before TensorFlow's logging is
    set up and ignore that variable: with the ``tensorflow`` wheel on a machine
    without a GPU, TensorFlow 2.21 prints "cudart_stub.cc:31] Could not find
    cuda drivers on your machine" on import. Jupyter kernels copy file
    descriptor 2 into the cell's output, so the lessons import Keras inside
    this block. Python exceptions are not affected: they propagate as usual,
    and are shown after stderr is restored.

    Yields:
        None.

    Example:

    >>> with quiet_stderr():
    ...     import keras
    """
    for stream in (sys.stdout, sys.stderr, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
