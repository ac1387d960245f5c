"""Root pytest configuration: test tiers, and the namespace of the docstring examples.

Tiers: the lessons' nbval cells get the ``lessons`` marker here (nbval collects them, it does not
mark them), so the default ``-m`` in pyproject.toml leaves them out and ``pytest -m lessons`` runs
them. The other tiers mark their own test modules.

masklab's docstrings use ``np``, ``keras`` and ``masklab`` unqualified, as a lesson does after its
first cell; the names are provided here so every example runs as written.
"""

from masklab.environment import set_quiet_defaults

# Quiet TensorFlow's C++ logs and pin its CPU kernels before anything imports it.
set_quiet_defaults()

import pytest  # noqa: E402


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.lessons)


@pytest.fixture
def callers_next_draws():
    """What a learner's next random draws would be, for tests that call masklab in between.

    Seeds everything with ``keras.utils.set_random_seed(3)`` (as a learner's notebook might),
    records the next draw from Python's ``random``, NumPy and ``keras.random``, reseeds, and
    returns ``draw()``: called after the masklab calls under test, it must equal the record,
    which holds only if masklab neither reseeded nor consumed the caller's random state.
    """
    import random

    import keras
    import numpy as np

    def draw():
        return random.random(), float(np.random.rand()), float(keras.random.uniform(()))

    keras.utils.set_random_seed(3)
    draw.reference = draw()
    keras.utils.set_random_seed(3)
    return draw


@pytest.fixture(autouse=True)
def _doctest_names(request, doctest_namespace):
    if hasattr(request.node, "dtest") and "keras" not in doctest_namespace:  # a doctest item
        import keras
        import numpy as np

        import masklab

        doctest_namespace.update(np=np, keras=keras, masklab=masklab)


class _Capitals:
    """A stand-in message catalogue: every message in capitals, but for its {fields}, HTML tags and
    entities; a text that went through masklab's _() or ngettext() shows in capitals, one that did
    not stays as it was."""

    _KEEP = __import__("re").compile(r"(\{[^{}]*\}|<[^<>]*>|&#?\w+;)")

    def gettext(self, message):
        return "".join(part if self._KEEP.fullmatch(part) else part.upper() for part in self._KEEP.split(message))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


@pytest.fixture
def capitals(monkeypatch):
    """masklab's messages in capitals (a stand-in language) for the test; English again after it."""
    import masklab
    import masklab._i18n

    monkeypatch.setattr(masklab._i18n, "_chosen", ("xx", _Capitals()))
    yield
    masklab.set_language("en")
