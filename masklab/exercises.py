"""The lessons' self-check exercises, as data.

Each lesson ends with a few exercises. The learner writes an answer and calls
:func:`check`, which says whether it is right and, when it is not, why and
what to run to see it. No answer yet (``None``) gets the question and a hint,
not an error, so a fresh notebook runs top to bottom.

An exercise is a small spec: its id, question and hint, and an *answer kind*
that knows the right answer, the known wrong answers (each with its own
message) and how to read the learner's input. The kinds:

- :class:`WholeNumber`: ``8``; whole floats such as ``8.0`` count;
- :class:`Number`: a real number compared within a tolerance; named words
  (``"nan"``) may stand for numbers;
- :class:`Choice`: one of a closed list of options (strings or whole
  numbers), read case- and space-insensitively, with aliases;
- :class:`Boolean`: ``True``/``False`` (also ``"true"``/``"false"``);
- :class:`Grid`: a nested list of a fixed shape, of booleans (0/1 allowed)
  or of numbers;
- :class:`Run`: code only where an answer must be run (04.1, a layer class).

Every kind reads any input (ragged lists, ``10**400``, a 10 MB string, a
dict) and answers with a short message, never an internal error.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re

import numpy as np

from masklab._validate import show

UNANSWERED = "unanswered"
CORRECT = "correct"
INCORRECT = "incorrect"
_LONGEST_TEXT = 200  # a longer string is no answer to any exercise: refused before it is read


@dataclasses.dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes:
        exercise: the exercise id, e.g. ``"01.2"``.
        status: ``"correct"``, ``"incorrect"`` or ``"unanswered"``.
        message: what was right or wrong, and what to try.
    """

    exercise: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        """True when the answer is right."""
        return self.status == CORRECT

    def __repr__(self) -> str:
        mark = {CORRECT: "Correct", INCORRECT: "Not yet", UNANSWERED: "No answer yet"}[self.status]
        return f"[{self.exercise}] {mark}: {self.message}"


class _Refused(Exception):
    """An answer of the wrong form; the message says which form is expected."""


def _text(answer):
    """A short string answer, normalised (lower case, single spaces), or None for other types."""
    if not isinstance(answer, str):
        return None
    if len(answer) > _LONGEST_TEXT:
        raise _Refused(f"that is a {len(answer):,}-character string; the answer is a few words at most")
    return " ".join(answer.lower().split())


