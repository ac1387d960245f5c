"""The behaviour registry, the matrix command and the committed behaviour matrix."""

import json
import pathlib
import subprocess
import sys

import pytest

from masklab import behaviours
from masklab.behaviours import _registry, _rules
from masklab.matrix import format_value

ROOT = pathlib.Path(__file__).resolve().parents[1]
MATRIX = json.loads((ROOT / "docs" / "behaviour_matrix.json").read_text())


def test_registry_covers_every_keras_lesson():
    assert len(behaviours.REGISTRY) >= 40
    lessons = {b.lesson for b in behaviours.REGISTRY.values()}
    assert {"01", "02", "03", "04", "05", "06", "07", "08"} <= lessons
    for name, b in behaviours.REGISTRY.items():
        assert b.name == name and b.question and callable(b.fn)
    assert set(behaviours.LAYERS) == {n.split(".", 1)[1] for n in behaviours.REGISTRY if n.startswith("effect.")}


def test_each_behaviour_is_defined_in_its_lessons_module():
    misplaced = {name: b.fn.__module__ for name, b in behaviours.REGISTRY.items()
                 if b.fn.__module__ != f"masklab.behaviours.catalogue.lesson{b.lesson}"}
    assert not misplaced


def test_registry_order_is_the_committed_matrix_order():
    assert list(behaviours.REGISTRY) == list(MATRIX["tensorflow"]["results"])


def test_a_name_registers_once():
    before = dict(behaviours.REGISTRY)
    with pytest.raises(ValueError, match="registered twice"):
        _registry.behaviour("padding.default_side", "01", "again?")(lambda: "again")
    assert behaviours.REGISTRY == before


def test_public_names_are_all_listed():
    public = {n for n, v in vars(behaviours).items() if not n.startswith("_") and not isinstance(v, type(sys))}
    assert public == set(behaviours.__all__) == {
        "LAYERS", "REGISTRY", "RULES", "Behaviour", "Rule", "environment", "holds", "keras_release", "run",
        "run_all", "run_in_backend", "trace_after_masking"}


def test_importing_behaviours_imports_no_keras():
    code = "import sys, masklab.behaviours; print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_rules_follow_the_release(monkeypatch):
    monkeypatch.setattr(_rules, "keras_release", lambda: (3, 15))
    assert behaviours.holds("rnn_passes_mask") and behaviours.holds("masking_writes_where")
    monkeypatch.setattr(_rules, "keras_release", lambda: (3, 16))
    assert not behaviours.holds("rnn_passes_mask")
    monkeypatch.setattr(_rules, "keras_release", lambda: (3, 12))
    assert behaviours.holds("rnn_passes_mask") and not behaviours.holds("masking_writes_where")
    with pytest.raises(KeyError, match="rule must be one of"):
        behaviours.holds("no_such_rule")


def test_keras_release_reads_a_nightly_as_its_release(monkeypatch):
    import keras

    monkeypatch.setattr(keras, "version", lambda: "3.16.0.dev2026102704")
    assert behaviours.keras_release() == (3, 16)


def test_run_and_run_all():
    assert behaviours.run("masking.all_features_rule") == [False, True, True, False]
    with pytest.raises(KeyError, match="no behaviour named"):
        behaviours.run("nope")
    seen = []
    out = behaviours.run_all(["embedding.mask_rule", "vocab.out_of_range_eager"],
                             progress=lambda i, n, name: seen.append((i, n, name)))
    assert out == {"embedding.mask_rule": True, "vocab.out_of_range_eager": "InvalidArgumentError"}
    assert seen == [(0, 2, "embedding.mask_rule"), (1, 2, "vocab.out_of_range_eager")]


