"""Interaction-to-DOM latency of each explorer in JupyterLab in headless Chromium; one JSON line each.

    python benchmarks/browser.py [--repeats 20] [--only padding|loss|propagation|attention]

Starts its own JupyterLab (the browser test's helpers, tests/jupyterlab_browser.py) over the
browser test's small notebooks, one per explorer (from lessons 01 padding, 03 propagation, 05 loss,
08 attention), runs each and then repeats one interaction as a learner makes it (Playwright's real key
presses and clicks): the maxlen slider's arrow key; a mask checkbox click; a layer name typed
and added with Enter (a new layer each time, so each is computed), then removed with its x (TagsInput
removes on mousedown, so that event starts the clock); the
key-length slider's arrow key. Each is timed inside the page: from the input event's own time
stamp (a capture listener on the document; ``event.timeStamp`` is ``performance.now()`` time)
to the MutationObserver callback on the explorer's view (the HTML widget that redraws), so
the figure covers the message to the kernel, the Python update and the new DOM (not the paint).
Prints the median and p90 of ``--repeats`` interactions per explorer; the target is 100 ms on
a quiet 2-core machine.
"""

import argparse
import json
import os
import pathlib
import nbformat
import statistics
import sys
import tempfile
import urllib.request

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from jupyterlab_browser import (  # noqa: E402
    CHROMIUM, CHROMIUM_FLAGS, EXPLORER_LESSONS, READY, dismiss_news, explorer_notebook, jupyterlab_server,
    open_and_run_all,
)

IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"

# Arms a one-shot measurement: the first `eventType` event after arming starts it (its timeStamp),
# the first mutation of the view (the HTML widget around `viewSelector`) after that event ends it.
ARM_JS = r"""
([viewSelector, eventType]) => {
  const view = document.querySelector(viewSelector).closest('.widget-html-content');
  window.__masklabLatency = new Promise((resolve) => {
    let start = null;
    const onEvent = (event) => { if (start === null) start = event.timeStamp; };
    document.addEventListener(eventType, onEvent, true);
    const observer = new MutationObserver(() => {
      if (start === null) return;
      const end = performance.now();
      observer.disconnect();
      document.removeEventListener(eventType, onEvent, true);
      resolve(end - start);
    });
    observer.observe(view, {childList: true, subtree: true, characterData: true});
    setTimeout(() => { observer.disconnect(); resolve(null); }, 30000);
  });
}
"""


def measure(page, view_selector, event_type, act):
    page.evaluate(ARM_JS, [view_selector, event_type])
    act()
    ms = page.evaluate("window.__masklabLatency")
    if ms is None:
        raise RuntimeError(f"no change of {view_selector} within 30 s after the {event_type}")
    page.wait_for_selector(IDLE, timeout=30_000)  # the kernel is idle before the next interaction
    return ms


def padding(page, explorer, repeats):
    handle = explorer.locator(".widget-slider .noUi-handle").first
    handle.focus()
    view = ".masklab-padding-explorer table.masklab-batch"
    return {"maxlen slider (arrow key)": [measure(page, view, "keydown", lambda i=i: handle.press(
        "ArrowLeft" if i % 2 == 0 else "ArrowRight")) for i in range(repeats)]}


def loss(page, explorer, repeats):
    boxes = explorer.locator("input[type=checkbox]")
    view = ".masklab-loss-explorer table.masklab-loss"
    return {"mask checkbox (click)": [measure(page, view, "click", lambda i=i: boxes.nth(i % boxes.count()).click())
                                      for i in range(repeats)]}


def propagation(page, explorer, repeats):
    box = explorer.locator("input[placeholder*='layer name']")
    view = ".masklab-propagation-explorer table.masklab-trace"
    names = ["Dense", "Dropout", "Activation(relu)", "LayerNormalization"]  # the lesson's stack ends 2-D

    def add(i):
        box.fill(names[i % len(names)])
        return measure(page, view, "keydown", lambda: box.press("Enter"))

    adds = [add(i) for i in range(repeats)]
    close = explorer.locator(".jupyter-widget-tag-close")
    removes = [measure(page, view, "mousedown", lambda: close.last.click()) for _ in range(repeats)]
    buttons = [explorer.get_by_role("button", name=name, exact=True) for name in names]
    clicks = [measure(page, view, "click", lambda i=i: buttons[i % len(names)].click()) for i in range(repeats)]
    return {"add a layer (Enter, new stack each time)": adds, "remove the last layer (x, on mousedown)": removes,
            "add a layer (click a suggestion)": clicks}


def attention(page, explorer, repeats):
    handle = explorer.locator(".widget-slider .noUi-handle").nth(1)  # key length
    handle.focus()
    view = ".masklab-attention-explorer table.masklab-attention"
    return {"key length slider (arrow key)": [measure(page, view, "keydown", lambda i=i: handle.press(
        "ArrowLeft" if i % 2 == 0 else "ArrowRight")) for i in range(repeats)]}


RUN = {"padding": padding, "loss": loss, "propagation": propagation, "attention": attention}
NAMES = {"padding": "PaddingExplorer", "loss": "LossExplorer", "propagation": "PropagationExplorer",
         "attention": "AttentionMaskExplorer"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--only", choices=list(RUN), action="append", help="measure only these explorers")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        root = tmp / "lessons"
        root.mkdir()
        for kind in EXPLORER_LESSONS:
            nbformat.write(explorer_notebook(kind), root / f"{kind}_explorer.ipynb")
        with jupyterlab_server(tmp, root) as (url, token), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for kind, lesson in EXPLORER_LESSONS.items():
                if args.only and kind not in args.only:
                    continue
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                open_and_run_all(page, f"{url}/lab/tree/{kind}_explorer.ipynb?reset&token={token}", READY)
                dismiss_news(page)
                explorer = page.locator(f".masklab-{kind}-explorer").first
                explorer.scroll_into_view_if_needed()  # open_and_run_all returned with the kernel idle
                for interaction, times in RUN[kind](page, explorer, args.repeats).items():
                    print(json.dumps({
                        "benchmark": "explorer_browser_latency", "explorer": NAMES[kind], "lesson": lesson,
                        "interaction": interaction, "repeats": len(times),
                        "median_ms": round(statistics.median(times), 1),
                        "p90_ms": round(float(np.percentile(times, 90)), 1), "target_ms": 100,
                        "cpus": os.cpu_count(),
                    }), flush=True)
                page.close()
                for session in json.load(urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=10)):
                    urllib.request.urlopen(urllib.request.Request(
                        f"{url}/api/sessions/{session['id']}?token={token}", method="DELETE"), timeout=30)
            browser.close()


if __name__ == "__main__":
    main()
