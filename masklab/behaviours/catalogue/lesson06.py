"""Lesson 06, vocabulary and out-of-range ids: what an Embedding returns for a bad id, and the lookups' OOV ids.

Also :func:`backend_table`, the lesson's table of the out-of-range behaviours on
TensorFlow, JAX and PyTorch (this process for the running backend, a fresh
process for each other one).
"""

from __future__ import annotations

import dataclasses
import json
import pathlib

import numpy as np

from masklab.behaviours._registry import (
    REGISTRY,
    behaviour,
    load_keras,
    run_all,
    run_in_backend,
    to_numpy,
)


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
    """``call(keras, layer)`` on a built Embedding(3, 2): the error's name, or what the first output row is."""
    keras = load_keras()
    layer = keras.layers.Embedding(3, 2)
    layer.build((None, 1))
    rows = to_numpy(layer.embeddings)
    try:
        out = call(keras, layer)
    except Exception as error:  # noqa: BLE001 - the observation is the error's type
        return type(error).__name__
    return _describe_lookup(np.asarray(out).reshape(-1, 2)[0], rows)


@behaviour("vocab.out_of_range_eager", "06", "Embedding(3, 2) called eagerly on id 5")
def _oob_eager():
    return _oob(lambda keras, layer: to_numpy(layer(np.array([[5]]))))


@behaviour("vocab.out_of_range_predict", "06", "Embedding(3, 2) in a model, predict on id 5")
def _oob_predict():
    def call(keras, layer):
        inp = keras.Input((1,))
        return keras.Model(inp, layer(inp)).predict(np.array([[5]]), verbose=0)
    return _oob(call)


@behaviour("vocab.out_of_range_xla", "06", "Embedding(3, 2), predict with jit_compile=True (XLA) on id 5")
def _oob_xla():
    keras = load_keras()
    if keras.backend.backend() not in ("tensorflow", "jax"):
        return "n/a (no XLA on this backend)"

    def call(keras, layer):
        inp = keras.Input((1,))
        model = keras.Model(inp, layer(inp))
        model.compile(jit_compile=True)
        return model.predict(np.array([[5]]), verbose=0)
    return _oob(call)


@behaviour("vocab.negative_id", "06", "Embedding(3, 2) called eagerly on id -1")
def _negative():
    return _oob(lambda keras, layer: to_numpy(layer(np.array([[-1]]))))


@behaviour("vocab.negative_id_below_range", "06", "Embedding(3, 2) called eagerly on id -4 (below -input_dim)")
def _negative_below_range():
    return _oob(lambda keras, layer: to_numpy(layer(np.array([[-4]]))))


@behaviour("vocab.auto_jit_compile", "06",
           "a compiled Embedding model: does the default jit_compile='auto' turn XLA on here?")
def _auto_jit_compile():
    keras = load_keras()
    inp = keras.Input((1,))
    model = keras.Model(inp, keras.layers.Embedding(3, 2)(inp))
    model.compile(loss="mse")
    return bool(model.jit_compile)


@behaviour("vocab.mask_zero_keeps_bad_ids", "06",
           "Embedding(3, 2, mask_zero=True).compute_mask on ids [5, 0, -1]")
def _mask_bad_ids():
    layer = load_keras().layers.Embedding(3, 2, mask_zero=True)
    return to_numpy(layer.compute_mask(np.array([[5, 0, -1]]))).tolist()[0]


@behaviour("vocab.textvectorization_oov_id", "06", "TextVectorization: the id of an unknown word")
def _tv_oov():
    layer = load_keras().layers.TextVectorization(vocabulary=["the", "cat"])
    return int(to_numpy(layer(["dog"]))[0, 0])


@behaviour("vocab.stringlookup_default_oov_id", "06",
           "StringLookup (default mask_token=None): the id of an unknown word")
def _sl_oov():
    return int(to_numpy(load_keras().layers.StringLookup(vocabulary=["the", "cat"])(["dog"]))[0])


@behaviour("vocab.stringlookup_mask_token_oov_id", "06", "StringLookup(mask_token=''): the id of an unknown word")
def _sl_mask_oov():
    return int(to_numpy(load_keras().layers.StringLookup(vocabulary=["the", "cat"], mask_token="")(["dog"]))[0])