def test_run_all_refuses_unknown_names_before_running_any():
    seen = []
    with pytest.raises(KeyError, match=r"\['nope', 'nor_this'\].*masklab\.behaviours\.REGISTRY") as raised:
        behaviours.run_all(["embedding.mask_rule", "nope", "nor_this"], progress=lambda *args: seen.append(args))
    assert seen == []
    assert "embedding.mask_rule" not in str(raised.value)
    with pytest.raises(TypeError, match="not one str"):
        behaviours.run_all("embedding.mask_rule")


def test_run_leaves_the_callers_random_state_and_is_reproducible(callers_next_draws):
    # builds and calls Embedding, Dense and a custom layer: its value depends on the initial weights
    first = behaviours.run("custom.guide_temporal_softmax")
    second = behaviours.run("custom.guide_temporal_softmax")
    assert callers_next_draws() == callers_next_draws.reference
    assert first == second == MATRIX["tensorflow"]["results"]["custom.guide_temporal_softmax"]


def test_run_in_backend_rejects_unknown_backends():
    with pytest.raises(ValueError, match="backend must be one of"):
        behaviours.run_in_backend("mxnet")


def test_format_value():
    assert format_value(True) == "yes" and format_value([True, 0.5]) == "[True, 0.5]" and format_value("x") == "x"
    assert format_value(["", "[UNK]"]) == "['', '[UNK]']"


def test_matrix_command_refuses_unknown_names():
    done = subprocess.run([sys.executable, "-m", "masklab.matrix", "--only", "nope"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2 and "unknown behaviour" in done.stderr


def test_matrix_command_json():
    done = subprocess.run([sys.executable, "-m", "masklab.matrix", "--json", "--only", "padding.default_side"],
                          capture_output=True, text=True, check=True)
    data = json.loads(done.stdout)
    assert data["results"] == {"padding.default_side": "pre"}
    assert data["environment"]["backend"] == "tensorflow" and data["environment"]["keras"]


# The freshness of docs/behaviour_matrix.* is checked once per CI run: the tensorflow, jax and torch
# columns here, the "lowest Keras" and "keras-nightly" columns by
# `scripts/behaviour_matrix.py --check --columns "lowest Keras,keras-nightly"`.

def test_committed_matrix_is_fresh_for_tensorflow():
    """The reference column of docs/behaviour_matrix.json is what this environment does now."""
    committed = MATRIX["tensorflow"]
    env = behaviours.environment()
    assert env["keras"] == committed["environment"]["keras"], "the pinned Keras changed: rerun scripts/behaviour_matrix.py"
    live = behaviours.run_all()
    stale = {k: (committed["results"].get(k), v) for k, v in live.items() if committed["results"].get(k) != v}
    assert not stale, f"docs/behaviour_matrix.* is stale (committed, now): {stale}"


@pytest.mark.backends
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_committed_matrix_is_fresh_for_other_backends(backend):
    observed = behaviours.run_in_backend(backend)
    if observed is None:
        pytest.skip(f"{backend} is not installed (pip install -e '.[backends]')")
    committed = MATRIX[backend]["results"]
    assert list(observed["results"]) == list(committed), "the registry changed: rerun scripts/behaviour_matrix.py"
    stale = {k: (committed.get(k), v) for k, v in observed["results"].items() if committed.get(k) != v}
    assert not stale, f"docs/behaviour_matrix.* is stale for {backend} (committed, now): {stale}"


def test_matrix_page_lists_every_behaviour_and_all_columns():
    page = (ROOT / "docs" / "behaviour_matrix.md").read_text()
    for column in ("tensorflow", "jax", "torch", "lowest Keras", "keras-nightly"):
        assert column in MATRIX and f"| {column} |" in page
    for name in behaviours.REGISTRY:
        assert f"`{name}`" in page


def test_run_leaves_the_tensorflow_loggers_level_alone():
    import logging

    tf_log = logging.getLogger("tensorflow")
    before = tf_log.level
    tf_log.setLevel(logging.INFO)
    try:
        behaviours.run("backend.masked_pooling")
        assert tf_log.level == logging.INFO
    finally:
        tf_log.setLevel(before)
