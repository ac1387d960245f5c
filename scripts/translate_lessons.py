"""The lessons in Chinese and Russian, kept in step with the English ones: gettext catalogues.

English stays the source. Each lesson has one gettext catalogue per language,
``locales/<lang>/LC_MESSAGES/lesson_NN.po``, with one entry per markdown cell: ``msgctxt`` is the
cell's id, ``msgid`` its English source, ``msgstr`` the translation. ``locales/lesson_NN.pot`` is
the template (the English entries alone). masklab's own messages (exercise feedback, explorer
labels, diagnoses) are the ``masklab`` domain: ``masklab/locales/masklab.pot`` extracted from the
``_()`` calls in masklab's code and from the exercises' data,
``masklab/locales/<lang>/LC_MESSAGES/masklab.po`` translated and ``masklab.mo`` compiled, which
masklab reads at run time (masklab/_i18n.py).

    python scripts/translate_lessons.py extract [NN ...]      # English -> .pot -> merged into each .po
    python scripts/translate_lessons.py build                 # catalogues -> lessons/<lang>/NN_*.ipynb, masklab .mo
    python scripts/translate_lessons.py build --preview NN    # a draft under artifacts/preview/, English where untranslated
    python scripts/translate_lessons.py check                 # exit 1 and list what is incomplete, stale or out of date

``extract`` works on the lessons named (``00`` or ``0``), else on those in :data:`TRANSLATED` and
those that already have a catalogue. An entry whose English changed keeps its translation, marked
``fuzzy`` with the English it was made from as ``#| msgid``; a new cell gets an empty entry; an
entry whose cell is gone becomes obsolete (``#~``; ``--prune`` drops those). Entries follow cell
ids, so moving a cell costs nothing and editing one marks just that entry.

``build`` writes each lesson in :data:`TRANSLATED` from its EXECUTED English notebook: markdown
from the catalogue, code cells copied, and one line appended to the first code cell,
``masklab.set_language("<lang>")``, which prints nothing. Outputs are copied from the English
run, except those masklab writes in the chosen language (exercise checks, explorers, diagnoses):
``build`` runs the translated lesson once to make them, and reuses them until the English code
and outputs or masklab's compiled messages change (:func:`localize_outputs`), so strict nbval
passes on the built lesson. Relative links in the markdown are written as
in the English lesson (relative to lessons/) and re-pointed from lessons/<lang>/: to the
translated sibling where one is built, else one folder up.

``check`` (run by tests/test_translations.py in the default test tier) reports every catalogue that
is incomplete (an empty entry), stale (fuzzy, obsolete, or behind the English notebook or masklab's
code), or whose translation drops an English code span or uses a term the glossary
(docs/glossary.<lang>.md) marks wrong, or renames a ``{field}``; every lesson of :data:`TRANSLATED`
without a catalogue or a built notebook; and every built notebook or compiled catalogue that differs from what ``build``
would write. docs/translating.md is the translator's guide.

Catalogues are read and written with polib (it keeps a fuzzy entry's previous msgid across
edits); masklab reads its compiled catalogues with the standard library's gettext, so polib is a
test-extra dependency only.
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime
import difflib
import functools
import gettext
import hashlib
import io
import json
import pathlib
import re
import subprocess
import sys

import nbformat
import polib

ROOT = pathlib.Path(__file__).resolve().parents[1]

# The languages lessons and messages are translated into; masklab.set_language accepts them and "en".
LANGUAGES = ("zh", "ru")
LANGUAGE_NAMES = {"zh": "Chinese (Simplified)", "ru": "Russian"}
# gettext's plural rules (the GNU gettext manual's, as msginit writes them).
PLURAL_FORMS = {
    "zh": "nplurals=1; plural=0;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}

# The lessons (numbers, "NN") that must exist in each language, built from complete catalogues.
# Add a lesson here when its catalogue is complete: from then on the test fails whenever it falls
# behind the English lesson.
TRANSLATED: dict[str, list[str]] = {lang: ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09"] for lang in ("zh", "ru")}

# The line appended to a translated lesson's first code cell (it prints nothing).
# Lesson 00 of each language ends its title cell with a link to the glossary (from lessons/<lang>/).
GLOSSARY_LINK = {
    "zh": "**术语表：** [docs/glossary.zh.md](../../docs/glossary.zh.md) 列出本译文使用的术语，以及学习者搜索时常用的其他说法。",
    "ru": "**Глоссарий:** в [docs/glossary.ru.md](../../docs/glossary.ru.md) — термины этого перевода и другие слова, "
          "по которым их ищут.",
}
SET_LANGUAGE = {
    "zh": 'masklab.set_language("zh")                 # masklab 提示信息的语言（尚未翻译的信息仍显示英文）',
    "ru": 'masklab.set_language("ru")                 # язык сообщений masklab (непереведённые выводятся по-английски)',
}

# A code cell whose output masklab writes in the chosen language: an exercise check, an explorer,
# a diagnosis, a masklab.display view. The build re-runs a translated lesson that has one
# (see localize_outputs).
LOCALIZED = re.compile(r"masklab\.check\(|\bdiagnose\(|Explorer\b|_to_html\(|masklab\.display\.")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A cell whose output holds the language's letters was written by masklab's messages (a diagnosis
# shown by its variable, say), whatever its code looks like.
SCRIPT = {"zh": re.compile("[\u4e00-\u9fff]"), "ru": re.compile("[\u0400-\u04ff]")}

# masklab's code is searched for calls of these (masklab/_i18n.py): _("...") and
# ngettext("singular", "plural", n); a "# Translators: ..." comment just above reaches the translator.
KEYWORDS = ("_", "ngettext")
DOMAIN = "masklab"


# -- paths -------------------------------------------------------------------------------------

def english_lessons(root: pathlib.Path = ROOT) -> dict[str, pathlib.Path]:
    """The English lessons, ``{"00": lessons/00_start_here.ipynb, ...}``."""
    return {path.name[:2]: path for path in sorted((root / "lessons").glob("[0-9][0-9]_*.ipynb"))}


def template_path(root: pathlib.Path, number: str) -> pathlib.Path:
    return root / "locales" / f"lesson_{number}.pot"


def catalogue_path(root: pathlib.Path, lang: str, number: str) -> pathlib.Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"lesson_{number}.po"


def built_path(root: pathlib.Path, lang: str, english: pathlib.Path) -> pathlib.Path:
    return root / "lessons" / lang / english.name


def existing_catalogues(root: pathlib.Path, lang: str) -> list[str]:
    """The lesson numbers that have a catalogue in ``lang``."""
    folder = root / "locales" / lang / "LC_MESSAGES"
    return sorted(p.stem[len("lesson_"):] for p in folder.glob("lesson_[0-9][0-9].po"))


def _rel(root: pathlib.Path, path: pathlib.Path) -> str:
    return path.relative_to(root).as_posix()


def _number(text: str) -> str:
    if not text.isdigit() or len(text) > 2:
        raise SystemExit(f"a lesson is named by its number, such as 00 or 3, not {text!r}")
    return f"{int(text):02d}"


# -- reading and writing catalogues ------------------------------------------------------------

def _new_catalogue(lang: str | None, project: str, header: str) -> polib.POFile:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M%z")
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = header
    catalogue.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "the masklab issue tracker",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "masklab translators",
        "Language-Team": f"{LANGUAGE_NAMES[lang]}: see docs/translating.md" if lang else "none (the English source)",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang:
        catalogue.metadata["Language"] = lang
        catalogue.metadata["Plural-Forms"] = PLURAL_FORMS[lang]
    return catalogue


def read_catalogue(path: pathlib.Path) -> polib.POFile:
    """A .po or .pot file (lines are never re-wrapped when it is written back)."""
    return polib.pofile(str(path), wrapwidth=0)


def _active(catalogue) -> list:
    return [entry for entry in catalogue if not entry.obsolete]


def _entries(catalogue) -> list[tuple]:
    """What a catalogue says, for comparing two of them (header dates and tool versions aside)."""
    return [(bool(e.obsolete), e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()),
             sorted(e.flags), e.previous_msgid, e.previous_msgid_plural, e.tcomment, e.comment,
             [tuple(o) for o in e.occurrences]) for e in catalogue]


def write_catalogue(path: pathlib.Path, catalogue: polib.POFile) -> bool:
    """Write ``catalogue`` to ``path`` unless the file already says the same; True if written.

    Lines are not wrapped: a .po's lines are the notebook's lines, so its diff reads like the
    notebook's.
    """
    if path.exists() and _entries(read_catalogue(path)) == _entries(catalogue):
        return False
    catalogue.wrapwidth = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(catalogue).rstrip("\n") + "\n", encoding="utf-8")
    return True


def _empty_strings(entry, lang) -> dict:
    if not entry.msgid_plural:
        return {"msgstr": ""}
    count = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang]).group(1))
    return {"msgstr_plural": dict.fromkeys(range(count), "")}


def _translated_copy(entry, source, **extra) -> polib.POEntry:
    """``entry`` (from the template) carrying ``source``'s translation and translator comment."""
    return polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                         msgstr=source.msgstr, msgstr_plural=dict(source.msgstr_plural), occurrences=entry.occurrences,
                         comment=entry.comment, tcomment=source.tcomment, **extra)


