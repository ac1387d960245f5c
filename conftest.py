"""Root pytest configuration: the namespace of the docstring examples (``--doctest-modules``).

masklab's docstrings use ``np``, ``keras`` and ``masklab`` unqualified, as a lesson does after its
first cell; the names are provided here so every example runs as written.
"""

import os

# Quiet TensorFlow's C++ logs and pin its CPU kernels before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _doctest_names(request, doctest_namespace):
    if hasattr(request.node, "dtest") and "keras" not in doctest_namespace:  # a doctest item
        import keras
        import numpy as np

        import masklab

        doctest_namespace.update(np=np, keras=keras, masklab=masklab)
