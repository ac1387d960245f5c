"""docs/keras_history.{json,md}: every registered behaviour across the Keras 3 releases, page in step with its data.

Installs nothing: scripts/keras_history.py observes the releases (minutes, in its own
virtual environments); this checks what it committed. When the registry changes, rerun
`python scripts/keras_history.py` (every release) and commit both files.
"""

import importlib.util
import json
import pathlib

from masklab.behaviours import REGISTRY

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("keras_history", ROOT / "scripts" / "keras_history.py")
keras_history = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(keras_history)

DATA = json.loads((ROOT / "docs" / "keras_history.json").read_text())
PAGE = (ROOT / "docs" / "keras_history.md").read_text()
RERUN = "the registry changed: rerun `python scripts/keras_history.py` and commit docs/keras_history.*"


def _ran(data):
    return {r: rec for r, rec in data["releases"].items() if rec["status"] == "ran"}


def test_json_lists_exactly_the_registrys_behaviours_for_every_release_that_ran():
    assert list(DATA["behaviours"]) == list(REGISTRY), RERUN
    stale = {r: sorted(set(REGISTRY) ^ set(rec["results"])) for r, rec in _ran(DATA).items()
             if list(rec["results"]) != list(REGISTRY)}
    assert not stale, f"{RERUN} (behaviours missing or extra per release: {stale})"


def test_page_names_every_registered_behaviour_once_with_its_history():
    for name in REGISTRY:
        assert PAGE.count(f"- `{name}`: ") == 1, f"{name}: not on docs/keras_history.md ({RERUN})"
    assert PAGE.count("  - took its current value in: ") == len(REGISTRY)


def test_at_least_eight_keras_3_releases_ran_on_the_pinned_and_nightly_versions():
    ran = [r for r in _ran(DATA) if r != DATA["nightly"]]
    assert len(ran) >= 8, f"only {ran} ran"
    assert all(r.startswith("3.") for r in ran)
    assert DATA["pinned"] == keras_history.PINNED and DATA["pinned"] in ran, "the pinned Keras changed: rerun"
    assert DATA["nightly"] == keras_history.NIGHTLY, "envs/nightly.txt changed: rerun with --releases nightly"
    for release, record in _ran(DATA).items():
        assert record["environment"]["keras"] == release
        assert record["environment"]["backend"] == "tensorflow"


def test_every_release_is_recorded_with_how_it_went():
    assert set(keras_history.RELEASES) | {keras_history.NIGHTLY} <= set(DATA["releases"])
    for release, record in DATA["releases"].items():
        assert record["tries"], release
        if record["status"] == "ran":
            assert record["kept"] in [t["environment"] for t in record["tries"] if t["outcome"] == "ran"]
        else:
            assert record["status"] == "does not work"
            assert all(t["outcome"] != "ran" and t["reason"] for t in record["tries"]), release


def test_page_is_what_render_only_writes_from_the_json():
    assert PAGE == keras_history.render(DATA), (
        "docs/keras_history.md is not rendered from docs/keras_history.json: run "
        "`python scripts/keras_history.py --render-only`")


def test_render_ranges_and_first_release_with_the_current_value():
    data = {
        "command": "python scripts/keras_history.py", "pinned": "3.2.1", "nightly": "3.3.0.dev1",
        "environments": [{"name": "tf-2.21.0", "tensorflow": "2.21.0", "pins": [], "tensorflow_asks_for": None}],
        "behaviours": {"a.flip": {"lesson": "02", "question": "does it flip?"},
                       "b.same": {"lesson": "03", "question": "is it the same?"}},
        "releases": {},
    }
    env = {"backend": "tensorflow", "tensorflow": "2.21.0", "numpy": "2", "python": "3.11", "device": "cpu"}
    for release, flip in (("3.0.5", False), ("3.1.1", False), ("3.2.1", True), ("3.3.0.dev1", False)):
        data["releases"][release] = {
            "pip": f"keras=={release}", "status": "ran", "kept": "tf-2.21.0",
            "environment": {**env, "keras": release}, "tries": [{"environment": "tf-2.21.0", "outcome": "ran",
                                                                 "raised": 0}],
            "results": {"a.flip": flip, "b.same": "x"}}
    data["releases"]["3.1.9"] = {"pip": "keras==3.1.9", "status": "does not work",
                                 "tries": [{"environment": "tf-2.21.0", "outcome": "crashed", "reason": "boom"}]}
    page = keras_history.render(data)
    assert "  - 3.0.5-3.1.1: `no`; 3.2.1: `yes`\n" in page
    assert ("  - took its current value in: 3.2.1 (after 3.1.1; 3.1.9 between them did not work); "
            "keras-nightly 3.3.0.dev1: `no`, differs\n") in page
    assert "  - 3.0.5-3.2.1: `x`\n  - took its current value in: 3.0.5 or earlier" in page
    assert "None compared: every release ran in one environment." in page
    assert "**does not work**: tf-2.21.0: crashed: boom" in page
    assert "| 02 | `a.flip` | 3.2.1 | `no` |" in page
    assert "**Every column ran on CPU.**" in page


def test_render_lists_what_differed_between_environments_and_what_raised():
    data = {
        "command": "python scripts/keras_history.py", "pinned": "3.1.1", "nightly": "3.2.0.dev1",
        "environments": [{"name": "new", "tensorflow": "2.21.0", "pins": [], "tensorflow_asks_for": "keras>=3.12.0"},
                         {"name": "old", "tensorflow": "2.18.1", "pins": ["numpy==1.26.4"],
                          "tensorflow_asks_for": None}],
        "behaviours": {"a.x": {"lesson": "01", "question": "x?"}, "b.y": {"lesson": "01", "question": "y?"}},
        "releases": {
            "3.0.5": {"pip": "keras==3.0.5", "status": "ran", "kept": "old",
                      "environment": {"keras": "3.0.5", "tensorflow": "2.18.1", "numpy": "1.26.4", "python": "3.11",
                                      "device": "cpu", "backend": "tensorflow"},
                      "tries": [{"environment": "new", "outcome": "ran", "raised": 2,
                                 "differs": {"a.x": "error: AttributeError", "b.y": 2}},
                                {"environment": "old", "outcome": "ran", "raised": 1}],
                      "results": {"a.x": 1, "b.y": "error: ValueError"}},
            "3.1.1": {"pip": "keras==3.1.1", "status": "ran", "kept": "new",
                      "environment": {"keras": "3.1.1", "tensorflow": "2.21.0", "numpy": "2.4", "python": "3.11",
                                      "device": "cpu", "backend": "tensorflow"},
                      "tries": [{"environment": "new", "outcome": "ran", "raised": 0}],
                      "results": {"a.x": 1, "b.y": 3}},
        },
    }
    page = keras_history.render(data)
    assert "- `new`: TensorFlow 2.21.0; its metadata asks for `keras>=3.12.0`" in page
    assert "- `old`: TensorFlow 2.18.1 with numpy==1.26.4" in page
    assert "ran (also tried: new: ran, 2 behaviours raised, 1 answered otherwise)" in page
    assert "- `b.y` (lesson 01): 3.0.5: `error: ValueError`" in page
    # b.y raised in the kept run but answered in the other: listed; a.x raised only in the other: not
    assert "## Behaviours whose value depended on the environment: 1" in page
    assert "- `b.y` (lesson 01): 3.0.5: `error: ValueError` in `old`, `2` in `new`" in page
    assert "Compared: 3.0.5." in page
    assert "  - 3.0.5: `error: ValueError`; 3.1.1: `3`\n" in page

