"""Padding x masking on JapaneseVowels: the experiment behind lesson 07 and its benchmark.

One function trains the same small recurrent classifier on the 9-speaker
JapaneseVowels task under a chosen padding side and with or without a
``Masking`` layer, and reports test accuracy (on the test set padded to
several lengths) and training time. Lesson 07 and ``benchmarks/capstone.py``
both call it, so the figures they show come from the same code.
:func:`accuracy_by_padding`, :func:`predict_test_set` and
:func:`predict_padded` evaluate a trained model on the test set padded to
other lengths or on the other side, or on sequences of your own.

Reference: Kudo, Toyama and Shimbo (1999) report 94.1% test accuracy on this
split with their passing-through-regions classifier.
"""

from __future__ import annotations

import dataclasses
import time
import weakref

import numpy as np

from masklab import _validate
from masklab._random import isolated_seed
from masklab.datasets import japanese_vowels
from masklab.padding import pad_batch

MAXLEN = 29  # the longest utterance in either split
LONG_MAXLEN = 60  # a test batch with more padding than training ever showed
#: The test padding lengths lesson 07's curves are measured at: 29 (as trained) to 100 frames.
TEST_MAXLENS = (MAXLEN, 40, 50, LONG_MAXLEN, 70, 80, 90, 100)


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
        train_seconds: wall-clock seconds spent in ``fit`` (one timing, on
            whatever else the machine was doing: a benchmark repeats it).
        epochs: epochs trained.
        final_loss: training loss of the last epoch.
        test_maxlens: the test padding lengths measured, increasing ints
            (``()`` where only 29 and 60 were measured).
        test_accuracies: accuracy at each of ``test_maxlens`` (floats 0..1,
            same length).
        train_cpu_seconds: CPU seconds the process spent in ``fit`` (all its
            threads): less sensitive than ``train_seconds`` to other work on a
            shared machine.
        model: the trained ``keras.Model`` (not part of comparisons, the
            repr or :meth:`as_dict`); None where the run did not keep it.
    """

    padding: str
    masking: bool
    test_accuracy: float
    long_padding_accuracy: float
    train_seconds: float
    epochs: int
    final_loss: float
    test_maxlens: tuple = ()
    test_accuracies: tuple = ()
    train_cpu_seconds: float = 0.0
    model: object = dataclasses.field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        """The result as a plain dict of JSON-ready values (for JSON lines), without the model."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "model"}
        out["test_maxlens"], out["test_accuracies"] = list(self.test_maxlens), list(self.test_accuracies)
        return out


def standardized_data():
    """JapaneseVowels with every coefficient standardised by the training set's statistics, as the models see it.

    Each of the 12 coefficients has the mean and standard deviation of all
    training frames subtracted and divided out, in both splits (the test set
    is scaled with the training statistics). Nothing is padded.

    Returns:
        ``((x_train, y_train), (x_test, y_test))`` as
        :func:`masklab.datasets.japanese_vowels.load_data`: lists of 270 and
        370 float32 arrays ``(frames, 12)``, and int64 labels 0..8.
    """
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
                        test_maxlens=(MAXLEN, LONG_MAXLEN), progress: bool = False) -> RunResult:
    """Train and test the capstone model under one padding/masking configuration.

    Frames are standardised with the training set's per-coefficient mean and
    standard deviation, then padded with 0.0 to 29 frames on the ``padding``
    side (no real frame is all zeros, so ``Masking(0.0)`` masks exactly the
    padding). Adam with cosine learning-rate decay, sparse categorical
    cross-entropy. ``seed`` fixes the initial weights and the order of the
    training samples in every epoch; the caller's own random state (Python,
    NumPy, Keras) is left as it was (:func:`masklab._random.isolated_seed`).
    After training, the test set is padded on the same side to each of
    ``test_maxlens`` (and to 29 and 60 frames) and measured with
    :func:`accuracy_by_padding`: one batch of 370 per length.

    Args:
        padding: ``"pre"`` or ``"post"``.
        masking: add ``Masking(0.0)`` before the RNN.
        epochs, batch_size: positive ints.
        learning_rate: initial Adam learning rate (float > 0).
        seed: int seed for weights and shuffling.
        units: LSTM units per direction.
        test_maxlens: test padding lengths to measure, ints >= 29 (e.g.
            :data:`TEST_MAXLENS`); 29 and 60 are always measured.
        progress: print a compact line every 10 epochs.

    Returns:
        :class:`RunResult`, with the trained model in ``model``.

    Raises:
        ValueError: ``padding`` not ``"pre"``/``"post"``; non-positive
            ``epochs``, ``batch_size`` or ``units``; ``learning_rate`` <= 0; a
            test length that is not an integer, or below 29 (it would truncate
            test utterances).
        TypeError: ``test_maxlens`` is not a sequence.
    """
    padding = _validate.side("padding", padding)
    epochs = _validate.positive_int("epochs", epochs)
    batch_size = _validate.positive_int("batch_size", batch_size)
    if _validate.real_number("learning_rate", learning_rate) <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    maxlens = sorted({MAXLEN, LONG_MAXLEN, *_test_lengths(test_maxlens)})
    label = f"{padding} padding, {'masking' if masking else 'no mask'}"
    return _train_and_test(lambda: build_classifier(bool(masking), units=units), padding, masking, label,
                           epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                           progress=progress, test_maxlens=maxlens)


