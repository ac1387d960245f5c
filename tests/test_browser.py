"""What a learner sees in a browser: JupyterLab + Debian's Chromium, driven by Playwright.

The test starts its own JupyterLab on 127.0.0.1 (a free port, token auth on) over a
temporary copy of lessons/01_padding.ipynb, opens it in headless Chromium, runs all cells,
moves the PaddingExplorer's maxlen slider, checks that the rendered grid changed, saves a
screenshot (its path is printed) and shuts the server down. A second test does the same with
lesson 08's AttentionMaskExplorer (its key-length slider).

Chromium comes from the system (`apt-get install chromium`; .ci/run does it). Without it the
test is skipped locally, but fails under CI (CI=true), so CI never silently skips it.
"""

import contextlib
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser test: apt-get install chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else __import__(
    "playwright.sync_api", fromlist=["sync_playwright"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _jupyterlab(tmp_path, root):
    """A JupyterLab server over ``root`` (a temporary folder holding copies of lessons)."""
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), HOME=str(tmp_path / "home"),
               JUPYTER_PATH=os.pathsep.join([str(pathlib.Path(sys.prefix) / "share" / "jupyter")]))
    (tmp_path / "home").mkdir()
    log = open(tmp_path / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}", f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
         "--LabApp.news_url=", "--LabApp.extension_manager=readonly", "--ServerApp.port_retries=0",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (tmp_path / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server over a temporary folder holding a copy of lesson 01."""
    root = tmp_path / "lessons"
    root.mkdir()
    shutil.copy(ROOT / "lessons" / "01_padding.ipynb", root / "01_padding.ipynb")
    with _jupyterlab(tmp_path, root) as server:
        yield server


def _open_and_run_all(page, address, last_output):
    """Open a notebook, accept the kernel, run all cells and wait for ``last_output``.

    JupyterLab sometimes asks which kernel to start: accept its suggestion (Python 3), and wait
    for the kernel to be idle before running everything.
    """
    page.goto(address)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    select = page.locator(".jp-Dialog button.jp-mod-accept")
    try:
        select.wait_for(timeout=8_000)
        select.click()
    except playwright_api.TimeoutError:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.locator(f"text={last_output}").first.wait_for(timeout=240_000)


def test_padding_explorer_responds_in_jupyterlab(jupyterlab, capsys):
    url, token = jupyterlab
    shots = ROOT / "artifacts"
    shots.mkdir(exist_ok=True)
    screenshot = shots / "browser_01_padding.png"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            # The last cell's output appears when every cell has run.
            _open_and_run_all(page, f"{url}/lab/tree/01_padding.ipynb?token={token}", "[01.3] No answer yet")
            explorer = page.locator(".widget-vbox:has(.widget-slider)").first
            explorer.wait_for(timeout=30_000)
            grid = explorer.locator("table.masklab-batch")
            grid.wait_for(timeout=60_000)
            before_html = grid.inner_html()
            columns_before = grid.locator("tr").first.locator("td").count()
            handle = explorer.locator(".widget-slider .noUi-handle").first
            handle.focus()
            handle.press("ArrowLeft")  # maxlen - 1: one timestep fewer in every row
            deadline = time.time() + 30
            while grid.inner_html() == before_html and time.time() < deadline:  # the table is re-rendered
                time.sleep(0.1)
            columns_after = grid.locator("tr").first.locator("td").count()
            assert grid.inner_html() != before_html
            assert columns_after == columns_before - 1, (columns_before, columns_after)
            news = page.get_by_role("button", name="No", exact=True)  # the "Jupyter news?" toast
            if news.count() and news.first.is_visible():
                news.first.click()
                page.wait_for_timeout(500)
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot), full_page=False)
        except Exception:
            page.screenshot(path=str(shots / "browser_01_padding_failure.png"))
            raise
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nbrowser test screenshot: {screenshot}")


def test_attention_mask_explorer_responds_in_jupyterlab(tmp_path, capsys):
    """Lesson 08 in JupyterLab: run it, move the AttentionMaskExplorer's key-length slider, see the grid change."""
    root = tmp_path / "lessons"
    root.mkdir()
    shutil.copy(ROOT / "lessons" / "08_attention_masks.ipynb", root / "08_attention_masks.ipynb")
    shots = ROOT / "artifacts"
    shots.mkdir(exist_ok=True)
    screenshot = shots / "browser_08_attention.png"
    with _jupyterlab(tmp_path, root) as (url, token), playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            _open_and_run_all(page, f"{url}/lab/tree/08_attention_masks.ipynb?token={token}", "[08.2] No answer yet")
            explorer = page.locator(".widget-vbox:has(table.masklab-attention)").first
            explorer.wait_for(timeout=60_000)
            grid = explorer.locator("table.masklab-attention").last
            before_html = grid.inner_html()
            masked_before = grid.locator("td[data-masked='1']").count()
            handle = explorer.locator(".widget-slider .noUi-handle").nth(1)   # key length
            handle.focus()
            handle.press("ArrowLeft")  # one real key fewer: one more masked column
            deadline = time.time() + 30
            while grid.inner_html() == before_html and time.time() < deadline:
                time.sleep(0.1)
            assert grid.inner_html() != before_html
            assert grid.locator("td[data-masked='1']").count() > masked_before
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot), full_page=False)
        except Exception:
            page.screenshot(path=str(shots / "browser_08_attention_failure.png"))
            raise
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nbrowser test screenshot: {screenshot}")
