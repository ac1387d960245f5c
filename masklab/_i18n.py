"""masklab's messages in the learner's language: gettext catalogues, chosen by an explicit call.

English is the source language: every message is written in English in the code, wrapped in
:func:`_` (or :func:`ngettext` where the wording depends on a count), and looked up in the
``masklab`` gettext domain of the chosen language, compiled in
``masklab/locales/<lang>/LC_MESSAGES/masklab.mo`` (shipped with the package; the ``.po`` next to
it is what translators edit, ``scripts/translate_lessons.py build`` compiles it). A message the
catalogue lacks, or has only as a stale (fuzzy) entry, comes out in English.

The language is chosen by :func:`set_language` (``masklab.set_language("zh")``, the call a
translated lesson's first cell makes), never from the environment (``LANG``): a lesson's stored
outputs must not change with the locale of the machine that re-runs it. The chosen language and
its catalogue are the only state this module keeps; nothing is read at import time.

Messages with values use named fields and ``str.format`` after the lookup, so a translator can
move them: ``_("{count} timesteps are masked").format(count=n)`` (an f-string inside ``_()`` is
looked up after it is formatted, so it is never found in a catalogue).
"""

from __future__ import annotations

import gettext
import pathlib

DOMAIN = "masklab"
# Where the compiled catalogues live; read at each set_language call (tests point it elsewhere).
LOCALEDIR = pathlib.Path(__file__).resolve().parent / "locales"
# "en" is the source; the others have a catalogue under LOCALEDIR. zh: Simplified Chinese.
LANGUAGES = ("en", "ru", "zh")
_NAMES = {"en": "English", "ru": "Russian", "zh": "Simplified Chinese"}

# The chosen language and its catalogue (None for English): the module's only state.
_chosen: tuple[str, gettext.GNUTranslations | None] = ("en", None)


class UnknownLanguageError(ValueError):
    """A language masklab has no messages for; the message lists the languages it has."""


def set_language(lang: str) -> None:
    """Choose the language of masklab's messages (exercise feedback, explorer labels, diagnoses).

    English (``"en"``) is the default and the fallback for any message a catalogue lacks. The
    translated lessons call this in their first cell; it prints nothing and returns None, so
    the cell's stored output (none) still matches when nbval re-runs it.

    Args:
        lang: ``"en"`` (English), ``"ru"`` (Russian) or ``"zh"`` (Simplified Chinese).

    Raises:
        UnknownLanguageError (a ValueError): ``lang`` is not one of those; the message lists them.
        TypeError: ``lang`` is not a str.

    Example:

    >>> masklab.set_language("ru")
    >>> masklab.set_language("fr")
    Traceback (most recent call last):
    ...
    masklab._i18n.UnknownLanguageError: masklab has no messages in 'fr'; choose one of 'en' (English), 'ru' (Russian), 'zh' (Simplified Chinese)
    >>> masklab.set_language("en")
    """
    global _chosen
    if not isinstance(lang, str):
        raise TypeError(f"set_language takes a language code (str), such as 'zh', not {type(lang).__name__}")
    if lang not in LANGUAGES:
        names = ", ".join(f"{code!r} ({_NAMES[code]})" for code in LANGUAGES)
        raise UnknownLanguageError(f"masklab has no messages in {lang!r}; choose one of {names}")
    if lang == "en":
        _chosen = ("en", None)
        return
    # fallback=False: a supported language whose catalogue is missing is a broken install.
    _chosen = (lang, gettext.translation(DOMAIN, localedir=str(LOCALEDIR), languages=[lang]))


def get_language() -> str:
    """The language code masklab's messages are in now (``"en"`` until :func:`set_language`)."""
    return _chosen[0]


def _(message: str) -> str:
    """``message`` (English) in the chosen language; English where the catalogue has no entry."""
    catalogue = _chosen[1]
    return message if catalogue is None else catalogue.gettext(message)


def translate(message: str) -> str:
    """Like :func:`_`, for a message held as data rather than written in a ``_()`` call.

    The exercises' questions, hints and feedback are data (``masklab/_exercises/``): the extractor
    reads them from :func:`masklab.exercises.messages`, not from ``_()`` calls, and the code that
    shows them looks them up with this function (a ``_()`` call must hold a literal).
    """
    catalogue = _chosen[1]
    return message if catalogue is None else catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the chosen language (Russian has three)."""
    catalogue = _chosen[1]
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)