def _whole(answer):
    """``answer`` as an int if it is a whole number (int, NumPy int, or a whole float), else None."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real) and math.isfinite(answer) and float(answer).is_integer():
        return int(answer)
    return None


@dataclasses.dataclass(frozen=True)
class WholeNumber:
    """A whole-number answer.

    Attributes:
        right: the right number.
        praise: the message for the right number.
        wrong: ``{number: message}`` for known wrong numbers.
        below, above: messages for other numbers below / above ``right``
            (``{answer}`` is filled in); ``otherwise`` when they are None.
    """

    right: int
    praise: str
    wrong: dict = dataclasses.field(default_factory=dict)
    otherwise: str = "{answer} is not it."
    below: str | None = None
    above: str | None = None

    def judge(self, answer):
        value = _whole(answer)
        if value is None:
            raise _Refused(f"answer with a whole number, got {show(answer)}")
        if value == self.right:
            return True, self.praise
        if value in self.wrong:
            return False, self.wrong[value]
        template = (self.below if value < self.right else self.above) or self.otherwise
        return False, template.format(answer=show(value))


@dataclasses.dataclass(frozen=True)
class Number:
    """A real-number answer, compared within ``tolerance``.

    Attributes:
        right: the right number (``math.nan`` matches NaN).
        praise: the message for it.
        wrong: ``((number, message), ...)`` for known wrong numbers.
        otherwise: the message for any other number.
        words: ``{word: number}``, strings that stand for numbers (``"nan"``).
    """

    right: float
    praise: str
    wrong: tuple = ()
    otherwise: str = "{answer} is not it."
    words: dict = dataclasses.field(default_factory=dict)
    tolerance: float = 1e-6

    def _read(self, answer):
        text = _text(answer)
        if text is not None and text in self.words:
            return float(self.words[text])
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
            words = " or ".join(repr(w) for w in self.words)
            raise _Refused(f"answer with a number{' or ' + words if words else ''}, got {show(answer)}")
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf

    def _same(self, a, b):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= self.tolerance

    def judge(self, answer):
        value = self._read(answer)
        if self._same(value, self.right):
            return True, self.praise
        for number, message in self.wrong:
            if self._same(value, number):
                return False, message
        return False, self.otherwise.format(answer=show(answer))


@dataclasses.dataclass(frozen=True)
class Choice:
    """One of a closed list of options.

    Attributes:
        right: the right option.
        praise: the message for it.
        wrong: ``{option: message}`` for every other option.
        aliases: ``{other spelling: option}``, read like the options
            (case, repeated spaces and spaces around commas do not matter).
        notes: ``{answer: message}`` for answers outside the options that
            deserve more than the list of options.
    """

    right: object
    praise: str
    wrong: dict
    aliases: dict = dataclasses.field(default_factory=dict)
    notes: dict = dataclasses.field(default_factory=dict)

    @property
    def options(self):
        """Every option, in a fixed order that gives nothing away (sorted as text)."""
        return sorted([self.right, *self.wrong], key=str)

    def _read(self, answer):
        text = _text(answer)
        key = re.sub(r"\s*,\s*", ", ", text).replace(", )", ",)") if text is not None else _whole(answer)
        if key is not None:
            key = self.aliases.get(key, key)
            for option in self.options:
                if key == (option.lower() if isinstance(option, str) else option) or key == str(option):
                    return option
            if key in self.notes:
                raise _Refused(self.notes[key])
        shown = [repr(o) for o in self.options]
        either = f"{shown[0]} or {shown[1]}" if len(shown) == 2 else f"one of {', '.join(shown[:-1])} or {shown[-1]}"
        raise _Refused(f"answer {either}, got {show(answer)}")

    def judge(self, answer):
        option = self._read(answer)
        if option == self.right:
            return True, self.praise
        return False, self.wrong[option]


@dataclasses.dataclass(frozen=True)
class Boolean:
    """``True`` or ``False`` (NumPy booleans and the strings ``"true"``/``"false"`` count)."""

    right: bool
    praise: str
    wrong: str

    def judge(self, answer):
        if isinstance(answer, (bool, np.bool_)):
            value = bool(answer)
        elif _text(answer) in ("true", "false"):
            value = _text(answer) == "true"
        else:
            raise _Refused(f"answer True or False, got {show(answer)}")
        return (True, self.praise) if value == self.right else (False, self.wrong)


def _grid(answer, shapes, booleans):
    """``answer`` as a NumPy array of one of ``shapes`` (the first is canonical), or None."""
    if isinstance(answer, (str, bytes, dict, set)) or answer is None:
        return None
    try:
        array = np.asarray(answer)
    except (ValueError, TypeError, OverflowError):  # ragged, or not array-like
        return None
    if array.dtype.kind not in ("biu" if booleans else "biuf") or array.shape not in shapes:
        return None
    if array.dtype.kind == "b" and not booleans:
        return None
    if booleans and array.dtype.kind != "b":
        if not np.isin(array, (0, 1)).all():
            return None
        array = array.astype(bool)
    if array.dtype.kind == "f" and not (np.isfinite(array) & (np.mod(array, 1) == 0)).all():
        return None
    return array.reshape(shapes[0])


@dataclasses.dataclass(frozen=True)
class Grid:
    """A nested list of a fixed shape: booleans (0/1 allowed) or whole numbers.

    Attributes:
        right: the right grid (nested list).
        praise: the message for it.
        form: what the answer looks like, for the message on a wrong form.
        wrong: ``((grid, message), ...)`` for known wrong grids.
        otherwise: the message for any other grid.
        shapes: other accepted shapes (reshaped to ``right``'s).
        booleans: a grid of booleans (else of whole numbers).
    """

    right: list
    praise: str
    form: str
    wrong: tuple = ()
    otherwise: str = "that is not it."
    shapes: tuple = ()
    booleans: bool = True

    def judge(self, answer):
        canonical = np.asarray(self.right).shape
        array = _grid(answer, (canonical, *self.shapes), self.booleans)
        if array is None:
            raise _Refused(f"answer with {self.form}, got {show(answer)}")
        if np.array_equal(array, self.right):
            return True, self.praise
        for grid, message in self.wrong:
            if np.array_equal(array, grid):
                return False, message
        return False, self.otherwise


@dataclasses.dataclass(frozen=True)
class Run:
    """An answer that must be run: ``checker(answer) -> (correct, message)``."""

    checker: object

    def judge(self, answer):
        return self.checker(answer)


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise: its id, the question, a hint and its answer kind."""

    id: str
    question: str
    hint: str
    answer: object


# The exercises themselves are data, one module a lesson (masklab/_exercises/lessonNN.py); they
# import the kinds above, so they are read here, after the kinds are defined.
from masklab._exercises import all_exercises

EXERCISES = {e.id: e for e in all_exercises()}


def check(exercise: str, answer) -> Feedback:
    """Check a learner's answer to a lesson exercise.

    Args:
        exercise: exercise id such as ``"01.2"`` (lesson number, then
            exercise number), as printed in the lesson.
        answer: the learner's answer; ``None`` (or ``...``) means not
            answered yet. Any value is read: an answer of the wrong form
            gets a short message saying which form is expected.

    Returns:
        :class:`Feedback`; its ``repr`` is the message shown in the notebook.

    Raises:
        TypeError: ``exercise`` is not a string.
        ValueError: ``exercise`` is not a known id (the message lists them).

    Example:

    >>> check("00.2", 4)
    [00.2] Not yet: with maxlen=4 the first sequence (5 timesteps) is truncated; watch 'truncated rows'.
    >>> check("02.2", "false").correct
    True
    """
    if not isinstance(exercise, str):
        raise TypeError(f"exercise must be an id string such as '01.2', got {show(exercise)}")
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {show(exercise)}")
    item = EXERCISES[exercise]
    if answer is None or answer is Ellipsis:
        hint = item.hint if item.hint.endswith(("?", ".")) else item.hint + "."
        return Feedback(exercise, UNANSWERED, f"{item.question} Hint: {hint}")
    try:
        ok, message = item.answer.judge(answer)
    except _Refused as refused:
        return Feedback(exercise, INCORRECT, str(refused))
    except Exception as error:  # noqa: BLE001 - the last guard: never an internal error for a learner
        return Feedback(exercise, INCORRECT, f"could not read {show(answer)} ({type(error).__name__}); "
                                             f"the question: {item.question}")
    return Feedback(exercise, CORRECT if ok else INCORRECT, message)
