"""Re-execute lesson notebooks in place, and measure them.

Lessons are committed with their outputs, and nbval compares fresh outputs
with them. After editing a lesson, run this script to store new outputs
(never edit outputs by hand)::

    python scripts/run_lessons.py                      # every lesson
    python scripts/run_lessons.py lessons/01_padding.ipynb
    python scripts/run_lessons.py --check              # measure only, write nothing

For each notebook it prints one JSON line: wall seconds and the kernel's
peak resident memory in MiB (sampled every 50 ms with psutil), the figure
to keep under public Binder's ~2 GB.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import threading
import time

import nbformat
import psutil
from nbclient import NotebookClient

from masklab.environment import quiet_env

ROOT = pathlib.Path(__file__).resolve().parents[1]


class PeakMemory:
    """Poll a process (and its children) for peak RSS in a background thread."""

    def __init__(self, pid: int, every: float = 0.05):
        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run(path: pathlib.Path, write: bool) -> dict:
    nb = nbformat.read(path, as_version=4)
    env = quiet_env(PYDEVD_DISABLE_FILE_VALIDATION="1")
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True, record_timing=False)
    start = time.perf_counter()
    with client.setup_kernel(env=env):
        pid = client.km.provisioner.process.pid
        with PeakMemory(pid) as memory:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        client.set_widgets_metadata()
    seconds = time.perf_counter() - start
    if write:
        nbformat.write(nb, path)
    return {"notebook": path.name, "seconds": round(seconds, 2), "peak_rss_mib": round(memory.peak / 2**20, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Re-execute lessons in place and measure them.")
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--check", action="store_true", help="execute and measure, but write nothing")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(json.dumps(run(path.resolve(), write=not args.check)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
