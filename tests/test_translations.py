"""The translations (scripts/translate_lessons.py, masklab/_i18n.py, docs/glossary.*.md) and their checks.

Default tier: no kernel runs. The repository's catalogues must be complete and in step with the
English; the whole cycle (extract, translate, build, English changes, stale entry) runs on a small
notebook in a temporary folder.
"""

import importlib.util
import json
import pathlib
import re
import shutil

import nbformat
import pytest

import masklab
from masklab import _i18n

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("translate_lessons", ROOT / "scripts" / "translate_lessons.py")
tl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tl)

NONE = {"zh": [], "ru": []}


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    masklab.set_language("en")


# -- the repository ----------------------------------------------------------------------------

def test_repository_translations_are_complete_and_up_to_date():
    problems = tl.check(ROOT)
    assert not problems, "run `python scripts/translate_lessons.py check` (docs/translating.md):\n" + "\n".join(problems)


def test_translated_lessons_are_lessons_and_built_links_resolve():
    lessons = tl.english_lessons(ROOT)
    assert set(tl.TRANSLATED) == set(tl.LANGUAGES)
    for lang, numbers in tl.TRANSLATED.items():
        assert set(numbers) <= set(lessons), f"TRANSLATED[{lang!r}] names a lesson that does not exist"
        for path in sorted((ROOT / "lessons" / lang).glob("*.ipynb")):
            for cell in json.loads(path.read_text())["cells"]:
                if cell["cell_type"] != "markdown":
                    continue
                for target in re.findall(r"\]\(([^)\s]+)\)", "".join(cell["source"])):
                    if "://" in target or target.startswith(("#", "mailto:")):
                        continue
                    assert (path.parent / target.split("#")[0]).exists(), f"{path.name}: {target}"


def test_the_languages_agree_and_the_setup_line_chooses_its_language():
    assert set(tl.LANGUAGES) | {"en"} == set(_i18n.LANGUAGES)
    for lang in tl.LANGUAGES:
        namespace = {"masklab": masklab}
        exec(compile(tl.SET_LANGUAGE[lang], "setup", "exec"), namespace)  # noqa: S102 (our own line)
        assert _i18n.get_language() == lang
        masklab.set_language("en")


def test_compiled_messages_ship_with_the_package():
    text = (ROOT / "pyproject.toml").read_text()  # (tomllib is Python >= 3.11; masklab supports 3.10)
    package_data = text.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    globs = re.findall(r'"([^"]+)"', re.search(r'^"masklab" = \[(.*)\]$', package_data, re.MULTILINE).group(1))
    package = ROOT / "masklab"
    for lang in tl.LANGUAGES:
        mo = package / "locales" / lang / "LC_MESSAGES" / "masklab.mo"
        assert mo.exists(), f"{mo} missing: run `python scripts/translate_lessons.py build`"
        assert any(mo.relative_to(package).match(g) for g in globs), f"package-data does not ship {mo}"
    test_extra = re.search(r"^test = \[(.*?)\]$", text, re.MULTILINE | re.DOTALL).group(1)
    assert '"polib>=' in test_extra, "the test extra installs polib (scripts/translate_lessons.py)"


# -- masklab.set_language ----------------------------------------------------------------------

def test_set_language_validates_and_prints_nothing(capsys):
    assert _i18n.get_language() == "en"
    assert masklab.set_language("zh") is None
    assert _i18n.get_language() == "zh"
    with pytest.raises(_i18n.UnknownLanguageError, match=r"'zh_CN'.*'en' \(English\), 'ru' \(Russian\), 'zh'"):
        masklab.set_language("zh_CN")
    with pytest.raises(ValueError):
        masklab.set_language("")
    with pytest.raises(TypeError, match="language code"):
        masklab.set_language(None)
    assert _i18n.get_language() == "zh"  # a refused call changes nothing
    assert capsys.readouterr() == ("", "")


def _catalogue_dir(tmp_path, entries, fuzzy=()):
    """A masklab.mo for zh under tmp_path, from {english: chinese} (plural entries as tuples)."""
    catalogue = tl._new_catalogue("zh", "test", "test")
    for english, chinese in entries.items():
        flags = ["fuzzy"] if english in fuzzy else []
        if isinstance(english, tuple):
            catalogue.append(tl.polib.POEntry(msgid=english[0], msgid_plural=english[1],
                                              msgstr_plural=dict(enumerate(chinese)), flags=flags))
        else:
            catalogue.append(tl.polib.POEntry(msgid=english, msgstr=chinese, flags=flags))
    out = tmp_path / "zh" / "LC_MESSAGES" / "masklab.mo"
    out.parent.mkdir(parents=True)
    out.write_bytes(tl.compile_messages(catalogue))
    return tmp_path