def _has_translation(entry) -> bool:
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def merge(old: polib.POFile | None, template: polib.POFile, lang: str, header: str, prune: bool = False,
          by_cell: bool = True) -> polib.POFile:
    """The catalogue ``old`` brought up to ``template``, entry by entry.

    Lesson entries follow their cell (``by_cell``: the msgctxt, a cell id); masklab's messages
    their English (the msgid), as gettext's msgmerge does.

    - same key, same English: the entry is kept as it is (translation, flags, comments);
    - English changed (same cell; for a message, the closest unused old message): the translation
      is kept, marked fuzzy, with the English it was made from as its previous msgid (kept from an
      earlier change if the entry was fuzzy already);
    - a new cell or message: an empty entry, or the translation of an identical English text
      elsewhere in ``old`` (a cell whose id changed);
    - an entry nothing matches: obsolete if it had a translation (``prune`` drops them).
    """
    catalogue = _new_catalogue(lang, template.metadata["Project-Id-Version"], header)
    if old is not None:
        catalogue.header = old.header
        catalogue.metadata.update({k: v for k, v in old.metadata.items() if k not in ("POT-Creation-Date",)})
        catalogue.metadata["Plural-Forms"] = PLURAL_FORMS[lang]
    old_entries = sorted(old or [], key=lambda e: not e.obsolete)  # an active entry wins over an obsolete one
    key = (lambda e: e.msgctxt) if by_cell else (lambda e: (e.msgctxt, e.msgid))
    by_key = {key(e): e for e in old_entries}
    by_text = {e.msgid: e for e in old_entries if _has_translation(e) and not e.fuzzy}
    used = set()
    for entry in template:
        previous = by_key.get(key(entry))
        if previous is None and not by_cell:  # a changed message: the closest old one nobody uses
            candidates = {e.msgid: e for e in old_entries
                          if id(e) not in used and _has_translation(e) and e.msgid not in {t.msgid for t in template}}
            close = difflib.get_close_matches(entry.msgid, list(candidates), n=1)
            previous = candidates[close[0]] if close else None
        if previous is not None and id(previous) in used:
            previous = None
        if previous is not None and previous.msgid == entry.msgid and previous.msgid_plural == entry.msgid_plural:
            new = _translated_copy(entry, previous, flags=list(previous.flags),
                                   previous_msgid=previous.previous_msgid,
                                   previous_msgid_plural=previous.previous_msgid_plural)
        elif previous is not None and _has_translation(previous):
            was_fuzzy = previous.fuzzy and previous.previous_msgid
            new = _translated_copy(
                entry, previous, flags=sorted(set(previous.flags) | {"fuzzy"}),
                previous_msgid=previous.previous_msgid if was_fuzzy else previous.msgid,
                previous_msgid_plural=(previous.previous_msgid_plural if was_fuzzy else previous.msgid_plural) or None)
        elif entry.msgid in by_text and id(by_text[entry.msgid]) not in used:
            previous = by_text[entry.msgid]
            new = _translated_copy(entry, previous)
        else:
            previous = None
            new = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                                occurrences=entry.occurrences, comment=entry.comment, **_empty_strings(entry, lang))
        if previous is not None:
            used.add(id(previous))
        catalogue.append(new)
    if not prune:
        for entry in old_entries:
            if id(entry) not in used and _has_translation(entry):
                entry.obsolete, entry.occurrences = True, []
                catalogue.append(entry)
    return catalogue


