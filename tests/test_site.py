"""The static site (scripts/build_site.py): built from the executed lessons, explorers drawn offline.

The browser test opens the pages from disk in headless Chromium (Debian's package, as in
tests/test_browser.py) with every request that is not a local file aborted, and finds each
explorer's grid drawn by the vendored widget renderer from the stored widget state.
"""

import importlib.util
import os
import re
import sys

import nbformat
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from jupyterlab_browser import CHROMIUM, CHROMIUM_FLAGS, ROOT

_spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)

LESSONS = build_site.lessons()
# The explorer of each lesson page and the grid it draws (the classes masklab.display gives them).
EXPLORER_GRIDS = {
    "00_start_here": "table.masklab-batch",
    "01_padding": "table.masklab-batch",
    "03_mask_propagation": "table.masklab-trace",
    "05_masked_loss": "table.masklab-loss",
    "08_attention_masks": "table.masklab-attention",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    figures = build_site.build(out)
    return out, figures


@pytest.mark.site
def test_one_page_per_lesson_and_an_index_linking_them(site):
    out, figures = site
    pages = sorted(p.name for p in out.glob("*.html"))
    assert pages == sorted(["index.html", *(p.stem + ".html" for p in LESSONS)])
    built = [language for language in build_site.LANGUAGES if build_site.lessons(ROOT, language)]
    assert figures["languages"] == built
    assert figures["pages"] == sum(len(build_site.lessons(ROOT, language)) + 1 for language in built)
    index = (out / "index.html").read_text()
    for lesson in LESSONS:
        assert f'href="{lesson.stem}.html"' in index, f"the index does not link {lesson.stem}.html"
    # Lesson pages link the index, their neighbours, and each other instead of the .ipynb files.
    first = (out / f"{LESSONS[0].stem}.html").read_text()
    assert 'href="index.html"' in first and f'href="{LESSONS[1].stem}.html"' in first
    assert not re.search(r'href="\d\d_[a-z_]+\.ipynb"', first)


@pytest.mark.site
def test_pages_load_nothing_from_elsewhere_and_embed_widget_state(site):
    out, _ = site
    for page in out.glob("*.html"):
        assert build_site.external_resources(page.read_text()) == [], page.name
    for lesson in LESSONS:
        nb = nbformat.read(lesson, as_version=4)
        page = (out / f"{lesson.stem}.html").read_text()
        if "widgets" in nb.metadata:
            assert 'type="application/vnd.jupyter.widget-state+json"' in page, lesson.name
            assert f"_static/{build_site.HTML_MANAGER}/embed.js" in page
    assert (out / "_static" / build_site.HTML_MANAGER / "embed.js").stat().st_size > 1_000_000


def test_external_resources_finds_what_a_browser_would_fetch():
    page = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/a.css">'
            '<img src="local.png"><a href="https://example.org/">a link is not fetched</a>'
            '<style>@import url("https://fonts.example/f.css");</style>')
    assert build_site.external_resources(page) == ["https://cdn.example/x.js", "//cdn.example/a.css",
                                                    "https://fonts.example/f.css"]


def test_build_refuses_an_unexecuted_lesson():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    with pytest.raises(ValueError, match="unexecuted cells"):
        build_site.check_lesson(nb, "99_x.ipynb")


def test_links_point_at_pages_and_repository_files():
    names = {"01_padding.ipynb"}
    text = "[next](01_padding.ipynb#top), [matrix](../docs/behaviour_matrix.md), [web](https://x.org/a.ipynb)"
    assert build_site.rewrite_links(text, names) == (
        "[next](01_padding.html#top), [matrix](https://github.com/masklab/masklab/blob/main/docs/behaviour_matrix.md), "
        "[web](https://x.org/a.ipynb)")


@pytest.mark.site
@pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                    reason="Chromium is not installed (apt-get install chromium); CI runs this test")
def test_explorers_render_from_stored_state_with_the_network_off(site):
    playwright_api = pytest.importorskip("playwright.sync_api")
    out, _ = site
    shots = ROOT / "artifacts"
    shots.mkdir(exist_ok=True)
    blocked = []

    def local_files_only(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
        context.route("**/*", local_files_only)
        page = context.new_page()
        try:
            for stem, grid_selector in EXPLORER_GRIDS.items():
                page.goto((out / f"{stem}.html").as_uri())
                # The grid inside an HTML widget drawn by the html-manager, not a plain HTML output.
                grid = page.locator(f".jupyter-widgets .widget-html-content {grid_selector}").first
                grid.wait_for(timeout=30_000)
                assert grid.locator("td").count() >= 4, stem
                if stem in ("00_start_here", "08_attention_masks"):
                    assert page.locator(".jupyter-widgets .widget-slider").count() >= 1, stem
                grid.scroll_into_view_if_needed()
                page.screenshot(path=str(shots / f"site_{stem}.png"))
        finally:
            browser.close()
    assert blocked == [], f"pages tried to fetch from elsewhere: {blocked}"


@pytest.mark.site
def test_translated_lessons_get_their_own_pages_and_a_language_switch(tmp_path):
    """A language folder lessons/<lang>/ (built by scripts/translate_lessons.py) becomes site/<lang>/,
    each page links the same lesson in the other languages, and the pages share one widget renderer."""
    import shutil

    root = tmp_path / "repo"
    (root / "lessons" / "zh").mkdir(parents=True)
    shutil.copy(ROOT / "README.md", root / "README.md")
    for name in (LESSONS[0].name, LESSONS[1].name):
        shutil.copy(ROOT / "lessons" / name, root / "lessons" / name)
    shutil.copy(ROOT / "lessons" / LESSONS[0].name, root / "lessons" / "zh" / LESSONS[0].name)
    out = tmp_path / "site"
    figures = build_site.build(out, root)
    assert figures["languages"] == ["en", "zh"] and figures["pages"] == 3 + 2
    english, chinese = (out / f"{LESSONS[0].stem}.html").read_text(), (out / "zh" / f"{LESSONS[0].stem}.html").read_text()
    assert f'href="zh/{LESSONS[0].stem}.html"' in english and "中文" in english
    assert f'href="../{LESSONS[0].stem}.html"' in chinese and "English" in chinese
    assert "../_static/" in chinese and build_site.external_resources(chinese) == []
    # lesson 01 has no translation: its English page offers no Chinese link, and the zh index lists one lesson
    assert "中文" not in (out / f"{LESSONS[1].stem}.html").read_text()
    assert (out / "zh" / "index.html").read_text().count('.html"') >= 1