def test_messages_come_from_the_catalogue_with_english_as_the_fallback(tmp_path, monkeypatch):
    entries = {"Right.": "正确。", "{n} timesteps are masked": "{n} 个时间步被屏蔽",
               ("one timestep", "{n} timesteps"): ("{n} 个时间步",), "Stale.": "过时。"}
    monkeypatch.setattr(_i18n, "LOCALEDIR", _catalogue_dir(tmp_path, entries, fuzzy={"Stale."}))
    assert _i18n._("Right.") == "Right."  # English until a language is chosen
    masklab.set_language("zh")
    assert _i18n._("Right.") == "正确。"
    assert _i18n._("{n} timesteps are masked").format(n=3) == "3 个时间步被屏蔽"
    assert _i18n.ngettext("one timestep", "{n} timesteps", 5).format(n=5) == "5 个时间步"
    assert _i18n._("Not in the catalogue.") == "Not in the catalogue."
    assert _i18n._("Stale.") == "Stale."  # a fuzzy entry is not used
    masklab.set_language("en")
    assert _i18n._("Right.") == "Right."
    assert _i18n.ngettext("one timestep", "{n} timesteps", 1) == "one timestep"


def test_a_language_without_its_catalogue_is_a_broken_install(tmp_path, monkeypatch):
    monkeypatch.setattr(_i18n, "LOCALEDIR", tmp_path)
    with pytest.raises(FileNotFoundError):
        masklab.set_language("ru")
    assert _i18n.get_language() == "en"


# -- the glossaries ----------------------------------------------------------------------------

FIELD_TERMS = ["padding", "pre-padding", "post-padding", "truncation", "mask (n.)", "masking",
               "mask-generating layer", "mask-consuming layer", "propagate", "timestep", "sample weight",
               "reduction", "vocabulary", "OOV", "attention mask", "causal mask", "backend", "batch",
               "sequence", "embedding", "loss", "metric"]
SEARCHED = {"zh": ["掩码", "屏蔽", "掩蔽", "填充", "遮盖"], "ru": ["маска", "маскировка", "маскирование", "дополнение"]}


@pytest.mark.parametrize("lang", tl.LANGUAGES)
def test_glossary_gives_every_field_term_and_the_words_learners_search_for(lang):
    text = (ROOT / "docs" / f"glossary.{lang}.md").read_text()
    terms_table = text.split("## Wrong", 1)[0]
    first_column = [line.strip("|").split("|")[0].strip() for line in terms_table.splitlines() if line.startswith("|")]
    for term in FIELD_TERMS:
        assert any(term.lower() in cell.lower() for cell in first_column), f"glossary.{lang}.md lacks {term!r}"
    for word in SEARCHED[lang]:
        assert word in terms_table, f"glossary.{lang}.md lacks {word!r}"
    assert re.search(r"tensorflow/docs-l10n/blob/[0-9a-f]{40}/", text), "cite the TensorFlow docs at a commit"


def test_glossary_wrong_terms_are_read_and_match_their_inflections():
    ru = tl.wrong_terms(ROOT, "ru")
    assert "прокладк*" in ru and "Керас*" in ru
    found = [term for term, pattern in ru.items()
             if pattern.search("Прокладкой называют... во временных рамках... в Кераса")]
    assert set(found) == {"прокладк*", "временн* рамк*", "Керас*"}
    assert not any(p.search("дополнение, маскирование, временной шаг, слой `Embedding`") for p in ru.values())
    zh = tl.wrong_terms(ROOT, "zh")
    assert zh["口罩"].search("给序列戴上口罩") and not any(p.search("掩码、填充、时间步") for p in zh.values())


# -- the whole cycle, on a small notebook --------------------------------------------------------