# -- lesson catalogues -------------------------------------------------------------------------

def translatable_cells(nb) -> list:
    """The markdown cells that get an entry (all but empty ones), in order."""
    missing = [index for index, cell in enumerate(nb.cells) if not cell.get("id")]
    if missing:
        raise ValueError(f"cells {missing} have no id: save the notebook with nbformat >= 4.5")
    return [cell for cell in nb.cells if cell.cell_type == "markdown" and cell.source.strip()]


def lesson_template(root: pathlib.Path, english: pathlib.Path) -> polib.POFile:
    """The .pot of one English lesson: one entry per markdown cell, keyed by cell id."""
    nb = nbformat.read(english, as_version=4)
    number = english.name[:2]
    header = (f"The English text of masklab lesson {number} ({_rel(root, english)}), one entry per markdown cell.\n"
              "Written by scripts/translate_lessons.py extract; translate in locales/<lang>/LC_MESSAGES/.")
    template = _new_catalogue(None, f"masklab lesson {number}", header)
    for cell in translatable_cells(nb):
        template.append(polib.POEntry(msgctxt=cell.id, msgid=cell.source, msgstr="",
                                      occurrences=[(_rel(root, english), "")]))
    return template


def _lesson_header(root, lang, number, english):
    return (f"{LANGUAGE_NAMES[lang]} translation of masklab lesson {number} ({_rel(root, english)}).\n"
            "The English notebook is the source: see docs/translating.md.")


def extract(root: pathlib.Path = ROOT, numbers=None, translated=None, prune: bool = False, quiet: bool = False) -> list[str]:
    """Write each lesson's .pot and merge it into its .po in every language; the same for masklab's messages.

    Args:
        numbers: the lessons to work on (``["00"]``); default: those in ``translated`` and those
            that already have a catalogue.
        translated: the lessons that must be translated, by language (default :data:`TRANSLATED`).
        prune: drop obsolete entries.

    Returns:
        the files written (paths relative to ``root``).
    """
    translated = TRANSLATED if translated is None else translated
    lessons = english_lessons(root)
    written = []
    for lang in LANGUAGES:
        wanted = numbers if numbers else sorted(set(translated.get(lang, [])) | set(existing_catalogues(root, lang)))
        for number in wanted:
            if number not in lessons:
                raise SystemExit(f"no English lesson {number} under {_rel(root, root / 'lessons')}/")
            template = lesson_template(root, lessons[number])
            if write_catalogue(template_path(root, number), template):
                written.append(_rel(root, template_path(root, number)))
            path = catalogue_path(root, lang, number)
            old = read_catalogue(path) if path.exists() else None
            header = _lesson_header(root, lang, number, lessons[number])
            if write_catalogue(path, merge(old, template, lang, header, prune)):
                written.append(_rel(root, path))
    written += _extract_messages(root, prune)
    written = list(dict.fromkeys(written))
    if not quiet:
        for path in written:
            print("wrote", path)
    return written


# -- masklab's own messages --------------------------------------------------------------------

def _translators_comment(lines: list[str], lineno: int) -> str:
    """The ``# Translators: ...`` comment block just above line ``lineno`` (1-based), without its tag."""
    block, index = [], lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        block.insert(0, lines[index].strip().lstrip("#").strip())
        index -= 1
    for start, text in enumerate(block):
        if text.startswith("Translators:"):
            return " ".join([text[len("Translators:"):].strip()] + block[start + 1:]).strip()
    return ""


def find_messages(package: pathlib.Path) -> list[tuple]:
    """Every ``_("...")`` and ``ngettext("...", "...", n)`` in the package's code, in file order.

    Returns:
        ``(file, line, msgid, msgid_plural or None, translators' comment)`` tuples; ``file`` is
        relative to the package's parent.

    Raises:
        ValueError: a call whose message is not a string literal (an f-string, a variable): it
            could never be found in a catalogue.
    """
    found = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        where = path.relative_to(package.parent).as_posix()
        calls = [node for node in ast.walk(ast.parse(source, str(path)))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            count = 1 if node.func.id == "_" else 2
            texts = node.args[:count]
            if len(texts) < count or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts):
                raise ValueError(f"{where}:{node.lineno}: {node.func.id}() needs string literals (no f-string: "
                                 "format after the lookup, `_(\"{n} steps\").format(n=n)`)")
            found.append((where, node.lineno, texts[0].value, texts[1].value if count == 2 else None,
                          _translators_comment(lines, node.lineno)))
    return found


