import subprocess
import sys

import masklab


def test_all_is_honest():
    assert sorted(masklab.__all__) == masklab.__all__
    for name in masklab.__all__:
        obj = getattr(masklab, name)
        assert obj.__doc__ and len(obj.__doc__) > 80, f"{name} needs a docstring"
    public = {n for n, v in vars(masklab).items() if not n.startswith("_") and callable(v) and not isinstance(v, type(sys))}
    assert public == set(masklab.__all__)


def test_import_stays_light():
    code = (
        "import sys, masklab; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_lazy_submodules():
    assert masklab.datasets.japanese_vowels.NUM_CLASSES == 9
    assert "widgets" in dir(masklab)
    try:
        masklab.no_such_thing
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("expected AttributeError")