def _lesson(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    return nb


ANSWER = "## The answer\n\nPadding makes the rows **equal** in length; `mask_zero=True` marks id 0."


def _english(root, answer=ANSWER):
    intro = nbformat.v4.new_markdown_cell(
        "# 00 · Start here\n\nSee [the matrix](../docs/matrix.md), [lesson 01](01_padding.ipynb#Short-answers) "
        "and [the answer](#The-answer).", id="intro")
    setup = nbformat.v4.new_code_cell("import masklab", id="setup", execution_count=1)
    question = nbformat.v4.new_markdown_cell(answer, id="answer")
    run = nbformat.v4.new_code_cell("print([[3, 1, 0]])", id="run", execution_count=2,
                                    outputs=[nbformat.v4.new_output("stream", name="stdout", text="[[3, 1, 0]]\n")])
    blank = nbformat.v4.new_markdown_cell("", id="blank")
    nbformat.write(_lesson([intro, setup, question, run, blank]), root / "lessons" / "00_start_here.ipynb")


def _translate(root, lang, strings, *, clear_fuzzy=False):
    path = tl.catalogue_path(root, lang, "00")
    catalogue = tl.read_catalogue(path)
    for entry in catalogue:
        if entry.msgctxt in strings:
            entry.msgstr = strings[entry.msgctxt]
            if clear_fuzzy:
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.previous_msgid = None
    tl.write_catalogue(path, catalogue)


ZH = {"intro": "# 00 · 从这里开始\n\n见[矩阵](../docs/matrix.md)、[第 01 课](01_padding.ipynb#Short-answers)和[答案](#The-answer)。",
      "answer": "## 答案\n\n填充使各行**等长**；`mask_zero=True` 标出 id 0。"}
RU = {"intro": "# 00 · Начните здесь\n\nСм. [матрицу](../docs/matrix.md), [урок 01](01_padding.ipynb#Short-answers) "
               "и [ответ](#The-answer).",
      "answer": "## Ответ\n\nДополнение выравнивает строки по **длине**; `mask_zero=True` отмечает id 0."}


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "repo"
    (root / "lessons").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "matrix.md").write_text("# matrix\n")
    for lang in tl.LANGUAGES:
        shutil.copy(ROOT / "docs" / f"glossary.{lang}.md", root / "docs")
    _english(root)
    nbformat.write(_lesson([nbformat.v4.new_markdown_cell("# 01", id="a")]), root / "lessons" / "01_padding.ipynb")
    return root


def _problems(root, translated):
    return "\n".join(tl.check(root, translated))


