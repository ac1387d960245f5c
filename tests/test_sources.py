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


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS_PAGE_MOVING = re.compile(r"/(?:latest|stable|main|master|dev)(?:/|$)")
OWN = ("github.com/masklab/masklab", "mybinder.org/", "colab.research.google.com/", "hub.example.org/")
REFERENCE_DEFINITION = re.compile(r"^\[([^\]]+)\]:\s*(\S+)", flags=re.MULTILINE)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_docs_cite_fixed_versions(path):
    """README and docs/: a page they cite for a fact names its version (a commit, a tag, a version)."""
    text = path.read_text()
    moving = [u for u in URL.findall(text)
              if not any(own in u for own in OWN)
              and (PERMALINK_BRANCH.search(u) or DOCS_PAGE_MOVING.search(u.split("://", 1)[1]))]
    assert not moving, f"{path.name}: link to a moving page instead of a commit, tag or version: {moving}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_docs_references_are_used_and_say_what_they_support(path):
    """Each reference-style link is used, and its link text says what it is cited for (not 'docs', 'here')."""
    text = path.read_text()
    names = REFERENCE_DEFINITION.findall(text)
    unused = [name for name, _ in names if f"][{name}]" not in text]
    assert not unused, f"{path.name}: reference links defined but never cited: {unused}"
    vague = [label for label, name in re.findall(r"\[([^\]]+)\]\[([^\]]+)\]", text)
             if label.strip().lower() in {"here", "docs", "link", "this", "source", "see", name.lower()}]
    assert not vague, f"{path.name}: link texts that do not say what they are cited for: {vague}"


def _anchors(path):
    """The anchors JupyterLab gives a notebook's markdown headings: the heading's rendered text
    (no backticks, emphasis or link targets), spaces as '-'."""
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    in_fence, anchors = False, set()
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        heading = re.match(r"#{1,6} (.+?)\s*$", line)
        if heading and not in_fence:
            shown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).replace("`", "").replace("*", "")
            anchors.add(shown.replace(" ", "-"))
    return anchors


LINK = re.compile(r"\]\(((?:[\w./-]*\.ipynb)?)#([^)\s]+)\)")


@pytest.mark.parametrize("path", LESSONS + sorted((ROOT / "lessons").glob("*/[0-9][0-9]_*.ipynb")),
                         ids=lambda p: str(p.relative_to(ROOT / "lessons")))
def test_links_between_lessons_reach_a_heading(path):
    """Every `[text](NN_x.ipynb#Heading)` and `[text](#Heading)` in a lesson lands on a heading."""
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    broken = []
    for target, anchor in LINK.findall(text):
        other = (path.parent / target) if target else path
        if not other.exists():
            broken.append(f"{target}#{anchor} (no such notebook)")
        elif anchor not in _anchors(other):
            broken.append(f"{target or path.name}#{anchor}")
    assert not broken, f"{path.name}: links to headings that do not exist: {broken}"
