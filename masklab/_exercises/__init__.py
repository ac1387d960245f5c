"""The lessons' exercises, one module a lesson; :mod:`masklab.exercises` reads them in lesson order.

Each ``lessonNN`` module holds a list ``EXERCISES`` of :class:`masklab.exercises.Exercise`.
"""

import importlib

LESSONS = ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09")


def all_exercises():
    """Every lesson's exercises, in lesson order (a list of ``Exercise``)."""
    return [e for lesson in LESSONS for e in importlib.import_module(f"masklab._exercises.lesson{lesson}").EXERCISES]