def test_the_cycle_extract_translate_build_and_staleness(tree):
    root, both = tree, {"zh": ["00"], "ru": ["00"]}
    tl.extract(root, ["00"], NONE, quiet=True)
    pot = tl.read_catalogue(root / "locales" / "lesson_00.pot")
    assert [(e.msgctxt, e.msgid[:8]) for e in pot] == [("intro", "# 00 · S"), ("answer", "## The a")]
    problems = _problems(root, NONE)
    assert "lesson_00.po: entry 'answer': untranslated" in problems
    assert "lesson 00 is not in TRANSLATED['zh']" in problems

    _translate(root, "zh", ZH)
    _translate(root, "ru", RU)
    assert _problems(root, both) == ("lessons/zh/00_start_here.ipynb: missing (run build)\n"
                                     "lessons/ru/00_start_here.ipynb: missing (run build)")
    assert sorted(tl.build(root, both, quiet=True)) == ["lessons/ru/00_start_here.ipynb", "lessons/zh/00_start_here.ipynb"]
    assert tl.check(root, both) == []
    assert tl.build(root, both, quiet=True) == []  # nothing changed, nothing written

    english = nbformat.read(root / "lessons" / "00_start_here.ipynb", as_version=4)
    built = nbformat.read(root / "lessons" / "zh" / "00_start_here.ipynb", as_version=4)
    assert [c.id for c in built.cells] == [c.id for c in english.cells]
    # Links re-pointed from lessons/zh/: up a folder to what is not built in zh, the anchor of a translated heading.
    assert built.cells[0].source == ("# 00 · 从这里开始\n\n见[矩阵](../../docs/matrix.md)、"
                                     "[第 01 课](../01_padding.ipynb#Short-answers)和[答案](#答案)。\n\n"
                                     + tl.GLOSSARY_LINK["zh"])  # lesson 00 of each language links its glossary
    assert built.cells[1].source == 'import masklab\nmasklab.set_language("zh")' + tl.SET_LANGUAGE["zh"][26:]
    assert built.cells[1].outputs == english.cells[1].outputs == []
    assert built.cells[3] == english.cells[3]  # code and outputs copied unchanged
    assert built.cells[4] == english.cells[4]  # an empty cell has no entry and is copied
    assert built.metadata == english.metadata
    for target in ("../../docs/matrix.md", "../01_padding.ipynb"):
        assert (root / "lessons" / "zh" / target).exists()

    # The English changes: the catalogues and the built notebooks are behind.
    _english(root, answer=ANSWER.replace("marks id 0", "marks the padding id 0"))
    problems = _problems(root, both)
    assert "locales/lesson_00.pot: behind lessons/00_start_here.ipynb (run extract)" in problems
    assert "locales/zh/LC_MESSAGES/lesson_00.po: entry 'answer': the English changed since the last extract" in problems
    assert "lessons/zh/00_start_here.ipynb: cannot be built" in problems
    tl.extract(root, None, both, quiet=True)
    text = tl.catalogue_path(root, "zh", "00").read_text()
    assert ('#, fuzzy\n#| msgid ""\n#| "## The answer\\n"\n#| "\\n"\n'
            '#| "Padding makes the rows **equal** in length; `mask_zero=True` marks id 0."\n'
            'msgctxt "answer"\nmsgid ""\n"## The answer\\n"\n"\\n"\n'
            '"Padding makes the rows **equal** in length; `mask_zero=True` marks the padding id 0."\n'
            'msgstr ""\n"## 答案\\n"\n"\\n"\n"填充使各行**等长**；`mask_zero=True` 标出 id 0。"\n') in text
    problems = _problems(root, both)
    assert "lesson_00.po: entry 'answer': stale (fuzzy): the English changed from '## The answer\\n\\nPadding" in problems
    assert "entry 'intro'" not in problems  # only the changed cell is stale

    # The English changes again before anyone translates: the translation's source stays the first English.
    third = ANSWER.replace(" in length", "").replace("marks id 0", "marks the padding id 0")
    _english(root, answer=third)
    tl.extract(root, None, both, quiet=True)
    entry = tl.read_catalogue(tl.catalogue_path(root, "zh", "00")).find(third, msgctxt="answer")
    assert entry.fuzzy and entry.previous_msgid == ANSWER

    _translate(root, "zh", {"answer": "## 答案\n\n填充使各行**等长**；`mask_zero=True` 标出填充 id 0。"}, clear_fuzzy=True)
    _translate(root, "ru", {"answer": "## Ответ\n\nДополнение выравнивает строки; `mask_zero=True` отмечает id дополнения 0."},
               clear_fuzzy=True)
    assert "#| msgid" not in tl.catalogue_path(root, "zh", "00").read_text()
    tl.build(root, both, quiet=True)
    assert tl.check(root, both) == []


def test_new_moved_and_deleted_cells(tree):
    root, both = tree, {"zh": ["00"], "ru": ["00"]}
    tl.extract(root, ["00"], NONE, quiet=True)
    _translate(root, "zh", ZH)
    _translate(root, "ru", RU)
    nb = nbformat.read(root / "lessons" / "00_start_here.ipynb", as_version=4)
    intro, setup, answer, run, blank = nb.cells
    new = nbformat.v4.new_markdown_cell("A new paragraph.", id="new")
    nb.cells = [setup, answer, new, run, blank]  # intro deleted, a new cell added
    nbformat.write(nb, root / "lessons" / "00_start_here.ipynb")
    tl.extract(root, None, both, quiet=True)
    problems = _problems(root, both)
    assert "lesson_00.po: entry 'new': untranslated" in problems
    assert "lesson_00.po: obsolete entry 'intro': reuse its translation" in problems
    assert "entry 'answer'" not in problems  # kept as it was
    assert '#~ msgctxt "intro"' in tl.catalogue_path(root, "zh", "00").read_text()

    nb.cells = [intro, setup, answer, new, run, blank]  # the cell comes back: its translation too
    nbformat.write(nb, root / "lessons" / "00_start_here.ipynb")
    tl.extract(root, None, both, quiet=True)
    assert tl.read_catalogue(tl.catalogue_path(root, "zh", "00")).find(intro.source, msgctxt="intro").msgstr == ZH["intro"]

    nb.cells = [setup, answer, new, run, blank]
    nbformat.write(nb, root / "lessons" / "00_start_here.ipynb")
    tl.extract(root, None, both, prune=True, quiet=True)
    assert "obsolete" not in _problems(root, both)
    assert "intro" not in tl.catalogue_path(root, "zh", "00").read_text()


