"""Padding x masking on JapaneseVowels: the experiment behind lesson 07 and its benchmark.

One function trains the same small recurrent classifier on the 9-speaker
JapaneseVowels task under a chosen padding side and with or without a
``Masking`` layer, and reports test accuracy and training time. Lesson 07
and ``benchmarks/capstone.py`` both call it, so the figures they show come
from the same code.

Reference: Kudo, Toyama and Shimbo (1999) report 94.1% test accuracy on this
split with their passing-through-regions classifier.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from masklab import _validate
from masklab._random import isolated_seed
from masklab.datasets import japanese_vowels
from masklab.padding import pad_batch

MAXLEN = 29  # the longest utterance in either split
LONG_MAXLEN = 60  # a test batch with more padding than training ever showed


@dataclasses.dataclass(frozen=True)
class RunResult:
    """One training run.

    Attributes:
        padding: ``"pre"`` or ``"post"``.
        masking: whether a ``Masking(0.0)`` layer fed the mask to the RNN.
        test_accuracy: accuracy on the 370 test utterances padded to 29
            frames, like the training set (0..1).
        long_padding_accuracy: accuracy on the same utterances padded to 60
            frames: more padding than the model saw in training (0..1).
        train_seconds: wall-clock seconds spent in ``fit``.
        epochs: epochs trained.
        final_loss: training loss of the last epoch.
    """

    padding: str
    masking: bool
    test_accuracy: float
    long_padding_accuracy: float
    train_seconds: float
    epochs: int
    final_loss: float

    def as_dict(self) -> dict:
        """The result as a plain dict (for JSON lines)."""
        return dataclasses.asdict(self)


def _standardized():
    (x_train, y_train), (x_test, y_test) = japanese_vowels.load_data()
    frames = np.concatenate(x_train)
    mean, std = frames.mean(axis=0), frames.std(axis=0)
    scale = [(x - mean) / std for x in x_train], [(x - mean) / std for x in x_test]
    return (scale[0], y_train), (scale[1], y_test)


def build_classifier(masking: bool, *, units: int = 32):
    """The capstone's model: [Masking(0.0)] -> Bidirectional(LSTM(units)) -> Dense(9, softmax).

    The time axis is left open (``None``) so the same model can be tested on
    batches padded to other lengths.

    Args:
        masking: put a ``Masking(0.0)`` layer first, so the LSTM skips padding.
        units: LSTM units per direction (positive int).

    Returns:
        an uncompiled ``keras.Model`` taking ``(batch, timesteps, 12)`` float32.
    """
    import keras

    units = _validate.positive_int("units", units)
    inputs = keras.Input((None, japanese_vowels.NUM_FEATURES))
    x = keras.layers.Masking(0.0)(inputs) if masking else inputs
    x = keras.layers.Bidirectional(keras.layers.LSTM(units))(x)
    outputs = keras.layers.Dense(japanese_vowels.NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name=f"speakers_{'masked' if masking else 'unmasked'}")


def _epoch_line(label: str, epochs: int, every: int = 10):
    """A Keras callback printing one compact line every ``every`` epochs (and after the last)."""
    import keras

    def on_epoch_end(epoch, logs):
        if (epoch + 1) % every == 0 or epoch + 1 == epochs:
            print(f"{label}: epoch {epoch + 1:>3}/{epochs}  loss {logs['loss']:.3f}  accuracy {logs['accuracy']:.3f}",
                  flush=True)

    return keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)


def run_padding_masking(padding: str, masking: bool, *, epochs: int = 10, batch_size: int = 32,
                        learning_rate: float = 0.01, seed: int = 0, units: int = 32,
                        progress: bool = False) -> RunResult:
    """Train and test the capstone model under one padding/masking configuration.

    Frames are standardised with the training set's per-coefficient mean and
    standard deviation, then padded with 0.0 to 29 frames on the ``padding``
    side (no real frame is all zeros, so ``Masking(0.0)`` masks exactly the
    padding). Adam with cosine learning-rate decay, sparse categorical
    cross-entropy. ``seed`` fixes the initial weights and the order of the
    training samples in every epoch; the caller's own random state (Python,
    NumPy, Keras) is left as it was (:func:`masklab._random.isolated_seed`).

    Args:
        padding: ``"pre"`` or ``"post"``.
        masking: add ``Masking(0.0)`` before the RNN.
        epochs, batch_size: positive ints.
        learning_rate: initial Adam learning rate (float > 0).
        seed: int seed for weights and shuffling.
        units: LSTM units per direction.
        progress: print a compact line every 10 epochs.

    Returns:
        :class:`RunResult`.

    Raises:
        ValueError: ``padding`` not ``"pre"``/``"post"``; non-positive
            ``epochs``, ``batch_size`` or ``units``; ``learning_rate`` <= 0.
    """
    padding = _validate.side("padding", padding)
    epochs = _validate.positive_int("epochs", epochs)
    batch_size = _validate.positive_int("batch_size", batch_size)
    if _validate.real_number("learning_rate", learning_rate) <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    label = f"{padding} padding, {'masking' if masking else 'no mask'}"
    return _train_and_test(lambda: build_classifier(bool(masking), units=units), padding, masking, label,
                           epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                           progress=progress)


def build_transformer(masking: bool, *, d_model: int = 32, heads: int = 2, ff: int = 64):
    """Lesson 08's tiny Transformer encoder for JapaneseVowels speakers.

    ``[Masking(0.0)] -> Dense(d_model)`` then one pre-normalised encoder block
    (``LayerNormalization -> MultiHeadAttention`` self-attention, a residual
    ``layers.Add()``, ``LayerNormalization -> Dense(ff, relu) -> Dense(d_model)``,
    a residual ``layers.Add()``), ``GlobalAveragePooling1D`` and a 9-way
    softmax. No position encoding: the encoder sees the frames as a set.

    The block normalises a copy before attention, so ``MultiHeadAttention``
    is called on that copy: Keras removes the mask from the tensors it calls
    ``MultiHeadAttention`` on, and the residual stream keeps its own.

    Args:
        masking: put ``Masking(0.0)`` first, so attention and pooling skip padding.
        d_model, heads, ff: positive ints (model width, attention heads,
            feed-forward width).

    Returns:
        an uncompiled ``keras.Model`` taking ``(batch, timesteps, 12)`` float32.
    """
    import keras

    L = keras.layers
    d_model = _validate.positive_int("d_model", d_model)
    heads = _validate.positive_int("heads", heads)
    ff = _validate.positive_int("ff", ff)
    inputs = keras.Input((None, japanese_vowels.NUM_FEATURES))
    x = L.Masking(0.0)(inputs) if masking else inputs
    x = L.Dense(d_model, name="project")(x)
    h = L.LayerNormalization(name="norm_attention")(x)
    x = L.Add(name="residual_attention")([x, L.MultiHeadAttention(heads, d_model // heads, name="attention")(h, h)])
    h = L.LayerNormalization(name="norm_ff")(x)
    h = L.Dense(d_model, name="ff_out")(L.Dense(ff, activation="relu", name="ff_in")(h))
    x = L.Add(name="residual_ff")([x, h])
    x = L.GlobalAveragePooling1D(name="pool")(x)
    outputs = L.Dense(japanese_vowels.NUM_CLASSES, activation="softmax", name="speaker")(x)
    return keras.Model(inputs, outputs, name=f"encoder_{'masked' if masking else 'unmasked'}")


def run_attention_masking(masking: bool, *, epochs: int = 10, batch_size: int = 32, learning_rate: float = 0.005,
                          seed: int = 0, progress: bool = False) -> RunResult:
    """Train and test lesson 08's Transformer encoder with or without the padding mask.

    The data, padding (``"post"``, 0.0 to 29 frames), optimiser (Adam with
    cosine decay) and the two test sets (29 and 60 frames) are those of
    :func:`run_padding_masking`; only the model differs
    (:func:`build_transformer`).

    Args:
        masking: add ``Masking(0.0)`` first.
        epochs, batch_size: positive ints.
        learning_rate: initial Adam learning rate (float > 0).
        seed: int seed for weights and shuffling.
        progress: print a compact line every 10 epochs.

    Returns:
        :class:`RunResult` with ``padding="post"``.

    Raises:
        ValueError: non-positive ``epochs`` or ``batch_size``; ``learning_rate`` <= 0.
    """
    epochs = _validate.positive_int("epochs", epochs)
    batch_size = _validate.positive_int("batch_size", batch_size)
    if _validate.real_number("learning_rate", learning_rate) <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    label = f"encoder, {'padding mask' if masking else 'no mask'}"
    return _train_and_test(lambda: build_transformer(bool(masking)), "post", masking, label, epochs=epochs,
                           batch_size=batch_size, learning_rate=learning_rate, seed=seed, progress=progress)


def _train_and_test(build, padding, masking, label, *, epochs, batch_size, learning_rate, seed, progress):
    """Pad, seed, build (``build()`` after seeding), train with Adam + cosine decay, test at 29 and 60 frames."""
    import keras

    (x_train, y_train), (x_test, y_test) = _standardized()
    train = pad_batch(x_train, MAXLEN, padding=padding, dtype="float32")
    test = pad_batch(x_test, MAXLEN, padding=padding, dtype="float32")
    long_test = pad_batch(x_test, LONG_MAXLEN, padding=padding, dtype="float32")
    seed = int(seed)
    with isolated_seed(seed):  # the layers' initial weights; the caller's random state is restored after
        model = build()
    steps = epochs * int(np.ceil(len(y_train) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = [_epoch_line(label, epochs)] if progress else []
    # fit's own shuffling reads TensorFlow's global seed, which masklab leaves alone: shuffle here,
    # with a generator of our own, one permutation per epoch, and let fit keep that order.
    order = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(epochs):
        p = order.permutation(len(y_train))
        history = model.fit(train.values[p], y_train[p], initial_epoch=epoch, epochs=epoch + 1,
                            batch_size=batch_size, shuffle=False, verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    accuracy = float(model.evaluate(test.values, y_test, verbose=0, return_dict=True)["accuracy"])
    long_accuracy = float(model.evaluate(long_test.values, y_test, verbose=0, return_dict=True)["accuracy"])
    return RunResult(padding, bool(masking), accuracy, long_accuracy, round(seconds, 2), epochs,
                     float(history.history["loss"][-1]))
