"""The README and the lessons: links resolve, the CI test command is the README's."""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _relative_links(text):
    for target in LINK.findall(text):
        if "://" in target or target.startswith("#") or target.startswith("mailto:"):
            continue
        yield target.split("#")[0]


def test_readme_relative_links_exist():
    text = (ROOT / "README.md").read_text()
    missing = [t for t in _relative_links(text) if not (ROOT / t).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_lesson_links_exist():
    missing = []
    for nb in sorted((ROOT / "lessons").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] == "markdown":
                missing += [f"{nb.name}: {t}" for t in _relative_links("".join(cell["source"])) if not (nb.parent / t).exists()]
    assert not missing, missing


def test_every_lesson_in_readme_map_and_executed():
    text = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        assert f"lessons/{nb.name}" in text, f"{nb.name} missing from the README's lesson map"
        cells = json.loads(nb.read_text())["cells"]
        counts = [c["execution_count"] for c in cells if c["cell_type"] == "code"]
        assert None not in counts, f"{nb.name} has unexecuted cells"
        assert counts == list(range(1, len(counts) + 1)), f"{nb.name}: re-run it top to bottom"


def test_lessons_store_no_tensorflow_log_noise_or_errors():
    noise = re.compile(r"I0000|oneDNN|cpu_feature_guard|absl::InitializeLog|cudart_stub")
    for nb in sorted((ROOT / "lessons").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"{nb.name}: stored error output"
                assert not noise.search("".join(out.get("text", ""))), f"{nb.name}: TensorFlow log noise stored"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- test-command -->", 1)[1].split("```")[1]
    command = block.split("\n", 1)[1].strip()
    assert "pytest" in command and "pip install" in command
    assert "test-command" in (ROOT / ".ci" / "run").read_text()