def test_check_rejects_wrong_terms_lost_code_and_stray_notebooks(tree):
    root, both = tree, {"zh": ["00"], "ru": ["00"]}
    tl.extract(root, ["00"], NONE, quiet=True)
    _translate(root, "zh", {**ZH, "answer": "## 答案\n\n填充使各行等长；mask_zero=True 标出 id 0。"})
    _translate(root, "ru", {**RU, "answer": "Прокладка выравнивает строки; `mask_zero=True` отмечает id 0."})  # no heading
    problems = _problems(root, both)
    assert ("locales/ru/LC_MESSAGES/lesson_00.po: entry 'answer': uses 'Прокладка', "
            "which the glossary marks wrong (прокладк*)") in problems
    assert "locales/zh/LC_MESSAGES/lesson_00.po: entry 'answer': the translation lacks the code '`mask_zero=True`'" in problems
    assert ("lessons/ru/00_start_here.ipynb: cell 'intro': the link '#The-answer' finds no heading there; "
            "keep the headings of the English cell") in problems

    _translate(root, "zh", ZH)
    _translate(root, "ru", RU)
    tl.build(root, both, quiet=True)
    stray = root / "lessons" / "zh" / "01_padding.ipynb"
    shutil.copy(root / "lessons" / "01_padding.ipynb", stray)
    built = root / "lessons" / "ru" / "00_start_here.ipynb"
    built.write_text(built.read_text().replace("Начните", "Начинайте"))  # edited by hand
    problems = _problems(root, both)
    assert "lessons/zh/01_padding.ipynb: not a lesson of TRANSLATED['zh']; delete it" in problems
    assert "lessons/ru/00_start_here.ipynb: differs from its English lesson and catalogue (run build)" in problems
    assert "lesson 01 is in TRANSLATED['zh'] but has no catalogue" in _problems(root, {"zh": ["00", "01"], "ru": ["00"]})


def test_build_refuses_an_incomplete_catalogue_but_previews_it(tree):
    root = tree
    tl.extract(root, ["00"], NONE, quiet=True)
    _translate(root, "zh", {"intro": ZH["intro"]})
    with pytest.raises(SystemExit, match=r"lesson_00.po: cell 'answer': entry untranslated"):
        tl.build(root, {"zh": ["00"], "ru": []}, quiet=True)
    assert tl.build(root, NONE, preview=["00"], quiet=True) == [
        "artifacts/preview/zh/00_start_here.ipynb", "artifacts/preview/ru/00_start_here.ipynb"]
    draft = nbformat.read(root / "artifacts" / "preview" / "zh" / "00_start_here.ipynb", as_version=4)
    assert draft.cells[0].source.startswith("# 00 · 从这里开始") and draft.cells[2].source == ANSWER
    assert not (root / "lessons" / "zh").exists()


def test_build_refuses_an_unexecuted_english_lesson(tree):
    root = tree
    nb = nbformat.read(root / "lessons" / "00_start_here.ipynb", as_version=4)
    nb.cells[3].execution_count = None
    nbformat.write(nb, root / "lessons" / "00_start_here.ipynb")
    tl.extract(root, ["00"], NONE, quiet=True)
    _translate(root, "zh", ZH)
    with pytest.raises(SystemExit, match="unexecuted code cells"):
        tl.build(root, {"zh": ["00"], "ru": []}, quiet=True)


