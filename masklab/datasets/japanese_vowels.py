"""JapaneseVowels: a real variable-length sequence data set, shipped with masklab.

Nine male Japanese speakers uttered the vowels /ae/; each utterance was cut
into frames and each frame described by 12 LPC cepstrum coefficients. The
utterances last 7 to 29 frames, which makes the set a small, honest test bed
for padding and masking.

Source: M. Kudo, J. Toyama and M. Shimbo (1999), "Multidimensional curve
classification using passing-through regions", Pattern Recognition Letters
20(11-13):1103-1111. UCI Machine Learning Repository, "Japanese Vowels",
licensed CC BY 4.0. The shipped file ``data/japanese_vowels.npz`` is rebuilt
from the ``.ts`` files in the ``aeon`` wheel by
``scripts/build_japanese_vowels.py``; see ``data/README.md``.
"""

from __future__ import annotations

import functools
import importlib.resources

import numpy as np

NUM_CLASSES = 9
NUM_FEATURES = 12


@functools.lru_cache(maxsize=1)
def _arrays():
    path = importlib.resources.files("masklab.datasets") / "data" / "japanese_vowels.npz"
    with importlib.resources.as_file(path) as file, np.load(file) as data:
        return {key: data[key] for key in data.files}


def _split(name: str):
    data = _arrays()
    frames = data[f"{name}_frames"]
    ends = np.cumsum(data[f"{name}_lengths"])
    # np.split returns views of the cached array: copy so callers may write.
    x = [part.copy() for part in np.split(frames, ends[:-1])]
    y = data[f"{name}_labels"].astype(np.int64)
    return x, y


def load_data():
    """Load JapaneseVowels in the style of ``keras.datasets.*.load_data()``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` where ``x_*`` is a list of
        float32 arrays of shape ``(frames, 12)`` (frames 7..29, not padded)
        and ``y_*`` an int64 array of speaker labels 0..8. 270 training and
        370 test utterances: the original UCI/UEA split (30 training
        utterances per speaker; 24 to 88 test utterances per speaker).

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data()
    >>> len(x_train), x_train[0].shape[1], int(y_train.max())
    (270, 12, 8)
    """
    return _split("train"), _split("test")