def _test_lengths(maxlens) -> list:
    """``maxlens`` as a list of ints >= :data:`MAXLEN` (validated)."""
    if isinstance(maxlens, (str, bytes)) or not hasattr(maxlens, "__iter__"):
        raise TypeError(f"test_maxlens must be a sequence of ints, got {_validate.show(maxlens)}")
    out = [_validate.positive_int("test_maxlens item", n) for n in maxlens]
    short = [n for n in out if n < MAXLEN]
    if short:
        raise ValueError(f"test_maxlens must be >= {MAXLEN} (the longest test utterance; shorter would truncate), "
                         f"got {short}")
    return out


def predict_padded(model, sequences, maxlen: int, *, padding: str = "post"):
    """A capstone model's class probabilities for sequences padded (with 0.0) to ``maxlen`` frames.

    The sequences are padded on the ``padding`` side with
    :func:`masklab.pad_batch` (so ``keras.utils.pad_sequences``; longer ones
    lose their first frames) and run through the model in one batch. On the
    TensorFlow backend the model runs inside one ``tf.function`` per model,
    traced once with the time axis left open, so a new padding length costs
    no new trace (``model.predict`` would trace again for each new length,
    and TensorFlow warns about repeated retracing); on the other backends
    through ``model.predict``.

    Args:
        model: a model from :func:`build_classifier` (trained or not), or any
            model taking ``(batch, timesteps, 12)`` float32.
        sequences: list of float arrays ``(frames, 12)``, e.g. from
            :func:`standardized_data`.
        maxlen: frames after padding, a positive int.
        padding: ``"pre"`` or ``"post"``.

    Returns:
        float32 array ``(len(sequences), classes)``.

    Raises:
        ValueError: ``padding`` not ``"pre"``/``"post"``; ``maxlen`` not a
            positive integer; as :func:`masklab.pad_batch` for ``sequences``.
    """
    padding = _validate.side("padding", padding)
    maxlen = _validate.positive_int("maxlen", maxlen)
    values = pad_batch(sequences, maxlen, padding=padding, dtype="float32").values
    return _forward(model)(values)


# model -> its forward function (see _forward); weak keys, so a model's entry goes when the model does.
_FORWARD = weakref.WeakKeyDictionary()


def _forward(model):
    """``model``'s inference as a function of a float32 ``(batch, timesteps, features)`` array -> NumPy."""
    import keras

    forward = _FORWARD.get(model)
    if forward is None:
        ref = weakref.ref(model)  # the function must not keep its model (the dict's key) alive
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            graph = tf.function(lambda x: ref()(x, training=False),
                                input_signature=[tf.TensorSpec((None, None, None), tf.float32)])

            def forward(values):
                return graph(values).numpy()
        else:
            def forward(values):
                return np.asarray(ref().predict(values, batch_size=len(values), verbose=0))
        _FORWARD[model] = forward
    return forward