def data_messages(root: pathlib.Path) -> list[tuple]:
    """The exercises' texts (data, not ``_()`` calls), as :func:`find_messages` gives its finds.

    They come from ``masklab.exercises.messages()`` of the masklab under ``root``, run in a
    fresh interpreter so that it is that copy's code (the exercises import only NumPy).
    An exercise's texts are filed under its lesson's module, with what each one is as the
    translators' comment. A ``root`` without ``masklab/exercises.py`` has none.
    """
    if not (root / "masklab" / "exercises.py").exists():
        return []
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from masklab.exercises import messages; "
            "print(json.dumps(messages()))")
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=False)
    if run.returncode:
        raise ValueError(f"masklab.exercises.messages() failed:\n{run.stderr.strip()}")
    return [(f"masklab/_exercises/lesson{exercise[:2]}.py", 0, text, None, f"exercise {exercise}: {what}")
            for exercise, what, text in json.loads(run.stdout)]


def message_template(root: pathlib.Path) -> polib.POFile:
    """The .pot of masklab's messages: every ``_("...")`` / ``ngettext(...)`` in masklab's code,
    then the exercises' texts (:func:`data_messages`)."""
    header = ("masklab's messages (exercise feedback, explorer labels, diagnoses), from the _() calls in its code\n"
              "and the exercises' data. Written by scripts/translate_lessons.py extract; translate in\n"
              "masklab/locales/<lang>/LC_MESSAGES/.")
    template = _new_catalogue(None, "masklab messages", header)
    entries = {}
    for where, _line, msgid, plural, comment in find_messages(root / "masklab") + data_messages(root):
        entry = entries.get(msgid)
        if entry is None:
            entry = entries[msgid] = polib.POEntry(msgid=msgid, msgid_plural=plural or "", msgstr="")
            if plural:
                entry.msgstr_plural = {0: "", 1: ""}
            template.append(entry)
        if (where, "") not in entry.occurrences:
            entry.occurrences.append((where, ""))
        if comment and comment not in entry.comment.split("\n"):
            entry.comment = "\n".join(filter(None, [entry.comment, comment]))
    return template


def _extract_messages(root: pathlib.Path, prune: bool) -> list[str]:
    locales = root / "masklab" / "locales"
    if not (root / "masklab").is_dir():
        return []
    try:
        template = message_template(root)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    written = []
    if write_catalogue(locales / f"{DOMAIN}.pot", template):
        written.append(_rel(root, locales / f"{DOMAIN}.pot"))
    for lang in LANGUAGES:
        path = locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        old = read_catalogue(path) if path.exists() else None
        header = f"{LANGUAGE_NAMES[lang]} translation of masklab's messages.\nEnglish is the source: see docs/translating.md."
        if write_catalogue(path, merge(old, template, lang, header, prune, by_cell=False)):
            written.append(_rel(root, path))
    return written


def compile_messages(catalogue: polib.POFile) -> bytes:
    """The .mo bytes of a masklab catalogue (fuzzy and empty entries left out: English shows)."""
    return catalogue.to_binary()


def _mo_entries(data: bytes) -> dict:
    translations = gettext.GNUTranslations(io.BytesIO(data))
    return {key: value for key, value in translations._catalog.items() if key != ""}


# -- building the translated notebooks ---------------------------------------------------------

_LINK = re.compile(r"(!?\[[^\]]*\]\()(<[^>]*>|[^)\s]+)")
_FENCE_OR_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
# At each position: a fence, else a link (its text may hold code spans, e.g. [`Masking`](02_x.ipynb#y)),
# else a code span. A link inside a code span is code, left alone.
_CODE_OR_LINK = re.compile(r"```.*?```|(?P<link>\[(?:[^\]`]|`[^`\n]*`)*\])\((?P<target>[^)\s]+)\)|`[^`\n]*`",
                           re.DOTALL)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def heading_anchors(markdown: str) -> list[str]:
    r"""The anchors JupyterLab gives the headings of a markdown cell, in order.

    JupyterLab's id for a heading is its rendered text with each space made a ``-``
    (``createHeaderId`` in @jupyterlab/rendermime); links, code and emphasis marks render away.

    >>> heading_anchors("## Change: `compute_mask` with the **time** axis\n```\n# not a heading\n```")
    ['Change:-compute_mask-with-the-time-axis']
    """
    anchors = []
    for match in _HEADING.finditer(re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)):
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1))
        text = re.sub(r"<[^>]+>", "", re.sub(r"\*\*|__|\*|~~", "", text.replace("`", "")))
        anchors.append(text.strip().replace(" ", "-"))
    return anchors


def anchor_map(english_nb, catalogue: polib.POFile) -> dict[str, str]:
    """English heading anchor -> translated one, for the cells whose translation keeps their headings."""
    mapping = {}
    for cell in translatable_cells(english_nb):
        entry = catalogue.find(cell.source, msgctxt=cell.id)
        if entry is None or not entry.msgstr or entry.fuzzy:
            continue
        english, translated = heading_anchors(cell.source), heading_anchors(entry.msgstr)
        if len(english) == len(translated):
            mapping.update(zip(english, translated))
    return mapping


def _repoint(target: str, here: str, anchors: dict[str, dict]) -> str:
    """A link target written relative to lessons/ in lesson ``here``, as seen from lessons/<lang>/.

    ``anchors`` maps each lesson built in this language (file name) to its anchor map.
    """
    bare = target.strip("<>")
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", bare) or bare.startswith("/"):
        return target  # an address or an absolute path
    path, _, anchor = bare.partition("#")
    if path and path not in anchors:
        return target.replace(bare, "../" + bare, 1)  # outside this language's lessons: one folder up
    if anchor:
        anchor = anchors.get(path or here, {}).get(anchor, anchor)
        return target.replace(bare, f"{path}#{anchor}", 1)
    return target


