"""The README and the lessons: links resolve, the CI test command is the README's."""

import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _relative_links(text):
    for target in LINK.findall(text):
        if "://" in target or target.startswith(("#", "mailto:")):
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


def _readme_block(text, marker):
    """The lines of the first fenced block after ``<!-- marker -->``, parsed in Python."""
    lines = text.split("<!-- " + marker + " -->", 1)[1].splitlines()
    fences = [i for i, line in enumerate(lines) if line.startswith("```")]
    return "\n".join(lines[fences[0] + 1:fences[1]])


def _ci_extraction(variable):
    """The awk program .ci/run uses to set ``variable`` from README.md."""
    script = (ROOT / ".ci" / "run").read_text()
    found = re.search(rf"^{variable}=\$\(awk '([^']*)' README\.md\)$", script, re.MULTILINE)
    assert found, f".ci/run no longer sets {variable} with awk from README.md"
    return found.group(1), script


@pytest.mark.parametrize("marker, variable", [("test-command", "command"), ("matrix-command", "matrix_command")])
def test_ci_runs_exactly_the_readme_command_block(marker, variable):
    """Run .ci/run's own awk extraction on README.md and compare it with the block parsed here."""
    readme = (ROOT / "README.md").read_text()
    expected = _readme_block(readme, marker)
    assert expected.strip() and "pytest" in _readme_block(readme, "test-command")
    program, script = _ci_extraction(variable)
    assert f"<!-- {marker} -->" in program
    extracted = subprocess.run(["awk", program, "README.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert extracted.stdout.rstrip("\n") == expected
    # ... and .ci/run executes that variable.
    assert f'bash -euo pipefail -c "${variable}"' in script