def predict_test_set(model, padding: str, maxlen: int = MAXLEN):
    """A capstone model's class probabilities on the test set padded to ``maxlen``.

    The 370 test utterances, standardised with the training statistics (as
    in training, :func:`standardized_data`), padded with 0.0 on the
    ``padding`` side to ``maxlen`` frames and predicted in one batch
    (:func:`predict_padded`).

    Args:
        model: a model from :func:`build_classifier` (trained or not).
        padding: ``"pre"`` or ``"post"``: the side to pad the test set on.
        maxlen: int >= 29.

    Returns:
        float32 array ``(370, 9)``.

    Raises:
        ValueError: ``padding`` not ``"pre"``/``"post"``; ``maxlen`` not an
            integer, or below 29.
    """
    padding = _validate.side("padding", padding)
    (maxlen,) = _test_lengths([maxlen])
    _, (x_test, _) = standardized_data()
    return predict_padded(model, x_test, maxlen, padding=padding)


def accuracy_by_padding(model, padding: str, maxlens=TEST_MAXLENS):
    """A trained capstone model's test accuracy with the test set padded to each of ``maxlens``.

    One :func:`predict_test_set` call (one batch of 370) per length; the
    accuracy is the fraction of the 370 test utterances whose most probable
    speaker is the right one.

    Args:
        model: a model from :func:`build_classifier`.
        padding: ``"pre"`` or ``"post"``: the side to pad the test set on.
        maxlens: sequence of ints >= 29.

    Returns:
        float64 array, one accuracy (0..1) per length, in the order of ``maxlens``.

    Raises:
        ValueError: as :func:`predict_test_set`, for any length.
        TypeError: ``maxlens`` is not a sequence.
    """
    maxlens = _test_lengths(maxlens)
    _, (_, y_test) = standardized_data()
    return np.array([float((predict_test_set(model, padding, n).argmax(axis=-1) == y_test).mean())
                     for n in maxlens])


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


def _train_and_test(build, padding, masking, label, *, epochs, batch_size, learning_rate, seed, progress,
                    test_maxlens=None):
    """Pad, seed, build (``build()`` after seeding), train with Adam + cosine decay, test at 29 and 60 frames.

    With ``test_maxlens`` (sorted ints including 29 and 60) the test accuracies come from
    :func:`accuracy_by_padding` at those lengths and the result keeps them and the model; without
    (lesson 08's encoder) they come from ``evaluate`` at 29 and 60 frames.
    """
    import keras

    (x_train, y_train), (x_test, y_test) = standardized_data()
    train = pad_batch(x_train, MAXLEN, padding=padding, dtype="float32")
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
    start, cpu_start = time.perf_counter(), time.process_time()
    for epoch in range(epochs):
        p = order.permutation(len(y_train))
        history = model.fit(train.values[p], y_train[p], initial_epoch=epoch, epochs=epoch + 1,
                            batch_size=batch_size, shuffle=False, verbose=0, callbacks=callbacks)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    loss = float(history.history["loss"][-1])
    if test_maxlens is not None:
        accuracies = accuracy_by_padding(model, padding, test_maxlens)
        by_length = dict(zip(test_maxlens, accuracies.tolist()))
        return RunResult(padding, bool(masking), by_length[MAXLEN], by_length[LONG_MAXLEN], round(seconds, 2),
                         epochs, loss, tuple(test_maxlens), tuple(accuracies.tolist()), round(cpu_seconds, 2), model)
    test = pad_batch(x_test, MAXLEN, padding=padding, dtype="float32")
    long_test = pad_batch(x_test, LONG_MAXLEN, padding=padding, dtype="float32")
    accuracy = float(model.evaluate(test.values, y_test, verbose=0, return_dict=True)["accuracy"])
    long_accuracy = float(model.evaluate(long_test.values, y_test, verbose=0, return_dict=True)["accuracy"])
    return RunResult(padding, bool(masking), accuracy, long_accuracy, round(seconds, 2), epochs, loss,
                     train_cpu_seconds=round(cpu_seconds, 2))