def repoint_links(markdown: str, here: str, anchors: dict[str, dict]) -> str:
    """``markdown`` of lesson ``here`` with its links re-pointed from lessons/ to lessons/<lang>/.

    A link to a lesson built in this language stays next door, with its anchor translated; any
    other relative link goes one folder up.

    >>> built = {"00_start.ipynb": {"How-it-works": "工作原理"}, "01_padding.ipynb": {"Sources": "出处"}}
    >>> repoint_links("[m](../docs/m.md), [01](01_padding.ipynb#Sources), [02](02_masks.ipynb#x), "
    ...               "[a](#How-it-works), `[c](#code)`", "00_start.ipynb", built)
    '[m](../../docs/m.md), [01](01_padding.ipynb#出处), [02](../02_masks.ipynb#x), [a](#工作原理), `[c](#code)`'
    """
    def replace(match):
        if match.group("link") is None:  # a fence or a code span: a link in code is code, left alone
            return match.group(0)
        return match.group("link") + "(" + _repoint(match.group("target"), here, anchors) + ")"
    return _CODE_OR_LINK.sub(replace, markdown)


def link_problems(built: dict[str, object], where: str) -> list[str]:
    """Links between the notebooks ``built`` (file name -> notebook) whose heading anchor is missing."""
    anchors = {name: {a for cell in nb.cells if cell.cell_type == "markdown" for a in heading_anchors(cell.source)}
               for name, nb in built.items()}
    problems = []
    for name, nb in built.items():
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for match in _CODE_OR_LINK.finditer(cell.source):
                if match.group("link") is None:
                    continue
                path, _, anchor = match.group("target").strip("<>").partition("#")
                target = path or name
                if anchor and target in anchors and anchor not in anchors[target]:
                    problems.append(f"{where}/{name}: cell {cell.id!r}: the link {match.group('target')!r} finds no "
                                    f"heading there; keep the headings of the English cell (one translated heading each)")
                elif path and path.endswith(".ipynb") and "/" not in path and path not in anchors:
                    problems.append(f"{where}/{name}: cell {cell.id!r}: the link {match.group('target')!r} points at a "
                                    "notebook not built in this language")
    return problems


def first_code_cell(nb):
    return next(cell for cell in nb.cells if cell.cell_type == "code")


def build_notebook(english_nb, catalogue: polib.POFile, lang: str, here: str, anchors: dict[str, dict],
                   draft: bool = False):
    """The translated notebook (a new node): markdown from ``catalogue``, everything else copied.

    Args:
        english_nb: the executed English notebook.
        here: its file name.
        anchors: the lessons built in ``lang`` (file names; links to them stay in lessons/<lang>/),
            each with its map of English to translated heading anchors (:func:`anchor_map`).
        draft: keep the English of untranslated and fuzzy entries instead of refusing them.

    Raises:
        ValueError: a code cell was never executed, or (unless ``draft``) an entry is missing,
            untranslated or fuzzy.
    """
    if any(cell.execution_count is None for cell in english_nb.cells if cell.cell_type == "code"):
        raise ValueError("the English lesson has unexecuted code cells; run scripts/run_lessons.py on it first")
    nb = copy.deepcopy(english_nb)
    for cell in translatable_cells(nb):
        entry = catalogue.find(cell.source, msgctxt=cell.id)
        if entry is None or not entry.msgstr or entry.fuzzy:
            if draft:
                cell.source = repoint_links(cell.source, here, anchors)
                continue
            state = "missing" if entry is None else ("fuzzy" if entry.fuzzy else "untranslated")
            raise ValueError(f"cell {cell.id!r}: entry {state}")
        cell.source = repoint_links(entry.msgstr, here, anchors)
    if here.startswith("00_"):  # lesson 00 of each language links its glossary, under the title cell's text
        title = next(cell for cell in nb.cells if cell.cell_type == "markdown")
        title.source = title.source.rstrip("\n") + "\n\n" + GLOSSARY_LINK[lang]
    setup = first_code_cell(nb)
    setup.source = setup.source.rstrip("\n") + "\n" + SET_LANGUAGE[lang]
    nbformat.validate(nb)
    return nb


# -- outputs masklab writes in the lesson's language ------------------------------------------

def _mo_path(root: pathlib.Path, lang: str) -> pathlib.Path:
    return root / "masklab" / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def outputs_key(root: pathlib.Path, english_nb, lang: str) -> str:
    """What a translated lesson's localized outputs were made from, as a SHA-256 hex digest.

    It covers the English lesson's code cells and outputs (any change there re-runs the lesson),
    masklab's compiled messages in ``lang`` and the language line of the setup cell; not the
    markdown, so re-translating a paragraph re-runs nothing.
    """
    digest = hashlib.sha256()
    cells = [(cell.source, cell.get("outputs", [])) for cell in english_nb.cells if cell.cell_type == "code"]
    digest.update(json.dumps(cells, sort_keys=True).encode())
    mo = _mo_path(root, lang)
    # (a plural form's key is (msgid, index): repr makes every key a str, to sort)
    messages = _mo_entries(mo.read_bytes()) if mo.exists() else {}
    digest.update(json.dumps(sorted((repr(key), text) for key, text in messages.items())).encode())
    digest.update(SET_LANGUAGE[lang].encode())
    return digest.hexdigest()


def needs_localizing(english_nb) -> bool:
    """Whether a lesson has a cell whose output masklab writes in the chosen language."""
    return any(cell.cell_type == "code" and (LOCALIZED.search(cell.source) or _has_widget(cell))
               for cell in english_nb.cells)


