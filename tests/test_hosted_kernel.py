"""A hosted notebook service (Colab and the like): TensorFlow and Keras installed, masklab not.

Each lesson's first code cell (scripts/first_cell.py) installs masklab with ``%pip`` when ``import
masklab`` fails and ``MASKLAB_INSTALL_SOURCE`` names a source (tests/test_first_cell.py checks that
without it the cell installs nothing and says what to install). This test builds such an environment
(a fresh venv with the pinned TensorFlow and Keras, and ipykernel and nbclient to run a notebook,
but not masklab), runs lesson 00 there with the install source pointed at this checkout, and checks
that masklab was installed into that venv and every cell ran. It prints how long each step took.
"""

import json
import os
import pathlib
import subprocess
import sys
import time

import nbformat
import pytest

from masklab.environment import quiet_env

pytestmark = pytest.mark.hosted

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "00_start_here.ipynb"

RUNNER = """
import json, sys, nbformat
from nbclient import NotebookClient
path, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import json, sys\\nprint(json.dumps({'masklab': masklab.__file__, 'prefix': sys.prefix}))"))
NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": sys.argv[3]}}).execute()
nbformat.write(nb, out)
"""


def _pins(*names):
    pins = {}
    for line in (ROOT / "envs" / "pinned.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip() in names:
            pins[name.strip()] = f"{name.strip()}=={version.strip()}"
    assert set(pins) == set(names), f"envs/pinned.txt lacks {set(names) - set(pins)}"
    return list(pins.values())


def test_lesson_00_installs_masklab_on_a_kernel_without_it(tmp_path, capsys):
    timings = {}
    venv = tmp_path / "hosted"
    python = venv / "bin" / "python"
    # Nothing of this checkout or of the test's own environment may leak into the fresh one.
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"} and not key.startswith("JUPYTER")}
    env = quiet_env(env, JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
                    JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
                    JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"), PIP_DISABLE_PIP_VERSION_CHECK="1",
                    PYDEVD_DISABLE_FILE_VALIDATION="1")

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *_pins("tensorflow", "keras"),
                              "ipykernel", "nbclient"], capture_output=True, text=True, env=env, timeout=1800)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    timings["venv_with_tensorflow_keras_s"] = round(time.perf_counter() - start, 1)

    absent = subprocess.run([str(python), "-c", "import masklab"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert absent.returncode != 0 and "No module named 'masklab'" in absent.stderr, "masklab must start missing"

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    source = lessons / LESSON.name
    source.write_bytes(LESSON.read_bytes())
    executed = tmp_path / "executed.ipynb"
    start = time.perf_counter()
    run = subprocess.run([str(python), "-c", RUNNER, str(source), str(executed), str(lessons)],
                         capture_output=True, text=True, env=dict(env, MASKLAB_INSTALL_SOURCE=str(ROOT)),
                         cwd=tmp_path, timeout=1800)
    timings["lesson_00_with_install_s"] = round(time.perf_counter() - start, 1)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]

    nb = nbformat.read(executed, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]  # NotebookClient raised on any error
    where = json.loads(code[-1].outputs[0]["text"])
    assert pathlib.Path(where["prefix"]).resolve() == venv.resolve(), "the lesson ran in another Python"
    installed = pathlib.Path(where["masklab"]).resolve()
    assert venv.resolve() in installed.parents, f"masklab came from {installed}, not from the fresh venv"
    with capsys.disabled():
        print("\nhosted-kernel test:", json.dumps(timings))
