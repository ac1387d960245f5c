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

from masklab._i18n import _, translate
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
        # Translators: the verdict at the start of exercise feedback: "[01.2] Not yet: <why>".
        mark = {CORRECT: _("Correct"), INCORRECT: _("Not yet"), UNANSWERED: _("No answer yet")}[self.status]
        return _("[{exercise}] {verdict}: {message}").format(exercise=self.exercise, verdict=mark, message=self.message)


class _Refused(Exception):
    """An answer of the wrong form; the message says which form is expected."""


def _text(answer):
    """A short string answer, normalised (lower case, single spaces), or None for other types."""
    if not isinstance(answer, str):
        return None
    if len(answer) > _LONGEST_TEXT:
        raise _Refused(_("that is a {length:,}-character string; the answer is a few words at most")
                       .format(length=len(answer)))
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
            raise _Refused(_("answer with a whole number, got {answer}").format(answer=show(answer)))
        if value == self.right:
            return True, translate(self.praise)
        if value in self.wrong:
            return False, translate(self.wrong[value])
        template = (self.below if value < self.right else self.above) or self.otherwise
        return False, translate(template).format(answer=show(value))


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
            if not self.words:
                raise _Refused(_("answer with a number, got {answer}").format(answer=show(answer)))
            # Translators: {words} are the words the learner may type instead, in quotes: 'nan' or 'one'.
            raise _Refused(_("answer with a number or {words}, got {answer}").format(
                words=_(" or ").join(repr(w) for w in self.words), answer=show(answer)))
        try:
            return float(answer)
        except OverflowError:
            return math.inf if answer > 0 else -math.inf

    def _same(self, a, b):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= self.tolerance

    def judge(self, answer):
        value = self._read(answer)
        if self._same(value, self.right):
            return True, translate(self.praise)
        for number, message in self.wrong:
            if self._same(value, number):
                return False, translate(message)
        return False, translate(self.otherwise).format(answer=show(answer))


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
                raise _Refused(translate(self.notes[key]))
        shown = [repr(o) for o in self.options]
        if len(shown) == 2:
            # Translators: the two options are in quotes and stay in English: the learner types them.
            raise _Refused(_("answer {first} or {second}, got {answer}").format(
                first=shown[0], second=shown[1], answer=show(answer)))
        # Translators: {options} is a list such as 'consumes', 'destroys', 'generates' (kept in English).
        raise _Refused(_("answer one of {options} or {last}, got {answer}").format(
            options=", ".join(shown[:-1]), last=shown[-1], answer=show(answer)))

    def judge(self, answer):
        option = self._read(answer)
        if option == self.right:
            return True, translate(self.praise)
        return False, translate(self.wrong[option])


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
            raise _Refused(_("answer True or False, got {answer}").format(answer=show(answer)))
        return (True, translate(self.praise)) if value == self.right else (False, translate(self.wrong))


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
            raise _Refused(_("answer with {form}, got {answer}").format(form=translate(self.form), answer=show(answer)))
        if np.array_equal(array, self.right):
            return True, translate(self.praise)
        for grid, message in self.wrong:
            if np.array_equal(array, grid):
                return False, translate(message)
        return False, translate(self.otherwise)


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

# The fields of each answer kind that hold text a learner reads: a message, or a dict / tuple of them.
_MESSAGE_FIELDS = ("praise", "otherwise", "below", "above", "form", "wrong", "notes")


def messages() -> list[tuple[str, str, str]]:
    """Every text the exercises show, for the translators' catalogue (``masklab.pot``).

    The exercises are data, so their texts are not ``_()`` calls the extractor can find in the
    code; :func:`check` looks each one up in the chosen language when it shows it.

    Returns:
        ``(exercise id, what it is, English text)`` tuples in lesson order, e.g.
        ``("03.1", "feedback on the answer 'generates'", "a mask reaches it ...")``. A
        :class:`Run` exercise's messages are ``_()`` calls in its checker, found in the code.

    >>> [what for exercise, what, _text in messages() if exercise == "02.2"][:3]
    ['question', 'hint', 'praise (the right answer)']
    """
    found = []
    for item in EXERCISES.values():
        found += [(item.id, "question", item.question), (item.id, "hint", item.hint)]
        for field in _MESSAGE_FIELDS:
            value = getattr(item.answer, field, None)
            if isinstance(value, str):
                what = {"praise": "praise (the right answer)", "otherwise": "feedback on any other answer",
                        "below": "feedback on a number below the right one",
                        "above": "feedback on a number above the right one",
                        "form": "the form of the answer, after 'answer with'",
                        "wrong": "feedback on the wrong answer"}[field]
                found.append((item.id, what, value))
            elif isinstance(value, dict):
                found += [(item.id, f"feedback on the answer {key!r}", text) for key, text in value.items()]
            elif isinstance(value, tuple):
                found += [(item.id, f"feedback on the answer {key!r}", text) for key, text in value]
    return found


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
        hint = translate(item.hint)
        # Translators: the full stop added after a hint that has none ("。" in Chinese).
        hint = hint if hint.endswith(("?", ".", "？", "。")) else hint + _(".")
        return Feedback(exercise, UNANSWERED, _("{question} Hint: {hint}").format(question=translate(item.question),
                                                                                  hint=hint))
    try:
        ok, message = item.answer.judge(answer)
    except _Refused as refused:
        return Feedback(exercise, INCORRECT, str(refused))
    except Exception as error:  # noqa: BLE001 - the last guard: never an internal error for a learner
        return Feedback(exercise, INCORRECT, _("could not read {answer} ({error}); the question: {question}").format(
            answer=show(answer), error=type(error).__name__, question=translate(item.question)))
    return Feedback(exercise, CORRECT if ok else INCORRECT, message)
