"""Build the static site: an index (the lesson map) and one HTML page per executed lesson.

    python scripts/build_site.py                 # writes site/
    python scripts/build_site.py --out /tmp/site

Each lesson is rendered by nbconvert's HTMLExporter (its JupyterLab template, extended in
scripts/site_assets/template/masklab/) from the outputs and the widget state the lesson stores
(scripts/run_lessons.py saves both). The widget renderer, `@jupyter-widgets/html-manager`, is
vendored in scripts/site_assets/ and copied next to the pages, so the explorers are drawn from their
stored state and a page fetches nothing from elsewhere when it is viewed (offline, or on a site
that blocks CDNs). The explorers show the state they were saved in; moving a control needs a
running kernel, so each page links to Binder and Colab.

The index is the lesson table of README.md (section "## The lessons"), with its links pointed at the
pages. Prints one JSON line: pages, size in bytes and MB, seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import html.parser
import json
import pathlib
import re
import shutil
import sys
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
ASSETS = ROOT / "scripts" / "site_assets"
HTML_MANAGER = "html-manager-1.0.15"
REPOSITORY = "masklab/masklab"   # as in the README's Binder badge: github.com/masklab/masklab
GITHUB_BLOB = f"https://github.com/{REPOSITORY}/blob/main/"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def binder_url(lesson: str) -> str:
    """The Binder link that opens ``lesson`` (a file name in lessons/) in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/HEAD?urlpath=lab/tree/lessons/{lesson}"


def colab_url(lesson: str) -> str:
    """The Google Colab link that opens ``lesson`` (a file name in lessons/) from GitHub."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/lessons/{lesson}"


LANGUAGES = {"en": "English", "zh": "中文", "ru": "Русский"}  # English first: the source; the others if built


def lessons(root: pathlib.Path = ROOT, language: str = "en") -> list[pathlib.Path]:
    """The lesson notebooks of ``language`` in order: ``lessons/NN_name.ipynb`` for English,
    ``lessons/<language>/NN_name.ipynb`` (built by scripts/translate_lessons.py) for the others."""
    folder = root / "lessons" if language == "en" else root / "lessons" / language
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def check_lesson(nb: nbformat.NotebookNode, name: str) -> None:
    """Refuse a lesson the static page could not show faithfully.

    Raises:
        ValueError: a code cell was never executed (run ``scripts/run_lessons.py``); an explorer's
            output has no stored widget state; or the lesson needs something the site does not ship
            (LaTeX for MathJax, JavaScript outputs, Mermaid diagrams).
    """
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if any(cell.execution_count is None for cell in code):
        raise ValueError(f"{name}: has unexecuted cells; run `python scripts/run_lessons.py lessons/{name}` first")
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in code:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and data[WIDGET_VIEW]["model_id"] not in state:
                raise ValueError(f"{name}: a widget output has no stored state (model {data[WIDGET_VIEW]['model_id']}); "
                                 "re-execute it with scripts/run_lessons.py, which stores widget state")
            if "application/javascript" in data:
                raise ValueError(f"{name}: a JavaScript output needs RequireJS, which the site does not ship")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (re.search(r"\$\$|\$[^$\s][^$\n]*\$", cell.source) or "```mermaid" in cell.source):
            raise ValueError(f"{name}: LaTeX or Mermaid in a markdown cell needs MathJax or Mermaid, which the site does not ship")


def rewrite_links(markdown: str, names: set[str], folder: str = "lessons", root: pathlib.Path = ROOT) -> str:
    """Point a lesson's relative links at the site: lessons' pages, other files on GitHub.

    ``folder`` is the notebook's folder relative to the repository (``lessons`` or ``lessons/zh``);
    ``names`` the lesson files of that folder. A link to a lesson of another language's folder
    (a translated lesson links the English one where no translation exists) points at that page.
    """
    def replace(match):
        target = match.group(1)
        path, _, anchor = target.partition("#")
        if path in names:
            path = path[: -len(".ipynb")] + ".html"
        else:
            resolved = (root / folder / path).resolve()
            try:
                relative = resolved.relative_to(root.resolve()).as_posix()
            except ValueError:
                relative = None
            if relative and re.fullmatch(r"lessons/(?:[a-z]{2}/)?\d\d_[\w]+\.ipynb", relative):
                path = path[: -len(".ipynb")] + ".html"  # the same relative layout holds in the site
            elif relative is not None and path.startswith("../"):
                path = GITHUB_BLOB + relative
        return "](" + path + (f"#{anchor}" if anchor else "") + ")"
    return re.sub(r"\]\(((?!\w+://|#|mailto:)[^)\s]+)\)", replace, markdown)


def title(nb: nbformat.NotebookNode, name: str) -> str:
    """The lesson's first ``# `` heading, e.g. "00 · Start here" (else the file name)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return name


def readme_lesson_map(readme: str) -> str:
    """The README's "## The lessons" section, with ``lessons/NN_x.ipynb`` links made page links."""
    match = re.search(r"^## The lessons\n(.*?)(?=^## )", readme, flags=re.DOTALL | re.MULTILINE)
    if not match:
        raise ValueError("README.md has no '## The lessons' section to build the index from")
    return re.sub(r"\]\(lessons/([^)\s]+)\.ipynb\)", r"](\1.html)", match.group(1).strip())