def _has_widget(cell) -> bool:
    return any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))


def _comparable(outputs) -> list:
    """Outputs without what differs between two runs of the same code: counts, metadata, and where
    a stream's text was cut into outputs (the kernel flushes when it likes; nbval joins them too)."""
    found = []
    for output in outputs:
        output = {key: value for key, value in output.items() if key not in ("execution_count", "metadata")}
        if output.get("output_type") == "stream" and found and found[-1].get("output_type") == "stream" \
                and found[-1]["name"] == output["name"]:
            found[-1] = {**found[-1], "text": found[-1]["text"] + output["text"]}
        else:
            found.append(output)
    return found


def _execute(nb, folder: pathlib.Path):
    """Run ``nb`` as scripts/run_lessons.py does (quiet TensorFlow, widget state stored), in ``folder``."""
    from nbclient import NotebookClient

    from masklab.environment import quiet_env

    folder.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                            store_widget_state=True, record_timing=False)
    with client.setup_kernel(env=quiet_env(PYDEVD_DISABLE_FILE_VALIDATION="1")):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        client.set_widgets_metadata()
    return nb


class OutputsError(ValueError):
    """A translated lesson's localized outputs are out of date, or its run is not deterministic."""


def localize_outputs(nb, english_nb, lang: str, key: str, previous=None, run=None) -> bool:
    """Give the translated lesson ``nb`` the outputs masklab writes in ``lang``; True if it ran.

    Every other output stays the English lesson's, copied. The localized ones are those of the
    cells whose output differs when the lesson runs in ``lang`` (an exercise check, an explorer,
    a diagnosis), and of every cell with a widget (its model id is new at each run). A cell tagged
    ``nbval-ignore-output`` that writes no masklab message keeps the English output (timings).

    Where ``previous`` (the built notebook on disk) was made from the same ``key``, its localized
    outputs are reused and nothing runs. Otherwise ``run`` (a function that executes a notebook
    and returns it) runs a copy of ``nb``; without ``run`` this raises.

    Raises:
        OutputsError (a ValueError): the outputs are out of date and ``run`` is None, or a cell that writes no
            masklab message came out different from the English run (the lesson is not
            deterministic: fix the lesson, not the translation).
    """
    stored = (previous.metadata.get("masklab", {}).get("localized_outputs") if previous is not None else None) or {}
    if stored.get("key") == key:
        cells = {cell.id: cell for cell in previous.cells}
        for cell in nb.cells:
            if cell.id in stored["cells"]:
                cell.outputs = copy.deepcopy(cells[cell.id].outputs)
        if "widgets" in previous.metadata:
            nb.metadata["widgets"] = copy.deepcopy(previous.metadata["widgets"])
        nb.metadata["masklab"] = {"localized_outputs": copy.deepcopy(stored)}
        return False
    if run is None:
        raise OutputsError(f"its outputs in {lang} are out of date: run build (it re-runs the lesson in {lang})")
    ran = run(copy.deepcopy(nb))
    english_cells = {cell.id: cell for cell in english_nb.cells}
    localized = []
    for cell, done in zip(nb.cells, ran.cells):
        if cell.cell_type != "code":
            continue
        same = _comparable(done.outputs) == _comparable(english_cells[cell.id].outputs)
        if same and not _has_widget(done):
            continue
        if not same and not LOCALIZED.search(cell.source) and not SCRIPT[lang].search(json.dumps(done.outputs,
                                                                                             ensure_ascii=False)):
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                continue  # varies from run to run (timings), and nbval does not compare it: the English stays
            raise OutputsError(f"cell {cell.id!r} writes no masklab message, but its output in {lang} differs from "
                             "the English run: make the lesson deterministic (scripts/run_lessons.py)")
        for output in done.outputs:  # the English run's counts, so only the localized text differs
            if "execution_count" in output:
                output["execution_count"] = cell.execution_count
        cell.outputs = done.outputs
        localized.append(cell.id)
    if "widgets" in ran.metadata:
        nb.metadata["widgets"] = ran.metadata["widgets"]
    nb.metadata["masklab"] = {"localized_outputs": {"key": key, "cells": localized}}
    return True


