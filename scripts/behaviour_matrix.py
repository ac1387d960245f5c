"""Run the taught behaviours in every supported environment and write docs/behaviour_matrix.md.

Columns (one environment each, each in its own process):

- ``tensorflow`` (the reference), ``jax``, ``torch``: the pinned Keras of
  ``envs/pinned.txt`` in this interpreter's environment, with
  ``KERAS_BACKEND`` set (the ``backends`` extra installs JAX and PyTorch);
- ``lowest Keras``: ``envs/lowest.txt`` in ``.venv-lowest``;
- ``keras-nightly``: ``envs/nightly.txt`` in ``.venv-nightly``.

Usage::

    python scripts/behaviour_matrix.py --setup      # build .venv-lowest and .venv-nightly if missing
    python scripts/behaviour_matrix.py              # run all columns, write docs/behaviour_matrix.{md,json}
    python scripts/behaviour_matrix.py --check      # run all columns, fail if the committed files differ
    python scripts/behaviour_matrix.py --lessons    # also run the lessons with nbval-lax in the two venvs

Each step prints how long it took. Exit status 1 when ``--check`` finds the
committed matrix stale or a lesson run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LESSON_TOOLS = ["pytest>=8", "nbval>=0.11", "ipykernel", "ipywidgets>=8", "matplotlib>=3.8"]

# name -> (virtual environment or None for this interpreter, KERAS_BACKEND, requirements file)
ENVIRONMENTS = {
    "tensorflow": (None, "tensorflow", "pinned.txt"),
    "jax": (None, "jax", "pinned.txt"),
    "torch": (None, "torch", "pinned.txt"),
    "lowest Keras": (".venv-lowest", "tensorflow", "lowest.txt"),
    "keras-nightly": (".venv-nightly", "tensorflow", "nightly.txt"),
}
REFERENCE = "tensorflow"


def _python(venv):
    return sys.executable if venv is None else str(ROOT / venv / "bin" / "python")


def _pip(venv, *args):
    subprocess.run([_python(venv), "-m", "pip", "install", "-q", *args], check=True, cwd=ROOT)


def _requirements(name):
    lines = (ROOT / "envs" / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def setup(venv, requirements):
    """Create ``venv`` with the pinned requirements, masklab (no deps) and the lesson tools."""
    path = ROOT / venv
    if (path / "bin" / "python").exists():
        print(f"{venv}: exists", flush=True)
        return
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    wanted = _requirements(requirements)
    nightly = [r for r in wanted if r.startswith("keras-nightly")]
    _pip(venv, *[r for r in wanted if r not in nightly], *LESSON_TOOLS)
    if nightly:
        # keras-nightly ships the same `keras` package as the `keras` TensorFlow pulled in.
        subprocess.run([_python(venv), "-m", "pip", "uninstall", "-q", "-y", "keras"], check=True)
        _pip(venv, *nightly)
    _pip(venv, "--no-deps", "-e", str(ROOT))
    print(f"{venv}: built in {time.perf_counter() - start:.0f} s", flush=True)


def observe(name):
    venv, backend, _ = ENVIRONMENTS[name]
    start = time.perf_counter()
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    done = subprocess.run([_python(venv), "-m", "masklab.matrix", "--json"], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{name}: python -m masklab.matrix failed:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout)
    data.pop("seconds", None)
    for unpinned in ("python", "numpy"):  # not pinned by envs/*.txt: keep the committed page stable
        data["environment"].pop(unpinned, None)
    print(f"{name}: {len(data['results'])} behaviours in {time.perf_counter() - start:.0f} s", flush=True)
    return data


def _cell(value):
    from masklab.matrix import format_value

    return format_value(value).replace("|", "\\|")


def render(columns) -> str:
    """The Markdown page: environments, rows that differ, then every behaviour by lesson."""
    from masklab.behaviours import REGISTRY

    names = list(columns)
    ref = columns[REFERENCE]["results"]
    lines = [
        "# Behaviour matrix",
        "",
        "What each behaviour the lessons teach does in each supported environment. Written by",
        "`python scripts/behaviour_matrix.py` from `python -m masklab.matrix --json` run in each environment;",
        "CI re-runs it and fails when this page is stale. The reference column is **tensorflow** (the",
        "pinned Keras on its default backend); a cell that differs from it is **bold** and marked ◆.",
        "",
        "| environment | backend | Keras | TensorFlow | JAX | torch | device |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in names:
        e = columns[name]["environment"]
        version = {"jax": e["jax"], "torch": e["torch"]}
        lines.append(f"| {name} | {e['backend']} | {e['keras']} | {e['tensorflow'] or '-'} | "
                     f"{version['jax'] if e['backend'] == 'jax' else '-'} | "
                     f"{version['torch'] if e['backend'] == 'torch' else '-'} | {e['device']} |")
    differing = [n for n in ref if any(columns[c]["results"].get(n) != ref[n] for c in names)]
    lines += ["", f"## Rows that differ between environments ({len(differing)} of {len(ref)})", ""]
    for n in differing:
        cells = ", ".join(f"{c}: {_cell(columns[c]['results'].get(n))}" for c in names)
        lines.append(f"- `{n}` (lesson {REGISTRY[n].lesson}): {cells}")
    lines += ["", "## All behaviours", ""]
    lines.append("| lesson | behaviour | question | " + " | ".join(names) + " |")
    lines.append("|---|---|---|" + "---|" * len(names))
    for n in ref:
        cells = []
        for c in names:
            value = columns[c]["results"].get(n, "missing")
            cells.append(_cell(value) if value == ref[n] else f"**{_cell(value)}** ◆")
        lines.append(f"| {REGISTRY[n].lesson} | `{n}` | {REGISTRY[n].question.replace('|', '/')} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def run_lessons(venv):
    start = time.perf_counter()
    done = subprocess.run(
        [_python(venv), "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600",
         "-o", "addopts=", "-p", "no:cacheprovider", "lessons"],
        cwd=ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), capture_output=True, text=True,
    )
    print(done.stdout[-3000:], flush=True)
    print(f"{venv}: lessons (nbval-lax) {'passed' if done.returncode == 0 else 'FAILED'} in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return done.returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="build .venv-lowest and .venv-nightly if missing")
    parser.add_argument("--check", action="store_true", help="fail if docs/behaviour_matrix.* would change")
    parser.add_argument("--lessons", action="store_true", help="run the lessons with nbval-lax in both venvs")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.setup:
        for venv, _, requirements in ENVIRONMENTS.values():
            if venv is not None:
                setup(venv, requirements)
    columns = {name: observe(name) for name in ENVIRONMENTS}
    text = render(columns)
    data = json.dumps(columns, indent=1, sort_keys=False) + "\n"
    ok = True
    if args.check:
        stale = [p.name for p, new in ((DOCS / "behaviour_matrix.md", text), (DOCS / "behaviour_matrix.json", data))
                 if not p.exists() or p.read_text() != new]
        if stale:
            ok = False
            print(f"STALE: {stale} differ from what the environments do now; run "
                  "`python scripts/behaviour_matrix.py` and commit the result.", flush=True)
            old = json.loads((DOCS / "behaviour_matrix.json").read_text()) if (DOCS / "behaviour_matrix.json").exists() else {}
            for name, col in columns.items():
                for key, value in col["results"].items():
                    before = old.get(name, {}).get("results", {}).get(key, "missing")
                    if before != value:
                        print(f"  {name} / {key}: committed {before!r}, now {value!r}")
        else:
            print("docs/behaviour_matrix.md and .json are up to date", flush=True)
    else:
        DOCS.mkdir(exist_ok=True)
        (DOCS / "behaviour_matrix.md").write_text(text)
        (DOCS / "behaviour_matrix.json").write_text(data)
        print("wrote docs/behaviour_matrix.md and docs/behaviour_matrix.json", flush=True)
    if args.lessons:
        for venv, _, _ in ENVIRONMENTS.values():
            if venv is not None:
                ok &= run_lessons(venv)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
