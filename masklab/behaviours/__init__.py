"""The registry of Keras behaviours the lessons teach, each runnable on the installed Keras.

Every behaviour a lesson states about Keras is a small named function here
that runs it on the installed Keras and backend and returns what it
observed: a bool, a short string or a rounded number, never a verdict typed
by hand. ``python -m masklab.matrix`` prints them all for one environment;
``scripts/behaviour_matrix.py`` runs them in several (TensorFlow, JAX and
PyTorch backends; the lowest supported Keras; keras-nightly) and writes
``docs/behaviour_matrix.md``. Lesson 03's layer table and lesson 06's
backend table read from this registry, so a lesson, the matrix and CI
cannot disagree.

Where the answer depends on the Keras version, :data:`RULES` names the rule
and its source, and :func:`holds` says whether the installed Keras is on
the rule's side; lessons assert with the rule's text.

The package, by job: ``_rules`` (the version rules), ``_registry`` (the
registry and the functions that run it), ``catalogue.lesson01`` ...
``catalogue.lesson08`` (the behaviours, one module per lesson). Importing it
does not import Keras; Keras loads when a behaviour first runs.

Example:

>>> from masklab import behaviours
>>> behaviours.REGISTRY["embedding.mask_zero_keeps_output"].lesson
'02'
>>> behaviours.run("masking.all_features_rule")
[False, True, True, False]
"""

from masklab.behaviours import catalogue as _catalogue  # noqa: F401  (registers every behaviour)
from masklab.behaviours._registry import (
    REGISTRY,
    Behaviour,
    environment,
    run,
    run_all,
    run_in_backend,
)
from masklab.behaviours._rules import RULES, Rule, holds, keras_release
from masklab.behaviours.catalogue.lesson03 import LAYERS, trace_after_masking

__all__ = [
    "LAYERS",
    "REGISTRY",
    "RULES",
    "Behaviour",
    "Rule",
    "environment",
    "holds",
    "keras_release",
    "run",
    "run_all",
    "run_in_backend",
    "trace_after_masking",
]