def test_masklab_messages_cycle(tree, monkeypatch):
    root = tree
    (root / "masklab").mkdir()
    (root / "masklab" / "feedback.py").write_text(
        "from masklab._i18n import _, ngettext\n\n\n"
        "def feedback(n):\n"
        "    # Translators: shown when the learner's answer is right.\n"
        "    right = _(\"Right.\")\n"
        "    return right, ngettext(\"{n} timestep is masked\", \"{n} timesteps are masked\", n).format(n=n)\n")
    tl.extract(root, None, NONE, quiet=True)
    pot = tl.read_catalogue(root / "masklab" / "locales" / "masklab.pot")
    assert [(e.msgid, e.msgid_plural) for e in pot] == [("Right.", ""), ("{n} timestep is masked", "{n} timesteps are masked")]
    assert pot[0].comment == "shown when the learner's answer is right."
    assert pot[0].occurrences == [("masklab/feedback.py", "")]
    problems = _problems(root, NONE)
    assert "masklab/locales/ru/LC_MESSAGES/masklab.po: entry 'Right.': untranslated" in problems

    for lang, right, forms in (("zh", "正确。", ("{n} 个时间步被屏蔽",)),
                               ("ru", "Верно.", ("{n} временной шаг замаскирован", "{n} временных шага замаскированы",
                                                  "{n} временных шагов замаскировано"))):
        path = root / "masklab" / "locales" / lang / "LC_MESSAGES" / "masklab.po"
        catalogue = tl.read_catalogue(path)
        catalogue.find("Right.").msgstr = right
        catalogue.find("{n} timestep is masked").msgstr_plural = dict(enumerate(forms))
        tl.write_catalogue(path, catalogue)
    assert "masklab.mo: differs from masklab.po (run build)" in _problems(root, NONE)
    tl.build(root, NONE, quiet=True)
    assert tl.check(root, NONE) == []

    monkeypatch.setattr(_i18n, "LOCALEDIR", root / "masklab" / "locales")
    masklab.set_language("ru")
    plural = ("{n} timestep is masked", "{n} timesteps are masked")
    assert [_i18n.ngettext(*plural, n).format(n=n) for n in (1, 3, 5, 21)] == [
        "1 временной шаг замаскирован", "3 временных шага замаскированы", "5 временных шагов замаскировано",
        "21 временной шаг замаскирован"]
    assert _i18n._("Right.") == "Верно."

    # A message changes in the code: the catalogue is behind until extract, then its entry is stale.
    source = root / "masklab" / "feedback.py"
    source.write_text(source.read_text().replace('_("Right.")', '_("Right!")'))
    assert "masklab/locales/masklab.pot: behind the _() calls in masklab's code" in _problems(root, NONE)
    tl.extract(root, None, NONE, quiet=True)
    assert "masklab.po: entry 'Right!': stale (fuzzy)" in _problems(root, NONE)


# -- outputs masklab writes in the lesson's language -------------------------------------------

def _with_check_cell(root, feedback="[00.1] No answer yet: Predict the mask."):
    """The tree's English lesson 00 with an exercise cell after the others (a localized output)."""
    path = root / "lessons" / "00_start_here.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = [cell for cell in nb.cells if cell.id != "check"] + [nbformat.v4.new_code_cell(
        'masklab.check("00.1", None)', id="check", execution_count=3,
        outputs=[nbformat.v4.new_output("execute_result", data={"text/plain": feedback}, execution_count=3)])]
    nbformat.write(nb, path)


def _fake_runs(monkeypatch, change=None):
    """Replace the kernel: a run writes the check cell's feedback "in Chinese"; ``change`` edits others."""
    runs = []

    def run(nb, folder):
        runs.append(folder.name)
        for cell in nb.cells:
            if cell.id == "check":
                cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "[00.1] 尚未作答：预测掩码。"},
                                                       execution_count=9)]
            elif change and cell.id in change:
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=change[cell.id])]
        return nb

    monkeypatch.setattr(tl, "_execute", run)
    return runs


