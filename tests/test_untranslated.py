"""An entry may lack a language: the reader gets the language they chose next, else the default,
under one line in their own language; kb check warns, /stats counts. Through the engine's public
methods, the real loader and catalogs, and the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.knowledge_service import KnowledgeService
from bot.admin.reports import stats_text
from bot.engine.answer import Engine
from bot.knowledge.loader import load_directory
from bot.store import Store
from tests.conftest import MINIMAL_KB, write_kb
from tests.test_cli import run_cli

PARTIAL = """
    entries:
      - id: canteen
        questions:
          id: ["Apakah ada kantin di kawasan uji coba?", "kantin uji coba ada?", "info kantin uji coba",
               "di mana kantin kawasan uji coba"]
        answer:
          id: "Ada kantin di gedung utama kawasan uji coba."
      - id: parking
        questions:
          id: ["Di mana tempat parkir kawasan uji coba?", "parkir uji coba dimana"]
          en: ["Where is the parking in the trial zone?", "trial zone parking"]
        answer:
          id: "Parkir ada di gerbang timur."
          en: "Parking is at the east gate."
"""


@pytest.fixture
def kb(tmp_path):
    result = load_directory(write_kb(tmp_path / "kb", {**MINIMAL_KB, "partial.yaml": PARTIAL}))
    assert result.kb is not None, [p.render() for p in result.errors]
    return result


def test_an_answer_in_the_readers_language_has_no_note(kb, catalogs):
    engine = Engine(kb.kb, catalogs)
    reply = engine.ask("Apakah ada kantin di kawasan uji coba?")
    assert (reply.kind, reply.entry_id, reply.lang) == ("answer", "canteen", "id")
    assert reply.text == "Ada kantin di gedung utama kawasan uji coba."


@pytest.mark.parametrize("lang, note", [
    ("ko", "이 답변은 아직 한국어로 준비되지 않아 인도네시아어로 보여 드립니다."),
    ("en", "This answer is not available in English yet, so here it is in Indonesian."),
])
def test_an_indonesian_only_answer_comes_in_indonesian_under_one_line_in_the_readers_language(kb, catalogs, lang,
                                                                                             note):
    reply = Engine(kb.kb, catalogs).answer_by_id("canteen", lang)
    assert reply.lang == lang
    assert reply.text.splitlines() == [note, "Ada kantin di gedung utama kawasan uji coba."]


@pytest.mark.parametrize("preferred, default, shown, named", [
    ("en", "en", "Parking is at the east gate.", "영어"),            # the reader's next choice
    ("id", "en", "Parkir ada di gerbang timur.", "인도네시아어"),    # the next choice wins over the default
    ("ko", "id", "Parkir ada di gerbang timur.", "인도네시아어"),    # the choice lacks it too: the default
    (None, "en", "Parking is at the east gate.", "영어"),
])
def test_the_next_choice_then_the_default(kb, catalogs, preferred, default, shown, named):
    engine = Engine(kb.kb, catalogs, default_language=default)
    reply = engine.answer_by_id("parking", "ko", preferred=preferred)
    note, text = reply.text.splitlines()
    assert text == shown and named in note and note.endswith("보여 드립니다.")


def test_asking_follows_the_same_rule(kb, catalogs):
    engine = Engine(kb.kb, catalogs, default_language="id")
    reply = engine.ask("Where is the parking in the trial zone?", lang="ko", preferred="en")
    assert reply.entry_id == "parking" and reply.text.splitlines()[1] == "Parking is at the east gate."
    suggestions = engine.suggestions("trial zone parking", preferred="en")
    assert suggestions and suggestions[0].text == "Parking is at the east gate."


def test_kb_check_warns_at_file_line_and_strict_refuses(tmp_path):
    directory = write_kb(tmp_path / "kb", {**MINIMAL_KB, "partial.yaml": PARTIAL})
    checked = run_cli("kb", "check", str(directory))
    assert checked.returncode == 0, checked.stderr
    output = checked.stdout + checked.stderr
    assert ("partial.yaml:7:7: warning: the answer of 'canteen' is not translated into: ko, en; readers of those "
            "languages get another language, with a note") in output
    assert "partial.yaml:13:7: warning: the answer of 'parking' is not translated into: ko" in output
    strict = run_cli("kb", "check", "--strict", str(directory))
    assert strict.returncode == 1


def test_an_entry_with_no_language_at_all_is_an_error(tmp_path):
    result = load_directory(write_kb(tmp_path / "kb", {**MINIMAL_KB, "empty.yaml": """
        entries:
          - id: nothing
            questions: {id: ["apa"]}
            answer: {}
    """}))
    assert result.kb is None
    assert [p.render() for p in result.errors] == [
        "empty.yaml:4:13: error: the answer of 'nothing' needs at least one of the languages: id, ko, en"]


def test_an_event_title_in_one_language_loads_with_a_warning(tmp_path):
    result = load_directory(write_kb(tmp_path / "kb", {**MINIMAL_KB, "ev.yaml": """
        events:
          - id: seminar
            title: {id: "Seminar"}
            start: 2027-03-10
            timezone: Asia/Jakarta
    """}))
    assert result.kb is not None and result.kb.events[0].title == {"id": "Seminar"}
    assert [p.render() for p in result.warnings] == [
        "ev.yaml:3:12: warning: the title of the event 'seminar' is not translated into: ko, en"]


def test_stats_count_untranslated_answers(kb, catalogs, tmp_path):
    store = Store(tmp_path / "data")
    try:
        knowledge = KnowledgeService(tmp_path / "kb", tmp_path / "data", Engine(kb.kb, catalogs), catalogs, store)
        admin = KnowledgeAdmin(knowledge, store, max_upload_bytes=1000, unanswered_days=30, stats_days=7)
        stats = admin.stats(1, dt.timezone.utc)
        assert stats.untranslated == {"ko": 2, "en": 1}
        assert "Answers not translated yet: ko 2, en 1" in stats_text(stats, catalogs.for_language("en"), "en")
        assert "아직 번역되지 않은 답변: ko 2, en 1" in stats_text(stats, catalogs.for_language("ko"), "ko")
    finally:
        store.close()
