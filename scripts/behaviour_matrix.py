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
    python scripts/behaviour_matrix.py --check --columns "lowest Keras,keras-nightly"

``--columns`` observes only the named columns; the others are read from the
committed ``docs/behaviour_matrix.json`` and the page is rendered from the
merge, so ``--check --columns ...`` checks only those columns and writing with
``--columns`` updates only them. (The test suite checks the ``tensorflow``,
``jax`` and ``torch`` columns, so CI passes the other two here.) A committed
column that does not list exactly the registry's behaviours, in its order,
must be observed: the script says which.

Each step prints how long it took. Exit status 1 when ``--check`` finds the
committed matrix stale, a committed column must be re-observed, or a lesson
run fails; 2 for an unknown column name.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# after ROOT is on the path (these import no Keras)
from masklab.behaviours import REGISTRY
from masklab.environment import quiet_env
from masklab.matrix import format_value

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
    """Run ``python -m masklab.matrix --json`` for the column ``name``; return its environment and results.

    Exits (status 1) when its virtual environment is missing or the subprocess fails.
    """
    venv, backend, _ = ENVIRONMENTS[name]
    if not pathlib.Path(_python(venv)).exists():
        sys.exit(f"{name}: {venv} does not exist; build it with --setup")
    start = time.perf_counter()
    done = subprocess.run([_python(venv), "-m", "masklab.matrix", "--json"], capture_output=True, text=True,
                          env=quiet_env(KERAS_BACKEND=backend), cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.exit(f"{name}: python -m masklab.matrix failed:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout)
    data.pop("seconds", None)
    for unpinned in ("python", "numpy"):  # not pinned by envs/*.txt: keep the committed page stable
        data["environment"].pop(unpinned, None)
    print(f"{name}: {len(data['results'])} behaviours in {time.perf_counter() - start:.0f} s", flush=True)
    return data


def _cell(value):
    return format_value(value).replace("|", "\\|")


def parse_columns(text):
    """``--columns`` text (comma-separated names) as a list of column names, in ENVIRONMENTS order.

    Raises:
        ValueError: an unknown name (the message lists the valid ones).
    """
    wanted = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in ENVIRONMENTS]
    if unknown or not wanted:
        raise ValueError(f"unknown column(s) {unknown or [text]}; the columns are {list(ENVIRONMENTS)}")
    return [n for n in ENVIRONMENTS if n in wanted]


def committed_columns(committed, selected):
    """The columns not in ``selected``, as ``committed`` (docs/behaviour_matrix.json) has them.

    Exits (status 1), before anything runs, when one is missing there or does not
    list exactly the registry's behaviours in its order: it must be observed.
    """
    kept = {}
    for name in ENVIRONMENTS:
        if name in selected:
            continue
        results = committed.get(name, {}).get("results")
        if results is None:
            sys.exit(f"{name}: not in docs/behaviour_matrix.json; add it to --columns")
        if list(results) != list(REGISTRY):
            missing = [n for n in REGISTRY if n not in results]
            extra = [n for n in results if n not in REGISTRY]
            sys.exit(f"{name}: docs/behaviour_matrix.json does not list the registry's behaviours in order "
                     f"(missing: {missing}; not registered: {extra}); add it to --columns")
        kept[name] = committed[name]
    return kept


def render(columns) -> str:
    """The Markdown page: environments, rows that differ, then every behaviour by lesson."""
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
    if not any("gpu" in str(columns[c]["environment"]["device"]).lower() for c in names):
        lines += ["", "**GPU: not run.** Every column ran on a CPU; no GPU was available to this project. Where",
                  "Keras takes another path on a GPU (cuDNN for LSTM/GRU, XLA when `fit`/`predict` compile),",
                  "the lessons' version, backend and device notes say so, citing the Keras source; those",
                  "behaviours are not in this table."]
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
    """Run every lesson with nbval-lax in ``venv``; return whether all passed.

    ``-o addopts=`` drops pyproject's options, including the default tier's
    marker filter, which would deselect the lessons' cells.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [_python(venv), "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600",
         "-o", "addopts=", "-p", "no:cacheprovider", "lessons"],
        cwd=ROOT, env=quiet_env(), capture_output=True, text=True, check=False,
    )
    print(done.stdout[-3000:], flush=True)
    print(f"{venv}: lessons (nbval-lax) {'passed' if done.returncode == 0 else 'FAILED'} in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return done.returncode == 0


def main(argv=None) -> int:
    """Command-line entry point; returns the exit status (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="build .venv-lowest and .venv-nightly if missing")
    parser.add_argument("--check", action="store_true", help="fail if docs/behaviour_matrix.* would change")
    parser.add_argument("--lessons", action="store_true", help="run the lessons with nbval-lax in both venvs")
    parser.add_argument("--columns", default=",".join(ENVIRONMENTS), metavar="NAME[,NAME...]",
                        help=f"observe only these columns, read the others from docs/behaviour_matrix.json "
                             f"(default: all of {', '.join(ENVIRONMENTS)})")
    args = parser.parse_args(argv)
    try:
        selected = parse_columns(args.columns)
    except ValueError as error:
        parser.error(f"--columns: {error}")
    if args.setup:
        for venv, _, requirements in ENVIRONMENTS.values():
            if venv is not None:
                setup(venv, requirements)
    saved = DOCS / "behaviour_matrix.json"
    committed = json.loads(saved.read_text()) if saved.exists() else {}
    kept = committed_columns(committed, selected)
    observed = {name: observe(name) for name in selected}
    columns = {name: observed[name] if name in observed else kept[name] for name in ENVIRONMENTS}
    text = render(columns)
    data = json.dumps(columns, indent=1, sort_keys=False) + "\n"
    ok = True
    if args.check:
        stale = [p.name for p, new in ((DOCS / "behaviour_matrix.md", text), (DOCS / "behaviour_matrix.json", data))
                 if not p.exists() or p.read_text() != new]
        if stale:
            ok = False
            print(f"STALE: {stale} differ from what the environments do now; run "
                  f"`python scripts/behaviour_matrix.py --columns \"{','.join(selected)}\"` and commit the result.",
                  flush=True)
            for name in selected:
                old = committed.get(name, {})
                if old.get("environment") != columns[name]["environment"]:
                    print(f"  {name} / environment: committed {old.get('environment')!r}, "
                          f"now {columns[name]['environment']!r}")
                for key, value in columns[name]["results"].items():
                    before = old.get("results", {}).get(key, "missing")
                    if before != value:
                        print(f"  {name} / {key}: committed {before!r}, now {value!r}")
        else:
            print(f"docs/behaviour_matrix.md and .json are up to date for {', '.join(selected)}", flush=True)
    else:
        DOCS.mkdir(exist_ok=True)
        (DOCS / "behaviour_matrix.md").write_text(text)
        (DOCS / "behaviour_matrix.json").write_text(data)
        print(f"wrote docs/behaviour_matrix.md and docs/behaviour_matrix.json (observed: {', '.join(selected)})",
              flush=True)
    if args.lessons:
        for venv, _, _ in ENVIRONMENTS.values():
            if venv is not None:
                ok &= run_lessons(venv)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
