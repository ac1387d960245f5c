"""Seeded work that leaves the caller's random state as it was.

masklab runs small Keras models (the behaviour registry, the explorers, the capstone) and
needs them reproducible, but a learner's notebook has its own random state: Python's
``random``, NumPy's global generator and Keras' global ``SeedGenerator``. ``keras.utils.
set_random_seed`` would reset all three (and TensorFlow's global seed) in the middle of the
learner's work, so masklab never calls it; :func:`isolated_seed` seeds inside a block and puts
everything back on the way out.
"""

from __future__ import annotations

import contextlib
import random

import numpy as np


@contextlib.contextmanager
def isolated_seed(seed: int = 0):
    """Run the block with Python, NumPy and Keras' global random state seeded; restore them after.

    Inside the block, Python's ``random`` and NumPy's global generator are seeded with ``seed``
    and Keras' global seed generator is unset, so Keras makes a new one from Python's seeded
    ``random`` on first use. Layers created inside take their initializer seeds from Python's
    ``random`` (``make_default_seed`` in keras/src/random/seed_generator.py), so they are
    reproducible. On exit the three states are restored, whatever the block raised.

    TensorFlow's own global seed (``tf.random.set_seed``) is not touched. ``model.fit``'s
    shuffling on TensorFlow calls ``tf.random.shuffle`` without a seed, so it reads that global
    seed (keras/src/trainers/data_adapters/array_data_adapter.py; both read in Keras 3.15.1):
    seeded training passes ``shuffle=False`` and orders the samples itself
    (:mod:`masklab.experiments`).

    Args:
        seed: int.

    Yields:
        None.

    Example:

    >>> import random
    >>> before = random.getstate()
    >>> with isolated_seed(0):
    ...     first = random.random()
    >>> random.getstate() == before, round(first, 4)
    (True, 0.8444)
    """
    from keras.src.backend.common import global_state  # Keras' global seed generator lives here

    python_state, numpy_state = random.getstate(), np.random.get_state()
    generator = global_state.get_global_attribute("global_seed_generator")
    random.seed(seed)
    np.random.seed(seed)
    global_state.set_global_attribute("global_seed_generator", None)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        global_state.set_global_attribute("global_seed_generator", generator)
