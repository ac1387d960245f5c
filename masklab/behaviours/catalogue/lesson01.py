"""Lesson 01, padding: pad_sequences' defaults, its int cast of floats, its old import path, TextVectorization's reserved ids."""

from __future__ import annotations

from masklab.behaviours._registry import behaviour, load_keras


@behaviour("padding.default_side", "01", "Which side does keras.utils.pad_sequences pad by default?")
def _padding_default_side():
    out = load_keras().utils.pad_sequences([[1, 2], [3]])
    return {(0, 3): "pre", (3, 0): "post"}.get(tuple(out[1].tolist()), str(out[1].tolist()))


@behaviour("padding.default_truncating", "01", "Which end does pad_sequences cut by default (maxlen=2)?")
def _padding_default_truncating():
    out = load_keras().utils.pad_sequences([[1, 2, 3]], maxlen=2)
    return {(2, 3): "pre", (1, 2): "post"}.get(tuple(out[0].tolist()), str(out[0].tolist()))


@behaviour("padding.default_dtype", "01", "What dtype does pad_sequences return by default?")
def _padding_default_dtype():
    return str(load_keras().utils.pad_sequences([[1.5]]).dtype)


@behaviour("vocabulary.textvectorization_reserved", "01",
           "Which ids does TextVectorization reserve at the start of its vocabulary?")
def _textvectorization_reserved():
    layer = load_keras().layers.TextVectorization(vocabulary=["cat"])
    return [str(w) for w in layer.get_vocabulary()[:2]]


@behaviour("padding.float_into_int_dtype", "01",
           "pad_sequences([[2.7, -2.7, 0.4, -0.6]]) with its default dtype: the values it returns")
def _padding_float_into_int_dtype():
    return load_keras().utils.pad_sequences([[2.7, -2.7, 0.4, -0.6]])[0].tolist()


@behaviour("padding.old_import_path", "01",
           "Is keras.preprocessing.sequence.pad_sequences (the path in older answers) keras.utils.pad_sequences?")
def _padding_old_import_path():
    import importlib

    keras = load_keras()
    try:
        old = importlib.import_module("keras.preprocessing.sequence").pad_sequences
    except (ImportError, AttributeError) as error:
        return f"error: {type(error).__name__}"
    return old is keras.utils.pad_sequences
