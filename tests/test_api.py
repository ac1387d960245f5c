import subprocess
import sys
import types

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
    on_disk |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(masklab._SUBMODULES)
    for name in ("experiments", "behaviours", "matrix", "datasets"):
        assert isinstance(getattr(masklab, name), types.ModuleType), name
        assert name in dir(masklab) and name in masklab.__all__
    assert masklab.datasets.japanese_vowels.NUM_CLASSES == 9


def test_dir_lists_only_the_public_surface():
    listed = dir(masklab)
    assert "importlib" not in listed and "annotations" not in listed
    assert set(listed) == set(masklab.__all__) | {"__version__"}


def test_unknown_attribute():
    try:
        masklab.no_such_thing
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("expected AttributeError")