def render(nb) -> str:
    """The notebook's file text, as nbformat.write saves it."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _anchor_maps(root, lang, translated, lessons) -> dict[str, dict]:
    """Each lesson built in ``lang`` (file name) with its anchor map."""
    maps = {}
    for number in translated.get(lang, []):
        path = catalogue_path(root, lang, number)
        if number in lessons and path.exists():
            maps[lessons[number].name] = anchor_map(nbformat.read(lessons[number], as_version=4), read_catalogue(path))
    return maps


def _built(root, lang, number, translated, lessons, draft=False, maps=None, run=None) -> str:
    """The text of the translated lesson as ``build`` writes it; ``run`` executes it where its
    localized outputs are out of date (:func:`localize_outputs`), else that raises ValueError."""
    english = lessons[number]
    maps = _anchor_maps(root, lang, translated, lessons) if maps is None else maps
    catalogue = read_catalogue(catalogue_path(root, lang, number))
    english_nb = nbformat.read(english, as_version=4)
    nb = build_notebook(english_nb, catalogue, lang, english.name, maps, draft)
    if not draft and needs_localizing(english_nb):
        out = built_path(root, lang, english)
        previous = nbformat.read(out, as_version=4) if out.exists() else None
        if localize_outputs(nb, english_nb, lang, outputs_key(root, english_nb, lang), previous, run) and run:
            print(f"ran {_rel(root, out)} in {lang} for its localized outputs")
    return render(nb)


def build(root: pathlib.Path = ROOT, translated=None, preview=None, quiet: bool = False) -> list[str]:
    """Write the translated lessons of ``translated`` and compile masklab's catalogues.

    Args:
        preview: lesson numbers to build as drafts (English where a translation is missing or
            fuzzy) under artifacts/preview/<lang>/ instead, to read (their links to other files
            are those of lessons/<lang>/ and may not resolve from there).

    Returns:
        the files written (paths relative to ``root``).
    """
    translated = TRANSLATED if translated is None else translated
    lessons = english_lessons(root)
    written = _compile_messages(root)  # first: the lessons' localized outputs are made with them
    for lang in LANGUAGES:
        numbers = preview if preview else translated.get(lang, [])
        maps = _anchor_maps(root, lang, translated, lessons)
        if preview:  # a draft's own anchors follow its translated headings too
            maps.update(_anchor_maps(root, lang, {lang: [n for n in preview if n in lessons]}, lessons))
        for number in numbers:
            if not catalogue_path(root, lang, number).exists():
                raise SystemExit(f"lesson {number} has no {lang} catalogue: run `extract {number}` first")
            try:
                out = built_path(root, lang, lessons[number])
                text = _built(root, lang, number, translated, lessons, draft=bool(preview), maps=maps,
                              run=functools.partial(_execute, folder=out.parent))
            except OutputsError as error:  # about the lesson's run, not about its catalogue
                raise SystemExit(f"{_rel(root, built_path(root, lang, lessons[number]))}: {error}") from None
            except ValueError as error:
                raise SystemExit(f"{_rel(root, catalogue_path(root, lang, number))}: {error}; "
                                 "`check` lists every entry, `build --preview` drafts the lesson") from None
            if preview:
                out = root / "artifacts" / "preview" / lang / lessons[number].name
            else:
                out = built_path(root, lang, lessons[number])
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text, encoding="utf-8")
                written.append(_rel(root, out))
    if not quiet:
        for path in written:
            print("wrote", path)
    return written


def _compile_messages(root: pathlib.Path) -> list[str]:
    """Compile each masklab.po whose .mo differs; the .mo files written."""
    written = []
    for lang in LANGUAGES:
        po = root / "masklab" / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            mo = po.with_suffix(".mo")
            data = compile_messages(read_catalogue(po))
            if not mo.exists() or _mo_entries(mo.read_bytes()) != _mo_entries(data):
                mo.write_bytes(data)
                written.append(_rel(root, mo))
    return written


# -- checking ----------------------------------------------------------------------------------

def wrong_terms(root: pathlib.Path, lang: str) -> dict[str, re.Pattern]:
    """The terms docs/glossary.<lang>.md marks wrong, ``{term: pattern}``.

    They are the first column of the table under the heading that starts with "Wrong"; terms in
    a cell are separated by " / ", ``*`` stands for any word ending (``прокладк*``), and «» or
    quotes around a term are ignored. Matching ignores case.
    """
    path = root / "docs" / f"glossary.{lang}.md"
    if not path.exists():
        return {}
    terms, in_section = {}, False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            in_section = line.lstrip("#").strip().lower().startswith("wrong")
            continue
        if not (in_section and line.startswith("|")) or set(line) <= set("|-: "):
            continue
        first = line.strip("|").split("|")[0].strip()
        if first.lower().startswith(("wrong", "never")):
            continue  # the header row
        for term in first.split(" / "):
            term = term.strip().strip("«»\"'“”「」`").strip()
            if term:
                body = r"\w*".join(re.escape(part) for part in term.split("*"))
                terms[term] = re.compile(body, re.IGNORECASE)
    return terms


_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)


def _name(entry) -> str:
    """How a problem names an entry: its cell id, or the start of its English."""
    return entry.msgctxt if entry.msgctxt is not None else entry.msgid[:50]


def _key(entry):
    """Lesson entries follow their cell (msgctxt); masklab's messages their English (msgid)."""
    return entry.msgctxt if entry.msgctxt is not None else ("msgid", entry.msgid)


