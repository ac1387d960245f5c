"""Shared by the browser test and the browser benchmark: JupyterLab + Debian's Chromium via Playwright.

- :func:`jupyterlab_server`: a JupyterLab server on 127.0.0.1 (free port, token auth, its own
  config/settings/workspace folders) over a folder of notebooks, with the app exposed in the page
  (``window.jupyterapp``) so a script can switch themes with JupyterLab's own command.
- :func:`explorer_notebook`: a small notebook holding one lesson's explorer, to drive without the lesson.
- :func:`open_and_run_all`: open a notebook, accept the kernel, run all cells, wait for the last output.
- :func:`set_theme`: switch the live page to "JupyterLab Light" or "JupyterLab Dark".
- :data:`CONTRAST_JS`: measures, in the page, the WCAG contrast of every visible text node in the
  explorers' HTML views from computed styles.
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

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXPLORER_LESSONS = {  # explorer kind -> the lesson whose explorer cell (with its stored outputs) is driven
    "padding": "01_padding.ipynb",
    "embedding": "02_generating_masks.ipynb",
    "propagation": "03_mask_propagation.ipynb",
    "loss": "05_masked_loss.ipynb",
    "attention": "08_attention_masks.ipynb",
}
# The names each explorer cell reads, made as the lesson makes them (the lesson's own data, shorter).
EXPLORER_DATA = {
    "padding": (
        "from masklab.datasets import zen_of_python\n\n"
        "lines = zen_of_python.load_data()\n"
        "vectorize = keras.layers.TextVectorization(ragged=True)\n"
        "vectorize.adapt(lines)\n"
        "sample = [lines[i] for i in (0, 6, 7, 8, 10, 11)]\n"
        "ids = vectorize(sample).to_list()"
    ),
    "embedding": "",
    "propagation": "",
    "loss": (
        "mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)\n"
        "y = np.array([[[1], [0], [1], [1], [1]], [[0], [1], [1], [0], [1]]], dtype='float32')\n"
        "p = np.array([[[0.8], [0.3], [0.6], [0.5], [0.5]], [[0.2], [0.7], [0.9], [0.4], [0.6]]], dtype='float32')"
    ),
    "attention": "",
}
READY = "explorer ready"  # the small notebook's last output


def explorer_notebook(kind: str):
    """A small notebook that shows one lesson's explorer: its setup cell, the data, the explorer cell.

    The setup cell and the explorer cell are the lesson's own (the explorer cell keeps its stored
    outputs, so the static copy shows before the cell runs, as in the lesson); the data cell makes
    the names the explorer cell reads; the last cell prints :data:`READY`. Returns an
    ``nbformat.NotebookNode``.
    """
    import nbformat

    lesson = nbformat.read(ROOT / "lessons" / EXPLORER_LESSONS[kind], as_version=4)
    code = [cell for cell in lesson.cells if cell.cell_type == "code"]
    explorer = [cell for cell in code if "Explorer(" in cell.source]
    assert explorer, f"{EXPLORER_LESSONS[kind]} has no explorer cell"
    cells = [nbformat.v4.new_code_cell(code[0].source)]  # the first explorer cell is the lesson's main one
    if EXPLORER_DATA[kind]:
        cells.append(nbformat.v4.new_code_cell(EXPLORER_DATA[kind]))
    cells += [explorer[0], nbformat.v4.new_code_cell(f"print({READY!r})")]
    return nbformat.v4.new_notebook(cells=cells, metadata=lesson.metadata)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyterlab_server(tmp_path, root):
    """A JupyterLab server over ``root`` (a folder holding copies of lessons); yields ``(url, token)``."""
    tmp_path = pathlib.Path(tmp_path)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), HOME=str(tmp_path / "home"),
               JUPYTER_PATH=os.pathsep.join([str(pathlib.Path(sys.prefix) / "share" / "jupyter")]))
    (tmp_path / "home").mkdir(exist_ok=True)
    log = open(tmp_path / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}", f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
         "--LabApp.news_url=", "--LabApp.extension_manager=readonly", "--ServerApp.port_retries=0",
         "--LabApp.expose_app_in_browser=True",
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


def open_and_run_all(page, address, last_output, before_run=None):
    """Open a notebook, accept the kernel, run all cells and wait for ``last_output``.

    JupyterLab sometimes asks which kernel to start: accept its suggestion (Python 3), and wait
    for the kernel to be idle before running everything. ``before_run(page)``, if given, is
    called on the opened notebook before any cell runs.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(address)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    select = page.locator(".jp-Dialog button.jp-mod-accept")
    try:
        select.wait_for(timeout=8_000)
        select.click()
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    if before_run is not None:
        before_run(page)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.locator(f".jp-OutputArea-output >> text={last_output}").first.wait_for(timeout=240_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)


