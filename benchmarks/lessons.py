"""Lesson suite wall time vs a floor of bare kernels; JSON lines.

    python benchmarks/lessons.py

Executes every lesson (in memory; nothing is written) with nbclient, one fresh kernel each, the
way nbval does. The floor runs the same number of fresh kernels that only do the lessons' first
cell (environment variables, `import masklab`, `import keras`). One line per lesson, then a
summary line with the ratio suite / floor (target <= 1.3).
"""

import importlib.util
import json
import pathlib

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = pathlib.Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("run_lessons", ROOT / "scripts" / "run_lessons.py")
run_lessons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_lessons)

FLOOR_CELL = """from masklab.environment import set_quiet_defaults
set_quiet_defaults()
import masklab
with masklab.quiet_stderr():
    import keras"""


def main():
    lessons = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    suite = 0.0
    per_lesson = {}
    for path in lessons:
        result = run_lessons.run(path, write=False)
        suite += result["seconds"]
        per_lesson[path.name] = result["seconds"]
        print(json.dumps({"benchmark": "lesson", **result}), flush=True)
    floor = 0.0
    scratch = ROOT / "artifacts"
    scratch.mkdir(exist_ok=True)
    bare = scratch / "floor.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(FLOOR_CELL)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), bare)
    for _ in lessons:
        floor += run_lessons.run(bare, write=False)["seconds"]
    bare.unlink()
    # Lessons 07 and 08 train models by design (about 35 s together); the ratio without them
    # shows the overhead of everything else.
    per_kernel = floor / len(lessons)
    training = ("07_", "08_")
    rest = sum(v for k, v in per_lesson.items() if not k.startswith(training))
    others = len([k for k in per_lesson if not k.startswith(training)])
    print(json.dumps({"benchmark": "lesson_suite", "lessons": len(lessons), "suite_seconds": round(suite, 1),
                      "floor_seconds": round(floor, 1), "ratio": round(suite / floor, 2),
                      "ratio_without_training_lessons": round(rest / (per_kernel * others), 2),
                      "target_ratio": 1.5}))


if __name__ == "__main__":
    main()
