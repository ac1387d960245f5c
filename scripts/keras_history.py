"""Run the taught behaviours on every Keras 3 minor release and write docs/keras_history.{json,md}.

For each release (the latest patch of every Keras 3 minor, then the keras-nightly
build ``envs/nightly.txt`` pins) the script swaps Keras inside a virtual
environment that holds one TensorFlow: ``pip install --no-deps keras==X``, then
any requirement of that release the environment lacks (Keras 3.0 needs
``dm-tree``), installed with everything else held at its version. It then runs
``python -m masklab.matrix --json`` there on the TensorFlow backend, with
masklab imported from this checkout (``PYTHONPATH`` is the repository root; the
environments hold no masklab of their own).

A release is tried in each environment of ``--environments`` in turn (default:
TensorFlow 2.21.0, then TensorFlow 2.18.1 with NumPy 1.26.4: the newest and the
lowest TensorFlow masklab supports, the second for the releases written before
NumPy 2). It keeps the first run where no behaviour raised, else the run where
the fewest raised (the registry records a behaviour's unexpected exception as
``"error: Type"``; the page lists every one). A release that does not install,
or whose run crashes (masklab does not import, the process dies), in every
environment is recorded as "does not work", with the reason.

The environments live outside the repository, in ``--venvs`` (default
``$MASKLAB_HISTORY_VENVS`` or ``~/.cache/masklab-history``), one per entry of
``--environments``, built when missing; nothing there is committed.

Usage::

    python scripts/keras_history.py                            # every release: minutes (progress per release)
    python scripts/keras_history.py --releases 3.8.0,3.9.2     # only these, merged into docs/keras_history.json
    python scripts/keras_history.py --releases nightly         # the pinned keras-nightly only
    python scripts/keras_history.py --render-only              # rewrite docs/keras_history.md from the .json

Exit status 0; 1 when the pinned Keras did not work (a broken checkout or
environment, not a Keras change) or docs/keras_history.json is left with
releases observed on another registry than the checkout's now (the script
names them and the command that re-observes them); 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# after ROOT is on the path (these import no Keras)
from masklab.environment import quiet_env
from masklab.matrix import format_value

DOCS = ROOT / "docs"
JSON_PATH = DOCS / "keras_history.json"
MD_PATH = DOCS / "keras_history.md"
COMMAND = "python scripts/keras_history.py"

#: The latest patch of every Keras 3 minor release, oldest first.
RELEASES = ("3.0.5", "3.1.1", "3.2.1", "3.3.3", "3.4.1", "3.5.0", "3.6.0", "3.7.0", "3.8.0", "3.9.2",
            "3.10.0", "3.11.3", "3.12.4", "3.13.2", "3.14.1", "3.15.1")
#: The environments a release is tried in, in order: a TensorFlow, with extra pins after "+".
#: TensorFlow 2.21.0 is pyproject's newest (NumPy as pip resolves it: 2.x); 2.18.1 is its lowest, held at
#: NumPy 1.26.4 (masklab's lowest) for the releases written before NumPy 2 (3.0 calls np.unicode_).
ENVIRONMENTS = ("2.21.0", "2.18.1+numpy==1.26.4")
RUN_TIMEOUT_S = 1200


def _pinned(requirements, dist):
    """The version ``envs/<requirements>`` pins for ``dist`` (``dist==X``)."""
    for line in (ROOT / "envs" / requirements).read_text().splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and name.strip() == dist:
            return version.strip()
    raise ValueError(f"envs/{requirements} pins no {dist}")


PINNED = _pinned("pinned.txt", "keras")
NIGHTLY = _pinned("nightly.txt", "keras-nightly")


def _pip_spec(release):
    return f"keras-nightly=={release}" if release == NIGHTLY else f"keras=={release}"


def version_key(version):
    """Sort key of a Keras version: ``3.16.0.dev2026102704`` sorts after ``3.15.1``, before ``3.16.0``.

    >>> sorted(["3.10.0", "3.16.0.dev1", "3.9.2", "3.16.0"], key=version_key)
    ['3.9.2', '3.10.0', '3.16.0.dev1', '3.16.0']
    """
    match = re.match(r"(\d+)\.(\d+)\.(\d+)(.*)", version)
    if not match:
        return (999, 0, 0, 0, version)
    *numbers, rest = match.groups()
    return (*map(int, numbers), 0 if rest else 1, rest)


# ---------------------------------------------------------------------------
# Environments and runs
# ---------------------------------------------------------------------------

def _default_venvs():
    if os.environ.get("MASKLAB_HISTORY_VENVS"):
        return pathlib.Path(os.environ["MASKLAB_HISTORY_VENVS"])
    cache = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(cache) / "masklab-history"


def _tail(text, n=3):
    lines = [line for line in text.strip().splitlines()
             if line.strip() and not line.startswith("WARNING: Location")]  # pip's note on local index folders
    return "\n".join(lines[-n:])


class Environment:
    """A virtual environment holding one TensorFlow, in which Keras releases are swapped.

    ``spec`` is ``"2.21.0"`` or ``"2.18.1+numpy==1.26.4"``: the TensorFlow version, then pins
    installed with it.
    """

    def __init__(self, venvs, spec):
        self.spec = spec
        self.tensorflow, *self.pins = spec.split("+")
        self.name = "-".join([f"tf-{self.tensorflow}", *(p.replace("==", "-") for p in self.pins)])
        self.path = pathlib.Path(venvs) / self.name
        self.python = str(self.path / "bin" / "python")
        self.checked = False

    def _clean(self, text):
        """``text`` with this machine's paths replaced, so a reason reads the same on every machine."""
        return text.replace(str(self.path), "<venv>").replace(str(ROOT), "<repo>")

    def _run(self, *args, timeout=900):
        return subprocess.run([self.python, *args], capture_output=True, text=True, cwd=ROOT,
                              env=quiet_env(PYTHONPATH=str(ROOT), KERAS_BACKEND="tensorflow"),
                              timeout=timeout, check=False)

    def _pip(self, *args):
        return self._run("-m", "pip", *args)

    def _installed(self, dist):
        done = self._run("-c", f"import importlib.metadata as m\ntry: print(m.version({dist!r}))\n"
                               "except m.PackageNotFoundError: pass")
        return done.stdout.strip() or None

    def ensure(self):
        """Build the environment when missing; exit if it holds another TensorFlow or pin, or another masklab."""
        if self.checked:
            return
        wanted = [f"tensorflow=={self.tensorflow}", *self.pins]
        if not pathlib.Path(self.python).exists():
            start = time.perf_counter()
            print(f"building {self.path} ({' '.join(wanted)}) ...", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(self.path)], check=True)
            done = self._pip("install", "-q", *wanted)
            if done.returncode != 0:
                sys.exit(f"pip install {' '.join(wanted)} failed:\n{_tail(done.stderr, 10)}")
            print(f"built {self.path} in {time.perf_counter() - start:.0f} s", flush=True)
        for pin in wanted:
            dist, _, version = pin.partition("==")
            found = self._installed(dist)
            if found != version:
                sys.exit(f"{self.path} holds {dist} {found}, not {version}: remove it to rebuild it")
        where = self._run("-c", "import masklab; print(masklab.__file__)").stdout.strip()
        if pathlib.Path(where or "?").resolve() != ROOT / "masklab" / "__init__.py":
            sys.exit(f"{self.path}: masklab imports from {where or 'nowhere'}, not from {ROOT}")
        self.checked = True

    def describe(self):
        """The environment as docs/keras_history.json records it (what its TensorFlow asks of Keras)."""
        done = self._run("-c", "import importlib.metadata as m\n"
                               "print(*[r.replace(' ', '') for r in m.requires('tensorflow') if r.startswith('keras')])")
        return {"name": self.name, "tensorflow": self.tensorflow, "pins": self.pins,
                "tensorflow_asks_for": done.stdout.strip() or None}

    def swap_keras(self, release):
        """Install ``release`` in place of the environment's Keras; return None, or why it did not install."""
        wanted = {"keras": None, "keras-nightly": None}
        dist = "keras-nightly" if release == NIGHTLY else "keras"
        wanted[dist] = release
        if all(self._installed(d) == v for d, v in wanted.items()):
            return None
        self._pip("uninstall", "-q", "-y", "keras", "keras-nightly")
        done = self._pip("install", "-q", "--no-deps", _pip_spec(release))
        if done.returncode != 0:
            return self._clean(f"pip install --no-deps {_pip_spec(release)}: {_tail(done.stderr, 1)}")
        missing = self._run("-c", _UNMET, dist)
        if missing.returncode != 0:
            return self._clean(f"reading {dist}'s requirements: {_tail(missing.stderr, 1)}")
        needed = missing.stdout.split()
        if needed:
            freeze = self._pip("freeze", "--exclude", "keras", "--exclude", "keras-nightly")
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as held:
                held.write(freeze.stdout)
            try:
                done = self._pip("install", "-q", "-c", held.name, *needed)
            finally:
                os.unlink(held.name)
            if done.returncode != 0:
                return self._clean(f"pip install {' '.join(needed)} beside the environment's packages: "
                                   f"{_tail(done.stderr, 1)}")
            print(f"    {self.name}: installed {dist} {release}'s missing requirements: {' '.join(needed)}", flush=True)
        return None

    def observe(self, release, timeout):
        """Run ``python -m masklab.matrix --json``; return ``(data, None)`` or ``(None, why it failed)``."""
        try:
            done = self._run("-m", "masklab.matrix", "--json", timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"python -m masklab.matrix --json ran longer than {timeout} s"
        if done.returncode != 0:
            return None, self._clean(f"python -m masklab.matrix --json exited {done.returncode}: "
                                     f"{_failure(done.stderr)}")
        try:
            data = json.loads(done.stdout)
        except json.JSONDecodeError:
            return None, f"python -m masklab.matrix --json printed no JSON: {_tail(done.stdout, 1)!r}"
        if data["environment"]["keras"] != release:
            return None, f"ran Keras {data['environment']['keras']}, not {release}"
        return data, None


# Printed by the environment's Python: the requirements of a distribution that are not met there.
_UNMET = """
import importlib.metadata as m, sys
from packaging.requirements import Requirement
for text in m.distribution(sys.argv[1]).requires or []:
    req = Requirement(text)
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue
    try:
        ok = req.specifier.contains(m.version(req.name), prereleases=True)
    except m.PackageNotFoundError:
        ok = False
    if not ok:
        print(str(req).replace(" ", ""))
"""


def _failure(stderr):
    """The exception line of a traceback (and the last file it names), or stderr's last line."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    if not lines:
        return "no output on stderr"
    files = [line.strip() for line in lines if line.strip().startswith('File "')]
    where = f" (at {files[-1]})" if files else ""
    return f"{lines[-1].strip()[:300]}{where}"


def _raised(results):
    return sum(isinstance(v, str) and v.startswith("error: ") for v in results.values())


def observe_release(release, environments, timeout):
    """Try ``release`` in each environment in turn; return its JSON record.

    The first run where no behaviour raised is kept; when every run had some
    raise, the one with the fewest (the earlier on a tie). ``tries`` records
    every attempt: ``ran`` (with ``raised``, how many behaviours raised, and for
    a run not kept ``differs``, its values that differ from the kept run's),
    ``does not install`` or ``crashed`` (with ``reason``).
    """
    record = {"pip": _pip_spec(release), "status": "does not work", "tries": []}
    best, runs = None, {}
    for env in environments:
        env.ensure()
        start = time.perf_counter()
        why = env.swap_keras(release)
        if why is not None:
            record["tries"].append({"environment": env.name, "outcome": "does not install", "reason": why})
            print(f"    {env.name}: does not install: {why}", flush=True)
            continue
        data, why = env.observe(release, timeout)
        if why is not None:
            record["tries"].append({"environment": env.name, "outcome": "crashed", "reason": why})
            print(f"    {env.name}: crashed: {why}", flush=True)
            continue
        raised = _raised(data["results"])
        record["tries"].append({"environment": env.name, "outcome": "ran", "raised": raised})
        runs[env.name] = data["results"]
        print(f"    {env.name}: ran {len(data['results'])} behaviours, {raised} raised, "
              f"in {time.perf_counter() - start:.0f} s", flush=True)
        if best is None or raised < best[2]:
            best = (env, data, raised)
        if raised == 0:
            break
    if best is not None:
        env, data, _ = best
        environment = {k: v for k, v in data["environment"].items() if k not in ("jax", "torch")}  # not installed
        record.update(status="ran", kept=env.name, environment=environment, results=data["results"])
        for t in record["tries"]:
            if t["outcome"] == "ran" and t["environment"] != env.name:
                t["differs"] = {n: v for n, v in runs[t["environment"]].items() if data["results"].get(n) != v}
    return {key: record[key] for key in ("pip", "status", "kept", "environment", "tries", "results") if key in record}


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

def _value(value):
    return f"`{format_value(value)}`".replace("|", "\\|")


def _runs(releases, values):
    """Run-length ranges: ``[[first, last, value]]`` over consecutive releases with equal values.

    >>> _runs(["3.0.5", "3.1.1", "3.2.1"], {"3.0.5": 1, "3.1.1": 1, "3.2.1": 2})
    [['3.0.5', '3.1.1', 1], ['3.2.1', '3.2.1', 2]]
    """
    runs = []
    for release in releases:
        value = values[release]
        if runs and runs[-1][2] == value:
            runs[-1][1] = release
        else:
            runs.append([release, release, value])
    return runs


def _span(first, last):
    return first if first == last else f"{first}-{last}"


def _tries(record, skip=None):
    """The attempts of ``record`` other than ``skip``, as one line of text."""
    parts = []
    for t in record["tries"]:
        if t["environment"] == skip:
            continue
        if t["outcome"] == "ran":
            other = len([n for n, v in t.get("differs", {}).items() if not _is_error(v)])
            parts.append(f"{t['environment']}: ran, {t['raised']} behaviours raised, {other} answered otherwise")
        else:
            parts.append(f"{t['environment']}: {t['outcome']}: {t['reason']}")
    return "; ".join(parts).replace("|", "\\|")


def _is_error(value):
    return isinstance(value, str) and value.startswith("error: ")


def _environment_line(env):
    pins = f" with {', '.join(env['pins'])}" if env["pins"] else ""
    asks = f"; its metadata asks for `{env['tensorflow_asks_for']}`" if env["tensorflow_asks_for"] else ""
    return f"- `{env['name']}`: TensorFlow {env['tensorflow']}{pins}{asks}"


def render(data) -> str:
    """The Markdown page for ``data`` (docs/keras_history.json's content); a function of ``data`` only."""
    behaviours, records, nightly = data["behaviours"], data["releases"], data["nightly"]
    order = sorted(records, key=version_key)
    label = {r: f"keras-nightly {r}" if r == nightly else r for r in order}
    ran = [r for r in order if records[r]["status"] == "ran" and r != nightly]
    failed = [r for r in order if records[r]["status"] != "ran"]
    current = data["pinned"] if data["pinned"] in ran else (ran[-1] if ran else None)
    nightly_ran = nightly in records and records[nightly]["status"] == "ran"
    devices = sorted({records[r]["environment"]["device"] for r in order if records[r]["status"] == "ran"})

    lines = [
        "# Keras history of the taught behaviours",
        "",
        "What every behaviour of masklab's registry does on each Keras 3 minor release (the latest patch",
        "of each) that installs beside a TensorFlow masklab supports, and the release where it took its",
        f"current value: its value on the pinned Keras {data['pinned']} (`envs/pinned.txt`). The lessons and",
        "[the behaviour matrix](behaviour_matrix.md) say what the pinned Keras does; this page says since when.",
        "",
        f"Written by `{data['command']}` (raw results: [keras_history.json](keras_history.json)). For each",
        "release it swaps Keras in a virtual environment that holds one TensorFlow (`pip install --no-deps",
        "keras==X`, then any requirement of that release the environment lacks, with everything else held",
        "at its version) and runs `python -m masklab.matrix --json` there on the TensorFlow backend, with",
        "masklab from this checkout. The environments, tried in this order:",
        "",
        *(_environment_line(env) for env in data["environments"]),
        "",
        "A release keeps the first run where no behaviour raised, else the run where the fewest raised; one",
        "that does not install, or whose run crashes (masklab does not import, the run dies), in every",
        "environment does not work, with the reason below. `--no-deps` installs a release whatever Keras",
        "its TensorFlow's metadata asks for. `--releases 3.8.0,3.9.2` re-runs some releases and merges them",
        "into the JSON; `--render-only` rewrites this page from it.",
        "",
    ]
    if devices == ["cpu"]:
        lines += ["**Every column ran on CPU.** No GPU path (cuDNN, XLA) is in this history.", ""]
    else:
        lines += [f"Devices: {', '.join(devices)} (see each release's row).", ""]
    lines += [
        f"## Releases: {len(ran)} ran, {len(failed)} did not work"
        + (f", and keras-nightly {nightly} ran" if nightly_ran else ""),
        "",
        "| Keras | installed with | environment | TensorFlow | NumPy | Python | device | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for release in order:
        record = records[release]
        if record["status"] == "ran":
            env = record["environment"]
            others = _tries(record, skip=record["kept"])
            note = "ran" + (f" (also tried: {others})" if others else "")
            lines.append(f"| {label[release]} | `{record['pip']}` | `{record['kept']}` | {env['tensorflow']} | "
                         f"{env['numpy']} | {env['python']} | {env['device']} | {note} |")
        else:
            lines.append(f"| {label[release]} | `{record['pip']}` | - | - | - | - | - | "
                         f"**does not work**: {_tries(record)} |")

    def values_of(name, releases):
        return {r: records[r]["results"].get(name, "not observed") for r in releases}

    history = {}  # name -> (runs over `ran`, nightly's value or None)
    for name in behaviours:
        runs = _runs(ran, values_of(name, ran))
        later = records[nightly]["results"].get(name, "not observed") if nightly_ran else None
        history[name] = (runs, later)
    changed = [n for n, (runs, _) in history.items() if len(runs) > 1]
    lines += ["", f"## Behaviours that changed across releases: {len(changed)} of {len(behaviours)}", ""]
    if changed:
        lines += ["| lesson | behaviour | took its current value in | value before |", "|---|---|---|---|"]
        for name in changed:
            runs = history[name][0]
            lines.append(f"| {behaviours[name]['lesson']} | `{name}` | {runs[-1][0]} | {_value(runs[-2][2])} |")
    else:
        lines.append("None: every behaviour has one value in every release that ran.")
    if nightly_ran and current is not None:
        differ = [n for n, (runs, later) in history.items() if later != runs[-1][2]]
        lines += ["", f"## Where keras-nightly {nightly} differs from {current}: {len(differ)}", ""]
        lines += [f"- `{n}` (lesson {behaviours[n]['lesson']}): {current} {_value(history[n][0][-1][2])}, "
                  f"keras-nightly {_value(history[n][1])}" for n in differ] or ["None."]
    kept = [r for r in order if records[r]["status"] == "ran"]
    raised = {n: [r for r in kept if _is_error(records[r]["results"].get(n))] for n in behaviours}
    raised = {n: rs for n, rs in raised.items() if rs}
    lines += ["", f"## Behaviours that raised: {len(raised)}", "",
              "The registry records an exception a behaviour does not expect as `error: Type`. In a kept run",
              "that is what the release did (an API the behaviour uses did not exist yet, or a bug of that",
              "release); they are listed here so that none hides in a range.", ""]
    for name, rs in raised.items():
        errors = _runs(rs, {r: records[r]["results"][name] for r in rs})
        lines.append(f"- `{name}` (lesson {behaviours[name]['lesson']}): "
                     + "; ".join(f"{_span(label[a], label[b])}: {_value(v)}" for a, b, v in errors))
    if not raised:
        lines.append("None.")
    depends = {}  # name -> [(release, kept env, kept value, other env, other value)]
    for r in kept:
        for t in records[r]["tries"]:
            for n, v in t.get("differs", {}).items():
                if n in behaviours and not _is_error(v):  # the other run answered; the kept one differs
                    depends.setdefault(n, []).append(
                        f"{label[r]}: {_value(records[r]['results'].get(n))} in `{records[r]['kept']}`, "
                        f"{_value(v)} in `{t['environment']}`")
    tried_both = [r for r in kept if any("differs" in t for t in records[r]["tries"])]
    lines += ["", f"## Behaviours whose value depended on the environment: {len(depends)}", ""]
    if tried_both:
        lines += ["Where a release ran in more than one environment, the runs are compared: a behaviour is",
                  "listed here when a run not kept answered (did not raise) and the kept run differs from it.",
                  "Compared: " + ", ".join(label[r] for r in tried_both) + ".", ""]
        lines += [f"- `{n}` (lesson {behaviours[n]['lesson']}): " + "; ".join(d) for n, d in depends.items()]
        if not depends:
            lines.append("None: where both ran, every value that did not raise was the same.")
    else:
        lines.append("None compared: every release ran in one environment.")

    lines += ["", "## Every behaviour, by lesson", ""]
    if ran:
        lines += [f"Ranges are over the releases that ran, {ran[0]} to {ran[-1]}; \"took its current value in\"",
                  f"names the first release of the last range, the one that holds {current}'s value.", ""]
    lesson = None
    for name, meta in behaviours.items():
        if meta["lesson"] != lesson:
            lesson = meta["lesson"]
            lines += ([] if lines[-1] == "" else [""]) + [f"### Lesson {lesson}", ""]
        lines.append(f"- `{name}`: {meta['question']}")
        runs, later = history[name]
        if not runs:
            continue
        lines.append("  - " + "; ".join(f"{_span(a, b)}: {_value(v)}" for a, b, v in runs))
        since = runs[-1][0]
        if len(runs) == 1:
            took = f"took its current value in: {since} or earlier (one value in every release that ran)"
        else:
            previous = runs[-2][1]
            gap = [r for r in failed if version_key(previous) < version_key(r) < version_key(since)]
            took = f"took its current value in: {since}" + (
                f" (after {previous}; {', '.join(gap)} between them did not work)" if gap else "")
        if later is not None:
            took += f"; keras-nightly {nightly}: " + ("the same" if later == runs[-1][2] else f"{_value(later)}, differs")
        lines.append(f"  - {took}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def parse_releases(text):
    """``--releases`` text as a list of Keras versions; ``nightly`` stands for the pinned keras-nightly.

    >>> parse_releases("3.9.2, 3.8.0")
    ['3.8.0', '3.9.2']
    """
    wanted = [NIGHTLY if r.strip() == "nightly" else r.strip() for r in text.split(",") if r.strip()]
    bad = [r for r in wanted if not re.fullmatch(r"3\.\d+\.\d+(\.dev\d+)?", r)]
    if bad or not wanted:
        raise ValueError(f"not Keras 3 versions: {bad or [text]}; e.g. 3.8.0,3.9.2 or nightly")
    return sorted(set(wanted), key=version_key)


def registry_now():
    """The registry's behaviours as the checkout has them now: ``{name: {"lesson", "question"}}``.

    Read in a fresh process (it imports no Keras), so a behaviour added to the
    catalogue while the releases ran is seen, and the releases that missed it
    are reported as stale.
    """
    code = ("import json\nfrom masklab.behaviours import REGISTRY\n"
            "print(json.dumps({n: {'lesson': b.lesson, 'question': b.question} for n, b in REGISTRY.items()}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                          env=quiet_env(PYTHONPATH=str(ROOT)))
    return json.loads(done.stdout)


def stale_releases(data):
    """Releases in ``data`` that ran with another list of behaviours than ``data["behaviours"]``."""
    return [r for r, rec in data["releases"].items()
            if rec["status"] == "ran" and list(rec["results"]) != list(data["behaviours"])]


def main(argv=None) -> int:
    """Command-line entry point; returns the exit status (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", default=None, metavar="X[,Y...]",
                        help="run only these Keras versions (nightly: the pinned keras-nightly) and merge them "
                             "into docs/keras_history.json (default: every release and the nightly)")
    parser.add_argument("--render-only", action="store_true", help="rewrite docs/keras_history.md from the .json")
    parser.add_argument("--venvs", default=None, metavar="DIR",
                        help=f"where the environments live (default: $MASKLAB_HISTORY_VENVS or {_default_venvs()})")
    parser.add_argument("--environments", default=",".join(ENVIRONMENTS), metavar="TF[+PIN][,...]",
                        help="the TensorFlow versions (with extra pins after +) to try each release in, in order "
                             "(default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=RUN_TIMEOUT_S, help="seconds per run (default: %(default)s)")
    args = parser.parse_args(argv)

    if args.render_only:
        MD_PATH.write_text(render(json.loads(JSON_PATH.read_text())))
        print(f"wrote {MD_PATH.relative_to(ROOT)} from {JSON_PATH.relative_to(ROOT)}")
        return 0
    try:
        releases = parse_releases(args.releases) if args.releases else [*RELEASES, NIGHTLY]
    except ValueError as error:
        parser.error(f"--releases: {error}")
    venvs = pathlib.Path(args.venvs) if args.venvs else _default_venvs()
    environments = [Environment(venvs, spec.strip()) for spec in args.environments.split(",") if spec.strip()]

    start = time.perf_counter()
    data = json.loads(JSON_PATH.read_text()) if args.releases and JSON_PATH.exists() else {"releases": {}}
    for i, release in enumerate(releases):
        print(f"[{i + 1}/{len(releases)}] {_pip_spec(release)} ({time.perf_counter() - start:.0f} s so far)",
              flush=True)
        data["releases"][release] = observe_release(release, environments, args.timeout)
    described = {env.name: env.describe() for env in environments if pathlib.Path(env.python).exists()}
    for env in data.get("environments", []):  # merging: keep those earlier runs used
        described.setdefault(env["name"], env)
    used = {t["environment"] for rec in data["releases"].values() for t in rec["tries"]}
    data.update(command=COMMAND, pinned=PINNED, nightly=NIGHTLY,
                environments=[env for name, env in described.items() if name in used],
                behaviours=registry_now())
    data["releases"] = {r: data["releases"][r] for r in sorted(data["releases"], key=version_key)}
    data = {key: data[key] for key in ("command", "pinned", "nightly", "environments", "behaviours", "releases")}
    DOCS.mkdir(exist_ok=True)
    JSON_PATH.write_text(json.dumps(data, indent=1) + "\n")
    MD_PATH.write_text(render(data))
    ran = [r for r, rec in data["releases"].items() if rec["status"] == "ran"]
    print(f"wrote docs/keras_history.md and .json: {len(ran)} of {len(data['releases'])} releases ran; "
          f"this run took {time.perf_counter() - start:.0f} s", flush=True)
    if data["releases"].get(PINNED, {}).get("status", "ran") != "ran":
        print(f"ERROR: the pinned Keras {PINNED} did not work here, which points at this checkout or the "
              f"environments rather than at Keras: see docs/keras_history.md", flush=True)
        return 1
    stale = stale_releases(data)
    if stale:
        print(f"STALE: {stale} ran with another registry; run `{COMMAND} --releases {','.join(stale)}` "
              f"(or `{COMMAND}` for all)", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
