"""The lessons' first code cell, declared once: ``python scripts/first_cell.py`` writes it into every lesson.

The cell quiets TensorFlow, imports NumPy, masklab and Keras, and seeds the lesson. Where masklab
is missing (a hosted notebook such as Colab), it installs nothing from a location this project
does not control: until masklab is published (:data:`PUBLISHED`), it stops with a message that
says what to install, in one line to copy; ``MASKLAB_INSTALL_SOURCE`` (a path or address the
learner chose, e.g. their clone) makes it install from there. Once a release is published, set
:data:`PUBLISHED` to its pinned requirement (``"masklab==0.2.0"``, or ``"git+<repository>@<tag>"``)
and run this script: every lesson's first cell then installs exactly that.

Only the cell's source is rewritten; its outputs (none, where masklab is installed) are kept, so
nbval still passes; ``tests/test_first_cell.py`` fails when a lesson's first cell differs from
:func:`render`.
"""

from __future__ import annotations

import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]

# The one place the install source is declared. None: not yet published, so nothing is installed
# unless the learner names a source (MASKLAB_INSTALL_SOURCE).
PUBLISHED = None

# The message a kernel without masklab stops with, as the two source lines of the cell.
MISSING = ("masklab is not installed in this kernel. Install it from your clone of the masklab ",
           "repository, in a cell:  %pip install /path/to/masklab  then run this cell again.")

_HEAD = '''import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"   # keep TensorFlow's C++ log lines out of the outputs
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # no oneDNN round-off differences (TensorFlow's note)

import numpy as np

try:
    import masklab
except ModuleNotFoundError:                # a kernel without masklab (a hosted notebook)
'''
_UNPUBLISHED = '''    if "MASKLAB_INSTALL_SOURCE" not in os.environ:
        raise ModuleNotFoundError(
            {first!r}
            {second!r}
        ) from None
    source = os.environ["MASKLAB_INSTALL_SOURCE"]   # a path or address you chose
    %pip install --quiet "{{source}}"
    import masklab
'''
_PUBLISHED = '''    source = os.environ.get("MASKLAB_INSTALL_SOURCE", {published!r})
    %pip install --quiet "{{source}}"
    import masklab
'''
_TAIL = '''
with masklab.quiet_stderr():               # a few start-up lines ignore TF_CPP_MIN_LOG_LEVEL
    import keras

keras.utils.set_random_seed(42)            # every run draws the same weights
np.set_printoptions(precision=4, suppress=True)'''


def render(published: str | None = PUBLISHED) -> str:
    """The first cell's source (str) for the install source ``published`` (None: not yet published)."""
    middle = (_UNPUBLISHED.format(first=MISSING[0], second=MISSING[1]) if published is None
              else _PUBLISHED.format(published=published))
    return _HEAD + middle + _TAIL


def lessons() -> list:
    """The lesson notebooks (paths), in order."""
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def first_code_cell(nb):
    """The first code cell of a notebook node."""
    return next(cell for cell in nb.cells if cell.cell_type == "code")


def main() -> int:
    source = render()
    changed = []
    for path in lessons():
        nb = nbformat.read(path, as_version=4)
        cell = first_code_cell(nb)
        if cell.source != source:
            cell.source = source
            nbformat.write(nb, path)
            changed.append(path.name)
    print(f"first cell rewritten in {len(changed)} lessons: {changed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
