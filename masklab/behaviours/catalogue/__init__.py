"""The behaviours, one module per lesson; importing this package registers them all, lesson by lesson.

Each ``lessonNN`` module registers the behaviours lesson NN states (their
:attr:`~masklab.behaviours.Behaviour.lesson` is ``"NN"``). None imports Keras
on import.
"""

from masklab.behaviours.catalogue import (  # noqa: F401  (imported to register, in registry order)
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
)