def dismiss_news(page):
    """Close the "Would you like to get notified about official Jupyter news?" toast if it shows."""
    news = page.get_by_role("button", name="No", exact=True)
    if news.count() and news.first.is_visible():
        news.first.click()
        news.first.wait_for(state="detached", timeout=10_000)


def set_theme(page, theme):
    """Switch the live JupyterLab page to ``theme`` ("JupyterLab Light"/"JupyterLab Dark") and wait for it."""
    light = "true" if theme == "JupyterLab Light" else "false"
    page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function(f"document.body.dataset.jpThemeLight === '{light}' && "
                           f"document.body.dataset.jpThemeName === '{theme}'", timeout=30_000)
    # The theme's stylesheet has applied when the page background (--jp-layout-color0) is light or dark.
    page.wait_for_function(_BACKGROUND_IS_JS, arg=light == "true", timeout=30_000)


_BACKGROUND_IS_JS = """light => {
  const probe = document.createElement('div');
  probe.style.background = 'var(--jp-layout-color0)';
  document.body.appendChild(probe);
  const rgb = getComputedStyle(probe).backgroundColor.match(/[\\d.]+/g);
  probe.remove();
  if (!rgb) return false;
  const luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
  return light ? luminance > 0.5 : luminance < 0.5;
}"""


# For each element matching the selector argument: every visible text node inside its HTML widgets
# (masklab's tables and the explorers' own text); its colour against the effective background, found by
# walking up the ancestors to an opaque background (semi-transparent colours alpha-blended, every
# colour of a gradient background tried: worst case). Returns {worst, count, offenders[]}.
CONTRAST_JS = r"""
(selector) => {
  const parse = (text) => {
    const out = [];
    const re = /rgba?\(([^)]+)\)/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      out.push([p[0], p[1], p[2], p.length > 3 ? p[3] : 1]);
    }
    return out;
  };
  const blend = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  // Background layers from the nearest element outwards, until an opaque one.
  const backgrounds = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const cs = getComputedStyle(node);
      if (cs.backgroundImage && cs.backgroundImage.includes('gradient')) {
        const colors = parse(cs.backgroundImage);
        if (colors.length) layers.push(colors);
      }
      const bg = parse(cs.backgroundColor)[0];
      if (bg && bg[3] > 0) {
        layers.push([bg]);
        if (bg[3] >= 1) break;
      }
    }
    // Paint from the bottom (an opaque colour, else the white canvas) up to the text.
    let below = [[255, 255, 255, 1]];
    for (let i = layers.length - 1; i >= 0; i--) {
      const next = [];
      for (const c of layers[i]) for (const b of below) next.push(blend(c, b));
      below = next;
    }
    return below;
  };
  const result = {worst: null, count: 0, offenders: []};
  for (const root of document.querySelectorAll(selector)) {
    for (const box of root.querySelectorAll('.widget-html-content')) {
      const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const text = t.textContent.trim();
        const el = t.parentElement;
        if (!text || !el || !el.getClientRects().length) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden' || cs.display === 'none') continue;
        const color = parse(cs.color)[0];
        let worst = Infinity, worstBg = null;
        for (const bg of backgrounds(el)) {
          const r = ratio(blend(color, bg), bg);
          if (r < worst) { worst = r; worstBg = bg; }
        }
        result.count += 1;
        if (result.worst === null || worst < result.worst) result.worst = worst;
        if (worst < 4.5 && result.offenders.length < 12)
          result.offenders.push({text: text.slice(0, 40), color: cs.color, background: worstBg, ratio: worst});
      }
    }
  }
  return result;
}
"""