def test_localized_outputs_come_from_a_run_in_the_language_and_rerun_only_when_their_sources_change(tree, monkeypatch):
    root, zh = tree, {"zh": ["00"], "ru": ["00"]}
    _with_check_cell(root)
    tl.extract(root, ["00"], NONE, quiet=True)
    _translate(root, "zh", ZH)
    _translate(root, "ru", RU)
    runs = _fake_runs(monkeypatch)
    assert tl.build(root, zh, quiet=True) == ["lessons/zh/00_start_here.ipynb", "lessons/ru/00_start_here.ipynb"]
    assert runs == ["zh", "ru"]
    english = nbformat.read(root / "lessons" / "00_start_here.ipynb", as_version=4)
    built = nbformat.read(root / "lessons" / "zh" / "00_start_here.ipynb", as_version=4)
    # The check cell's output is the run's (with the English run's count); every other output is copied.
    assert built.cells[-1].outputs[0]["data"]["text/plain"] == "[00.1] 尚未作答：预测掩码。"
    assert built.cells[-1].outputs[0]["execution_count"] == 3
    assert built.cells[3] == english.cells[3]
    stored = built.metadata["masklab"]["localized_outputs"]
    assert stored["cells"] == ["check"] and stored["key"] == tl.outputs_key(root, english, "zh")
    assert tl.check(root, zh) == []

    # A new translation of a paragraph re-runs nothing: the outputs are reused.
    _translate(root, "zh", {"answer": ZH["answer"].replace("等长", "长度相同")})
    assert tl.build(root, zh, quiet=True) == ["lessons/zh/00_start_here.ipynb"] and runs == ["zh", "ru"]
    assert nbformat.read(root / "lessons" / "zh" / "00_start_here.ipynb", as_version=4).cells[-1].outputs == \
        built.cells[-1].outputs

    # The English outputs change: the built lesson is stale until build runs it again.
    _with_check_cell(root, feedback="[00.1] No answer yet: Predict the mask, please.")
    assert ("lessons/zh/00_start_here.ipynb: cannot be built: its outputs in zh are out of date: run build "
            "(it re-runs the lesson in zh)") in _problems(root, zh)
    tl.build(root, zh, quiet=True)
    assert runs == ["zh", "ru", "zh", "ru"] and tl.check(root, zh) == []


def test_a_lesson_whose_other_outputs_change_in_another_language_is_refused(tree, monkeypatch):
    root, zh = tree, {"zh": ["00"], "ru": []}
    _with_check_cell(root)
    tl.extract(root, ["00"], NONE, quiet=True)
    _translate(root, "zh", ZH)
    _fake_runs(monkeypatch, change={"run": "[[3, 1, 2]]\n"})  # print([[3, 1, 0]]) came out different
    with pytest.raises(SystemExit, match="cell 'run' writes no masklab message, but its output in zh differs"):
        tl.build(root, zh, quiet=True)


def test_check_refuses_a_translation_that_renames_a_format_field(tree, monkeypatch):
    root = tree
    (root / "masklab").mkdir()
    (root / "masklab" / "feedback.py").write_text(
        "from masklab._i18n import _\n\nwrong = _(\"{answer} is not it.\")\n")
    tl.extract(root, None, NONE, quiet=True)
    for lang, text in (("zh", "{答案} 不对。"), ("ru", "{answer} — не то.")):
        path = root / "masklab" / "locales" / lang / "LC_MESSAGES" / "masklab.po"
        catalogue = tl.read_catalogue(path)
        catalogue.find("{answer} is not it.").msgstr = text
        tl.write_catalogue(path, catalogue)
    tl.build(root, NONE, quiet=True)
    assert _problems(root, NONE) == ("masklab/locales/zh/LC_MESSAGES/masklab.po: entry '{answer} is not it.': the "
                                     "translation's fields ['答案'] are not the English ['answer'] (keep each {name} "
                                     "as it is)")


def test_the_exercises_texts_are_in_masklabs_catalogue_with_what_each_is():
    template = tl.message_template(ROOT)
    question = masklab.exercises.EXERCISES["03.1"].question
    entry = template.find(question)
    assert entry is not None and entry.occurrences == [("masklab/_exercises/lesson03.py", "")]
    assert entry.comment == "exercise 03.1: question"
    wrong = masklab.exercises.EXERCISES["03.1"].answer.wrong["destroys"]
    assert template.find(wrong).comment == "exercise 03.1: feedback on the answer 'destroys'"


@pytest.mark.parametrize("lang", tl.LANGUAGES)
def test_masklab_check_answers_in_the_chosen_language(lang):
    english = {exercise: repr(masklab.check(exercise, None)) for exercise in ("03.1", "05.2")}
    wrong = repr(masklab.check("03.2", True))
    masklab.set_language(lang)
    for exercise, text in english.items():
        translated = repr(masklab.check(exercise, None))
        assert translated.startswith(f"[{exercise}] ") and translated != text
        assert not re.search(r"\bHint\b|No answer yet", translated)
    assert repr(masklab.check("03.2", True)) != wrong
    # An answer of the wrong form is refused in the language, naming the options learners type in English.
    refused = repr(masklab.check("03.1", "sometimes"))
    assert "'consumes'" in refused and "answer one of" not in refused
    masklab.set_language("en")
    assert repr(masklab.check("03.1", None)) == english["03.1"]