#: The rows of lesson 06's backend table: behaviour name -> what it runs, in the table's words.
OUT_OF_RANGE = {
    "vocab.out_of_range_eager": "id 5, eager call",
    "vocab.out_of_range_predict": "id 5, model.predict",
    "vocab.out_of_range_xla": "id 5, predict with jit_compile=True",
    "vocab.negative_id": "id -1, eager call",
    "vocab.negative_id_below_range": "id -4, eager call",
    "vocab.auto_jit_compile": "compile(): jit_compile='auto' turns XLA on",
}
_BACKENDS = ("tensorflow", "jax", "torch")
_MATRIX = pathlib.Path(__file__).resolve().parents[3] / "docs" / "behaviour_matrix.json"


@dataclasses.dataclass(frozen=True)
class BackendTable:
    """Behaviours observed on each backend: a Markdown table in a notebook.

    Attributes:
        labels: ``{behaviour name: row label}``, in row order.
        columns: ``{backend: (results, how)}``: ``results`` maps each name to
            its observation; ``how`` says where it comes from ("live, this
            kernel", "live, jax 0.10.2 in a fresh process", "recorded ..." or
            "not run ...").
    """

    labels: dict
    columns: dict

    def results(self, backend: str) -> dict:
        """``{name: observation}`` for ``backend`` (a KeyError names the backends)."""
        if backend not in self.columns:
            raise KeyError(f"backend must be one of {list(self.columns)}, got {backend!r}")
        return self.columns[backend][0]

    def how(self, backend: str) -> str:
        """Where ``backend``'s column comes from, in words."""
        self.results(backend)
        return self.columns[backend][1]

    def to_markdown(self) -> str:
        """The table as Markdown: one row per behaviour, one column per backend."""
        from masklab.matrix import format_value

        lines = ["| | " + " | ".join(f"{b}<br>({how})" for b, (_, how) in self.columns.items()) + " |",
                 "|---|" + "---|" * len(self.columns)]
        lines += [f"| {label} | " + " | ".join(format_value(results.get(name, "not recorded"))
                                               for results, _ in self.columns.values()) + " |"
                  for name, label in self.labels.items()]
        return "\n".join(lines)

    def _repr_markdown_(self):
        return self.to_markdown()


def _recorded(backend, names):
    """The committed matrix's column for ``backend`` (only in a source checkout), or None."""
    try:
        column = json.loads(_MATRIX.read_text())[backend]["results"]
    except (OSError, ValueError, KeyError):
        return None
    return {n: column.get(n, "not recorded yet") for n in names}


def backend_table(labels: dict | None = None) -> BackendTable:
    """Run behaviours on every backend: the running one here, the others each in a fresh Python process.

    A process that has imported Keras keeps its backend: ``keras.config.set_backend``
    reloads Keras in place, but every layer and tensor made before it stops working.
    So the other backends run in a subprocess (:func:`masklab.behaviours.run_in_backend`)
    with ``KERAS_BACKEND`` set, and this kernel's objects stay usable. A backend that
    is not installed is read from the committed ``docs/behaviour_matrix.json`` when
    there is one ("recorded"), else its column says "not run".

    Args:
        labels: ``{behaviour name: row label}``; None uses :data:`OUT_OF_RANGE`.

    Returns:
        :class:`BackendTable` (shown as a Markdown table in a notebook).

    Raises:
        KeyError: a name is not in the registry.
        RuntimeError: a backend's subprocess failed.
    """
    labels = dict(OUT_OF_RANGE if labels is None else labels)
    unknown = [n for n in labels if n not in REGISTRY]
    if unknown:
        raise KeyError(f"no behaviour named {unknown}")
    here = load_keras().backend.backend()
    columns = {here: (run_all(labels), "live, this kernel")}
    for backend in _BACKENDS:
        if backend == here:
            continue
        observed = run_in_backend(backend, list(labels))
        if observed is not None:
            version = observed["environment"].get(backend)
            columns[backend] = (observed["results"], f"live, {backend} {version} in a fresh process")
            continue
        recorded = _recorded(backend, labels)
        if recorded is not None:
            columns[backend] = (recorded, "recorded in docs/behaviour_matrix.md")
        else:
            columns[backend] = ({n: "not run" for n in labels}, "not installed")
    return BackendTable(labels, columns)
