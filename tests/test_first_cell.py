"""Every lesson's first cell is scripts/first_cell.py's, and installs nothing from a stranger's address."""

import importlib.util
import pathlib
import sys

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("first_cell", ROOT / "scripts" / "first_cell.py")
first_cell = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(first_cell)


class _StopAfterInstall(Exception):
    pass


@pytest.mark.parametrize("path", first_cell.lessons(), ids=lambda p: p.stem)
def test_every_lesson_starts_with_the_declared_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert first_cell.first_code_cell(nb).source == first_cell.render(), \
        f"{path.name}: run `python scripts/first_cell.py`, then re-execute the lesson"


def test_no_lesson_installs_from_an_address_the_project_does_not_control():
    for path in first_cell.lessons():
        text = path.read_text()
        assert "git+" not in text and "github.com/masklab" not in text, path.name


def _run_without_masklab(source, monkeypatch):
    """Run the cell (IPython syntax translated) with masklab hidden; return the %pip lines it ran."""
    calls = []

    class Shell:
        def run_line_magic(self, name, line):
            calls.append((name, line))
            raise _StopAfterInstall  # nothing is installed here

    monkeypatch.setitem(sys.modules, "masklab", None)  # `import masklab` raises ModuleNotFoundError
    namespace = {"get_ipython": Shell}
    try:
        exec(compile(TransformerManager().transform_cell(source), "first_cell", "exec"), namespace)
    except _StopAfterInstall:
        pass
    return calls, namespace


def test_without_masklab_the_cell_says_what_to_install_and_installs_nothing(monkeypatch):
    monkeypatch.delenv("MASKLAB_INSTALL_SOURCE", raising=False)
    with pytest.raises(ModuleNotFoundError, match=r"not installed in this kernel.*%pip install /path/to/masklab"):
        _run_without_masklab(first_cell.render(), monkeypatch)


def test_with_a_chosen_source_the_cell_installs_exactly_that(monkeypatch):
    monkeypatch.setenv("MASKLAB_INSTALL_SOURCE", "/src/my masklab")
    calls, namespace = _run_without_masklab(first_cell.render(), monkeypatch)
    assert calls == [("pip", 'install --quiet "{source}"')]  # IPython expands {source} from the namespace
    assert namespace["source"] == "/src/my masklab"


def test_a_published_release_is_installed_pinned(monkeypatch):
    monkeypatch.delenv("MASKLAB_INSTALL_SOURCE", raising=False)
    calls, namespace = _run_without_masklab(first_cell.render("masklab==0.2.0"), monkeypatch)
    assert calls and namespace["source"] == "masklab==0.2.0"