def _fields(text: str) -> set | None:
    """The ``str.format`` field names in ``text`` (``{answer}``, ``{length:,}`` -> ``answer``, ``length``),
    or None where it is no valid format string (then it is never formatted, and nothing is checked)."""
    import string

    try:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def catalogue_problems(catalogue: polib.POFile, template: polib.POFile, where: str, wrong: dict) -> list[str]:
    """What keeps ``catalogue`` from being complete and in step with ``template`` (the English)."""
    problems = []
    english = {_key(e): e for e in template}
    seen = set()
    for entry in _active(catalogue):
        label = f"{where}: entry {_name(entry)!r}"
        seen.add(_key(entry))
        source = english.get(_key(entry))
        if source is None:
            problems.append(f"{label}: its cell or message is gone from the English (run extract)")
            continue
        if (source.msgid, source.msgid_plural) != (entry.msgid, entry.msgid_plural):
            problems.append(f"{label}: the English changed since the last extract (run extract)")
            continue
        strings = [entry.msgstr] if not entry.msgid_plural else [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        if entry.fuzzy:
            problems.append(f"{label}: stale (fuzzy): the English changed from {(entry.previous_msgid or '?')[:60]!r}; "
                            "update the translation, then delete the fuzzy flag and the #| lines")
        elif not strings or not all(strings):
            problems.append(f"{label}: untranslated")
        text = "\n".join(s for s in strings if s)
        if text:
            spans = _CODE.findall(entry.msgid) + _CODE.findall(entry.msgid_plural or "")
            for span in dict.fromkeys(spans):
                if span not in text:
                    problems.append(f"{label}: the translation lacks the code {span[:60]!r} (code stays as in English)")
            for string in filter(None, strings):  # str.format's fields, exactly as in English
                fields, english_fields = _fields(string), _fields(entry.msgid)
                if fields is not None and english_fields is not None and fields != english_fields:
                    problems.append(f"{label}: the translation's fields {sorted(fields)} are not the English "
                                    f"{sorted(english_fields)} (keep each {{name}} as it is)")
            for term, pattern in wrong.items():
                found = pattern.search(text)
                if found:
                    problems.append(f"{label}: uses {found.group(0)!r}, which the glossary marks wrong ({term})")
    for key, entry in english.items():
        if key not in seen:
            problems.append(f"{where}: entry {_name(entry)!r}: missing (run extract)")
    for entry in catalogue.obsolete_entries():
        problems.append(f"{where}: obsolete entry {_name(entry)!r}: "
                        "reuse its translation where it fits, then run extract --prune")
    return problems


def check(root: pathlib.Path = ROOT, translated=None) -> list[str]:
    """Every problem with the translations under ``root``, as lines; empty when all is well."""
    translated = TRANSLATED if translated is None else translated
    lessons = english_lessons(root)
    problems = []
    templates = {}
    for lang in LANGUAGES:
        wrong = wrong_terms(root, lang)
        have = existing_catalogues(root, lang)
        for number in sorted(set(translated.get(lang, [])) - set(have)):
            problems.append(f"lesson {number} is in TRANSLATED[{lang!r}] but has no catalogue (run extract {number})")
        for number in have:
            where = _rel(root, catalogue_path(root, lang, number))
            if number not in lessons:
                problems.append(f"{where}: there is no English lesson {number}; delete the catalogue")
                continue
            if number not in templates:
                templates[number] = lesson_template(root, lessons[number])
                pot = template_path(root, number)
                if not pot.exists() or _entries(read_catalogue(pot)) != _entries(templates[number]):
                    problems.append(f"{_rel(root, pot)}: behind {_rel(root, lessons[number])} (run extract)")
            catalogue = read_catalogue(catalogue_path(root, lang, number))
            problems += catalogue_problems(catalogue, templates[number], where, wrong)
            if number not in translated.get(lang, []):
                problems.append(f"{where}: lesson {number} is not in TRANSLATED[{lang!r}] in "
                                "scripts/translate_lessons.py; add it once the catalogue is complete")
        # Built notebooks: exactly the lessons of TRANSLATED, each as build would write it now.
        folder = root / "lessons" / lang
        built = {p.name[:2]: p for p in folder.glob("[0-9][0-9]_*.ipynb")}
        for number, path in sorted(built.items()):
            if number not in translated.get(lang, []) or number not in lessons or path.name != lessons[number].name:
                problems.append(f"{_rel(root, path)}: not a lesson of TRANSLATED[{lang!r}]; delete it")
        maps, expected_nbs = _anchor_maps(root, lang, translated, lessons), {}
        for number in translated.get(lang, []):
            if number not in lessons or number not in have:
                continue
            path = built_path(root, lang, lessons[number])
            try:
                expected = _built(root, lang, number, translated, lessons, maps=maps)
            except ValueError as error:
                problems.append(f"{_rel(root, path)}: cannot be built: {error}")
                continue
            expected_nbs[path.name] = nbformat.reads(expected, as_version=4)
            if not path.exists():
                problems.append(f"{_rel(root, path)}: missing (run build)")
            elif path.read_text(encoding="utf-8") != expected:
                problems.append(f"{_rel(root, path)}: differs from its English lesson and catalogue (run build)")
        problems += link_problems(expected_nbs, f"lessons/{lang}")
    problems += _check_messages(root)
    return problems


def _check_messages(root: pathlib.Path) -> list[str]:
    locales = root / "masklab" / "locales"
    if not (root / "masklab").is_dir():
        return []
    try:
        template = message_template(root)
    except ValueError as error:
        return [str(error)]
    problems = []
    pot = locales / f"{DOMAIN}.pot"
    if not pot.exists() or _entries(read_catalogue(pot)) != _entries(template):
        problems.append(f"{_rel(root, pot)}: behind the _() calls in masklab's code (run extract)")
    for lang in LANGUAGES:
        po = locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.exists():
            problems.append(f"{_rel(root, po)}: missing (run extract)")
            continue
        catalogue = read_catalogue(po)
        problems += catalogue_problems(catalogue, template, _rel(root, po), wrong_terms(root, lang))
        mo = po.with_suffix(".mo")
        if not mo.exists() or _mo_entries(mo.read_bytes()) != _mo_entries(compile_messages(catalogue)):
            problems.append(f"{_rel(root, mo)}: differs from {po.name} (run build)")
    return problems


# -- command line ------------------------------------------------------------------------------

def main(argv=None, translated=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=pathlib.Path, default=ROOT, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    p_extract = commands.add_parser("extract", help="English -> .pot -> each .po (changed entries marked fuzzy)")
    p_extract.add_argument("lessons", nargs="*", help="lesson numbers (default: TRANSLATED and existing catalogues)")
    p_extract.add_argument("--prune", action="store_true", help="drop obsolete entries")
    p_build = commands.add_parser("build", help="catalogues -> lessons/<lang>/, masklab's .mo")
    p_build.add_argument("--preview", nargs="+", metavar="NN",
                         help="draft these lessons under artifacts/preview/<lang>/, English where untranslated")
    commands.add_parser("check", help="list incomplete, stale or out-of-date translations; exit 1 if any")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.command == "extract":
        extract(root, [_number(n) for n in args.lessons], translated, prune=args.prune)
    elif args.command == "build":
        build(root, translated, preview=[_number(n) for n in args.preview] if args.preview else None)
    else:
        problems = check(root, translated)
        for line in problems:
            print(line)
        if problems:
            print(f"{len(problems)} problem(s); docs/translating.md says how to fix each", file=sys.stderr)
            return 1
        print("translations: complete and up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
