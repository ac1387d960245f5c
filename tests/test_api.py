import subprocess
import sys
import types

import pytest

import masklab


def test_all_is_honest():
    assert sorted(masklab.__all__) == masklab.__all__
    for name in masklab.__all__:
        obj = getattr(masklab, name)
        assert obj.__doc__ and len(obj.__doc__) > 80, f"{name} needs a docstring"
    public = {n for n, v in vars(masklab).items() if not n.startswith("_") and callable(v) and not isinstance(v, type(sys))}
    modules = {n for n in masklab.__all__ if isinstance(getattr(masklab, n), types.ModuleType)}
    assert public | modules == set(masklab.__all__)
    assert modules == set(masklab._SUBMODULES)


def test_import_stays_light():
    code = (
        "import sys, masklab; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_submodule_is_an_attribute_and_listed():
    import pathlib

    package = pathlib.Path(masklab.__file__).parent
    on_disk = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    on_disk |= {p.name for p in package.iterdir() if (p / "__init__.py").exists() and not p.name.startswith("_")}
    assert on_disk == set(masklab._SUBMODULES)
    for name in ("experiments", "behaviours", "matrix", "datasets"):
        assert isinstance(getattr(masklab, name), types.ModuleType), name
        assert name in dir(masklab) and name in masklab.__all__
    assert masklab.datasets.japanese_vowels.NUM_CLASSES == 9


def test_dir_lists_what_a_learner_can_reach_and_nothing_private():
    """dir() drives tab completion; checked against the package itself, not against __all__ (which
    __dir__ is built from, so comparing the two could not fail)."""
    code = (
        "import pathlib, masklab\n"
        "listed = dir(masklab)\n"
        "assert listed == sorted(listed), listed\n"
        "private = [n for n in listed if n.startswith('_') and n != '__version__']\n"
        "assert not private, private\n"
        "bound = {n for n in vars(masklab) if not n.startswith('_')}\n"
        "assert bound <= set(listed), bound - set(listed)\n"
        "package = pathlib.Path(masklab.__file__).parent\n"
        "files = {p.stem for p in package.glob('*.py') if not p.stem.startswith('_')}\n"
        "files |= {p.name for p in package.iterdir() if (p / '__init__.py').exists() and not p.name.startswith('_')}\n"
        "unloaded = sorted(files - bound)\n"
        "assert unloaded and set(unloaded) <= set(listed), unloaded\n"
        "missing = [n for n in listed if not hasattr(masklab, n)]\n"
        "assert not missing, missing\n"
        "print(unloaded)\n"
    )
    # A fresh interpreter: the lazily loaded submodules are listed before anything imported them.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "widgets" in out.stdout and "layers" in out.stdout


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="^module 'masklab' has no attribute 'no_such_thing'$"):
        _ = masklab.no_such_thing