class _External(html.parser.HTMLParser):
    """Collects the URLs a browser would fetch from elsewhere: scripts, styles, images, frames."""

    FETCHED = {"script": "src", "img": "src", "iframe": "src", "link": "href", "source": "src", "embed": "src"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attribute = self.FETCHED.get(tag)
        value = dict(attrs).get(attribute) if attribute else None
        if value and re.match(r"^([a-z][a-z0-9+.-]*:)?//", value, flags=re.IGNORECASE):
            self.urls.append(value)


def external_resources(page: str) -> list[str]:
    """The URLs outside the site that an HTML page loads (scripts, stylesheets, images, frames)."""
    parser = _External()
    parser.feed(page)
    return parser.urls + re.findall(r"@import\s+url\(\s*['\"]?((?:https?:)?//[^'\")]+)", page)


def _copy_html_manager(out: pathlib.Path) -> pathlib.Path:
    source = ASSETS / HTML_MANAGER
    target = out / "_static" / HTML_MANAGER
    target.mkdir(parents=True, exist_ok=True)
    for line in (source / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        if hashlib.sha256((source / name).read_bytes()).hexdigest() != digest:
            raise ValueError(f"{source / name}: does not match SHA256SUMS; re-vendor it (see {source / 'README.md'})")
        shutil.copy2(source / name, target / name)
    for name in ("LICENSE", "LICENSE-fontawesome-free-5.15.4.txt", "embed.js.LICENSE.txt", "README.md"):
        shutil.copy2(source / name, target / name)
    return target


def _exporter(prefix: str = ""):
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="masklab",
        extra_template_basedirs=[str(ASSETS / "template")],
        widget_renderer_url=f"{prefix}_static/{HTML_MANAGER}/embed.js",
        theme="light",
    )


def build(out: pathlib.Path, root: pathlib.Path = ROOT) -> dict:
    """Write the site into ``out`` (emptied first): ``index.html``, one page per lesson, ``_static/``.

    Args:
        out: the output folder; created, and its previous content removed.
        root: the repository root holding README.md and lessons/.

    Returns:
        ``{"pages": int, "bytes": int, "mb": float, "seconds": float}`` for the whole folder.

    Raises:
        ValueError: a lesson fails :func:`check_lesson`, README.md lacks its lesson map, or a
            vendored file does not match its checksum.
    """
    start = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _copy_html_manager(out)
    built = {language: lessons(root, language) for language in LANGUAGES}
    built = {language: paths for language, paths in built.items() if paths}
    if "en" not in built:
        raise ValueError(f"no lessons found in {root / 'lessons'}")
    pages = 0
    for language, paths in built.items():
        prefix = "" if language == "en" else "../"
        folder = out if language == "en" else out / language
        folder.mkdir(exist_ok=True)
        exporter = _exporter(prefix)
        names = {path.name for path in paths}
        notebooks = [nbformat.read(path, as_version=4) for path in paths]
        titles = [title(nb, path.stem) for nb, path in zip(notebooks, paths)]
        source = "lessons" if language == "en" else f"lessons/{language}"

        def switch(page, here=language):
            """Links to the same page in the other built languages."""
            links = []
            for other in built:
                if other == here or (page != "index.html" and page[:-5] + ".ipynb" not in
                                     {p.name for p in built[other]}):
                    continue
                base = "" if here == "en" else "../"
                links.append((LANGUAGES[other], base + ("" if other == "en" else other + "/") + page))
            return links

        for index, (path, nb) in enumerate(zip(paths, notebooks)):
            check_lesson(nb, path.name)
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    cell.source = rewrite_links(cell.source, names, source, root)
            nav = [("Lesson map", "index.html")]
            if index > 0:
                nav.append((f"← {titles[index - 1]}", paths[index - 1].stem + ".html"))
            if index + 1 < len(paths):
                nav.append((f"{titles[index + 1]} →", paths[index + 1].stem + ".html"))
            lesson = path.name if language == "en" else f"{language}/{path.name}"
            nav += [("Run it on Binder", binder_url(lesson)), ("Open in Colab", colab_url(lesson))]
            nav += switch(path.stem + ".html")
            resources = {"metadata": {"name": f"masklab · {titles[index]}"}, "masklab_nav": nav,
                         "masklab_note": "A static copy of the executed lesson: the explorers show the state they "
                                         "were saved in. To move their controls, run the lesson (links above)."}
            page, _ = exporter.from_notebook_node(nb, resources=resources)
            (folder / f"{path.stem}.html").write_text(page, encoding="utf-8")
            pages += 1
        if language == "en":
            readme = (root / "README.md").read_text(encoding="utf-8")
            body = ("# masklab: the lessons\n\n"
                    "Learn padding and masking in Keras 3 by running it. These pages are static copies of the "
                    "executed lessons, with their outputs and explorers as they were saved; to run them, open a "
                    f"lesson on Binder or Colab, or follow the [README]({GITHUB_BLOB}README.md).\n\n"
                    + readme_lesson_map(readme))
        else:
            body = f"# masklab ({LANGUAGES[language]})\n\n" + "\n".join(
                f"- [{name}]({path.stem}.html)" for name, path in zip(titles, paths))
        others = " · ".join(f"[{name}]({href})" for name, href in switch("index.html"))
        if others:
            body += "\n\n" + others
        index_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(body)])
        page, _ = exporter.from_notebook_node(index_nb, resources={"metadata": {"name": "masklab · the lessons"}})
        (folder / "index.html").write_text(page, encoding="utf-8")
        pages += 1
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"pages": pages, "languages": list(built), "bytes": size, "mb": round(size / 2**20, 2),
            "seconds": round(time.perf_counter() - start, 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the static site of the executed lessons.")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "site", help="output folder (default: site/)")
    args = parser.parse_args(argv)
    print(json.dumps({"site": str(args.out), **build(args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
