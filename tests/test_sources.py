"""Every issue, PR and URL a lesson mentions is listed, as a permalink, in the lesson's Sources."""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
REFERENCE = re.compile(r"(?:[\w.-]+/[\w.-]+#|\b(?:PR|issue|pull request) #)(\d+)\b")  # keras-team/keras#18416, PR #23235
URL = re.compile(r"https?://[^\s)<>\"'`,]+")
PERMALINK_BRANCH = re.compile(r"github\.com/[^/]+/[^/]+/(?:blob|tree)/(?:master|main|HEAD)/")


def _split(path):
    cells = json.loads(path.read_text())["cells"]
    sources = [c for c in cells if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## Sources")]
    rest = [c for c in cells if c not in sources]
    return sources, "\n".join("".join(c["source"]) for c in rest)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_cites_what_it_mentions(path):
    sources, body = _split(path)
    assert len(sources) == 1, f"{path.name}: needs exactly one '## Sources' markdown cell"
    cited = "".join(sources[0]["source"])
    missing = [f"#{n}" for n in REFERENCE.findall(body)
               if not re.search(rf"github\.com/[\w.-]+/[\w.-]+/(?:issues|pull)/{n}\b", cited)]
    missing += [u for u in URL.findall(body) if u.rstrip(".") not in cited]
    assert not missing, f"{path.name}: mentioned but not in its Sources: {missing}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_sources_are_permalinks(path):
    sources, _ = _split(path)
    urls = URL.findall("".join(sources[0]["source"]))
    assert urls, f"{path.name}: Sources lists no links"
    moving = [u for u in urls if PERMALINK_BRANCH.search(u)]
    assert not moving, f"{path.name}: link to a moving branch instead of a commit or tag: {moving}"
