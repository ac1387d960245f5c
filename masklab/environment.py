"""Environment helpers for the lessons: a quiet TensorFlow start and version facts.

:func:`quiet_stderr` hides the C++ lines TensorFlow prints while it loads.
"""

from __future__ import annotations

import contextlib
import os
import sys


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
