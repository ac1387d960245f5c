"""``python -m masklab.matrix``: the taught behaviours, observed on this environment.

Runs every behaviour of :mod:`masklab.behaviours` on the installed Keras and
backend (pick the backend with ``KERAS_BACKEND``, as for Keras itself) and
prints a table: behaviour, lesson, observation. ``--json`` prints one JSON
object ``{"environment": {...}, "results": {name: observation}, "seconds": s}``
for machines; ``--only a,b`` runs a subset. ``scripts/behaviour_matrix.py`` runs
this in several environments and writes ``docs/behaviour_matrix.md``.

Example (shell)::

    python -m masklab.matrix
    KERAS_BACKEND=jax python -m masklab.matrix --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from masklab import behaviours
from masklab.environment import set_quiet_defaults


def format_value(value) -> str:
    """One observation as table text: bools as yes/no, lists as Python writes them, the rest as str.

    Args:
        value: an observation (bool, str, int, float or list of those).

    Returns:
        str.

    >>> format_value(True), format_value(["", "[UNK]"]), format_value([False, 0.5]), format_value("pre")
    ('yes', "['', '[UNK]']", '[False, 0.5]', 'pre')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return repr(value)
    return str(value)


def main(argv: list | None = None) -> int:
    """Command-line entry point: run the behaviours and print a table or JSON on stdout.

    Sets TensorFlow's quiet variables (:func:`masklab.environment.set_quiet_defaults`)
    in this process's environment where not already set, before Keras loads.

    Args:
        argv: list of str, the arguments; None reads ``sys.argv[1:]``.

    Returns:
        int: the exit status, 0, or 2 when ``--only`` names an unknown
        behaviour (the names are printed on stderr and nothing runs).

    Raises:
        SystemExit: from argparse, for ``--help`` or an unknown option.
    """
    parser = argparse.ArgumentParser(prog="python -m masklab.matrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--only", default=None, help="comma-separated behaviour names (default: all)")
    args = parser.parse_args(argv)

    set_quiet_defaults()
    names = None
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in behaviours.REGISTRY]
        if unknown:
            print(f"--only: unknown behaviour(s) {unknown}; run without --only to list them", file=sys.stderr)
            return 2
    start = time.perf_counter()
    env = behaviours.environment()
    if env["backend"] == "tensorflow":  # tf.function retracing notes: each behaviour builds new models
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")

    def progress(i, total, name):
        if not args.json:
            print(f"\r[{i + 1}/{total}] {name:<60}", end="", file=sys.stderr, flush=True)

    results = behaviours.run_all(names, progress=progress)
    seconds = time.perf_counter() - start
    if args.json:
        print(json.dumps({"environment": env, "results": results, "seconds": round(seconds, 1)}))
        return 0
    print("\r" + " " * 70 + "\r", end="", file=sys.stderr)
    print("  ".join(f"{k}={v}" for k, v in env.items() if v is not None))
    width = max(len(n) for n in results)
    for name, value in results.items():
        print(f"{behaviours.REGISTRY[name].lesson}  {name:<{width}}  {format_value(value)}")
    print(f"{len(results)} behaviours in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
