"""Validation: every problem at once, each with file:line:column, and nothing half-loaded."""

from __future__ import annotations

import time

import pytest

from bot.knowledge.loader import Source, load_directory, load_sources
from bot.knowledge.located import MAX_FILE_BYTES
from tests.conftest import MINIMAL_KB, write_kb


def problems_of(tmp_path, files, strict=False):
    result = load_directory(write_kb(tmp_path / "kb", files), strict=strict)
    return result, [p.render() for p in result.problems]


def test_minimal_knowledge_base_loads_and_renders_typed_facts(tmp_path):
    result, problems = problems_of(tmp_path, MINIMAL_KB)
    assert problems == []
    kb = result.kb
    entry = kb.by_id["kitb-area"]
    assert kb.answer_text(entry, "id") == "Luas KITB 4.300 hektare."
    assert kb.answer_text(entry, "en") == "KITB covers 4,300 hectares."
    assert kb.answer_text(entry, "ko") == "KITB의 면적은 4,300헥타르입니다."
    date_entry = kb.by_id["mou-date"]
    assert kb.answer_text(date_entry, "id") == "Pada Jumat, 7 Juli 2023."
    assert kb.answer_text(date_entry, "en") == "On Friday, July 7, 2023."
    assert kb.answer_text(date_entry, "ko") == "2023년 7월 7일 금요일에 체결됐습니다."


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    _, problems = problems_of(tmp_path, {"bad.yaml": "entries:\n  - id: x\n    questions: [unclosed\n"})
    assert len(problems) == 1
    assert problems[0].startswith("bad.yaml:4:1: error: YAML syntax error:")


def test_every_problem_is_reported_at_once_with_its_position(tmp_path):
    files = dict(MINIMAL_KB)
    files["more.yaml"] = """
        entries:
          - id: kitb-area
            questions:
              id: ["a"]
              ko: ["b"]
              en: ["c"]
            answer: {id: "x", ko: "y", en: "z"}
          - id: broken
            colour: blue
            topic: nowhere
            questions:
              id: ["siapa"]
              en: ["who"]
            answer:
              id: "Halo {missing_fact}"
              ko: "안녕 {area_ha:weekday}"
              en: "Hello {"
            related: [no-such-entry, broken]
    """
    result, problems = problems_of(tmp_path, files)
    assert result.kb is None
    expected = [
        "more.yaml:2:9: error: duplicate entry id 'kitb-area' (first defined at core.yaml:14)",
        "more.yaml:9:5: error: unknown key 'colour' in an entry; expected one of: answer, id, kind, questions, "
        "related, topic",
        "more.yaml:10:12: error: unknown topic 'nowhere'; topics are: kitb",
        "more.yaml:12:7: warning: the questions of 'broken' have no phrasing in: ko, though the answer is written "
        "in it",
        "more.yaml:15:11: error: the 'id' answer of 'broken' uses {missing_fact}, but no fact or name is called "
        "'missing_fact'",
        "more.yaml:16:11: error: {area_ha:weekday} in the 'ko' answer of 'broken': 'area_ha' has no style "
        "'weekday' (styles: -)",
        "more.yaml:17:11: error: the 'en' answer of 'broken' has a stray brace at character 7; write {{ or }} for "
        "a literal brace",
        "more.yaml:18:15: error: 'broken' is related to 'no-such-entry', which does not exist",
        "more.yaml:18:30: error: 'broken' lists itself as related",
    ]
    assert problems == expected


def test_declared_languages_are_required_exactly(tmp_path):
    _, problems = problems_of(tmp_path, {"ko.yaml": """
        languages: [ko]
        entries:
          - id: only-korean
            questions:
              ko: ["KITB 면적"]
              en: ["kitb area"]
            answer:
              ko: "4,300헥타르입니다."
    """})
    assert problems == ["ko.yaml:6:7: error: the questions of 'only-korean' has the language 'en', which this file "
                        "does not declare (ko)"]


def test_an_untranslated_answer_is_a_warning_and_a_bad_id_an_error(tmp_path):
    _, problems = problems_of(tmp_path, {"a.yaml": """
        entries:
          - id: Bad_ID
            questions: {id: ["a"], ko: ["b"], en: ["c"]}
            answer: {id: "a", ko: "b", en: "c"}
          - id: ok-id
            questions: {id: ["a"], ko: ["b"], en: ["c"]}
            answer: {id: "a", en: "c"}
    """})
    assert problems == [
        "a.yaml:2:9: error: the id 'Bad_ID' must be 1–40 lowercase letters, digits, and '-'",
        "a.yaml:7:13: warning: the answer of 'ok-id' is not translated into: ko; readers of those languages get "
        "another language, with a note",
    ]


def test_duplicate_key_and_bad_fact(tmp_path):
    _, problems = problems_of(tmp_path, {
        "dup.yaml": "entries: []\nentries: []\n",
        "facts.yaml": "facts:\n  when: 2023-07-07 10:00:00\n  what: hello\n",
    })
    assert problems == [
        "dup.yaml:2:1: error: the key entries appears twice (first at line 1)",
        "facts.yaml:2:9: error: the fact 'when' has a time; write a date such as 2023-07-07",
        "facts.yaml:3:9: error: the fact 'what' is the text 'hello'; a fact must be a number (4300 or 4.3), a date "
        "(2023-07-07) or {year: 2024}",
    ]


def test_phrasings_too_alike_are_warnings_or_errors_with_strict(tmp_path, catalogs):
    """The engine finds them (the loader does not know how entries are searched), at file:line."""
    from bot.engine.answer import build_engine

    def engine_problems(directory, strict=False):
        result = load_directory(write_kb(directory, files))
        engine, problems = build_engine(result, catalogs, strict=strict)
        return engine, [p.render() for p in problems]

    files = dict(MINIMAL_KB)
    files["twin.yaml"] = """
        entries:
          - id: kitb-size-twin
            questions:
              id: ["luas KITB berapa?"]
              ko: ["크기"]
              en: ["size"]
            answer: {id: "a", ko: "b", en: "c"}
    """
    engine, problems = engine_problems(tmp_path / "kb")
    assert engine is not None
    assert problems == ["twin.yaml:4:12: warning: phrasing 'luas KITB berapa?' of kitb-size-twin is too alike "
                        "'Berapa luas KITB?' of kitb-area to tell them apart"]
    strict, strict_problems = engine_problems(tmp_path / "s", strict=True)
    assert strict is None
    assert strict_problems == [problems[0].replace("warning", "error")]


def test_file_that_is_not_utf8_is_refused_with_position(tmp_path):
    _, problems = problems_of(tmp_path, {"latin1.yaml": "entries:\n  - id: caf\xe9\n".encode("latin-1")})
    assert problems == ["latin1.yaml:2:12: error: the file is not UTF-8 text (byte 0xe9)"]


def test_file_larger_than_limit_is_refused_before_parsing(tmp_path):
    big = b"# " + b"x" * MAX_FILE_BYTES + b"\nentries: []\n"
    _, problems = problems_of(tmp_path, {"big.yaml": big})
    assert problems == [f"big.yaml:1:1: error: the file is {len(big)} bytes; the limit is {MAX_FILE_BYTES} bytes"]


@pytest.mark.parametrize("name, data, message", [
    ("deep.yaml", b"entries: " + b"[" * 5000 + b"]" * 5000, "the file nests deeper than 24 levels"),
    ("laughs.yaml", b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                    + b"".join(b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n"
                               % ((98 + i,) * 2 + (97 + i,) * 10) for i in range(8)),
     "the file expands to more than 200000 values (aliases used to blow it up?)"),
    ("python.yaml", b"entries: !!python/object/apply:os.system ['echo hi']\n",
     "the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed; use plain values"),
    ("scalar.yaml", b"just a string\n", "the file must be a mapping with an 'entries:' list at the top"),
])
def test_hostile_files_are_refused_quickly_with_a_clear_message(tmp_path, name, data, message):
    started = time.perf_counter()
    result = load_sources([Source(name, data)])
    elapsed = time.perf_counter() - started
    assert result.kb is None
    assert [p.message.format(**p.params) for p in result.errors] == [message]
    assert elapsed < 1.0


def test_a_broken_file_never_yields_a_partial_knowledge_base(tmp_path):
    files = dict(MINIMAL_KB)
    files["zz.yaml"] = "entries:\n  - id: only\n"
    result, problems = problems_of(tmp_path, files)
    assert result.kb is None
    assert problems == ["zz.yaml:2:5: error: the entry 'only' has no 'questions'",
                        "zz.yaml:2:5: error: the entry 'only' has no 'answer'"]


def test_problems_are_translated(tmp_path, catalogs):
    _, _ = problems_of(tmp_path, {"x.yaml": "entries: 5\n"})
    result = load_directory(tmp_path / "kb")
    (problem,) = result.errors
    english = problem.render(catalogs.for_language("en"))
    korean = problem.render(catalogs.for_language("ko"))
    assert english == "x.yaml:1:10: error: 'entries' must be a list"
    assert korean.startswith("x.yaml:1:10: ") and korean != english


def test_missing_directory(tmp_path):
    result = load_directory(tmp_path / "nope")
    assert result.kb is None
    assert [p.message for p in result.errors] == ["the knowledge directory does not exist"]


def test_the_documented_event_example_is_valid_with_the_bundled_base(tmp_path):
    import shutil

    from bot.config import BUNDLED_KNOWLEDGE_DIR
    target = tmp_path / "kb"
    shutil.copytree(BUNDLED_KNOWLEDGE_DIR, target)
    shutil.copy(target / "_events.example.yaml", target / "example.yaml")
    result = load_directory(target, strict=True)
    assert result.problems == []
    (event,) = [e for e in result.kb.events if e.id == "startup-seminar-example"]
    assert not event.all_day and str(event.start) == "2027-03-10 09:00:00+07:00"
    assert [str(r) for r in event.reminders] == ["7 days, 0:00:00", "1 day, 0:00:00", "1:00:00"]


def test_event_validation_reports_bad_dates_zones_languages_and_reminders(tmp_path):
    _, problems = problems_of(tmp_path, {"ev.yaml": """
        events:
          - id: bad-event
            title: {id: "Acara", en: "Event"}
            start: 2026-13-45
            timezone: Mars/Olympus
            reminders: [7d, soon, 0h]
          - id: all-day
            title: {id: "a", ko: "b", en: "c"}
            start: 2026-12-01
            end: 2026-11-30
            timezone: Asia/Seoul
            reminders: [1h]
    """})
    assert problems == [
        "ev.yaml:3:12: warning: the title of the event 'bad-event' is not translated into: ko",
        "ev.yaml:4:12: error: the start of the event 'bad-event' must be a date (2023-07-07) or a date and time "
        "(2026-12-01 09:00)",
        "ev.yaml:5:15: error: the event 'bad-event' needs a known 'timezone' such as Asia/Jakarta or Asia/Seoul "
        "(got 'Mars/Olympus')",
        "ev.yaml:6:21: error: the reminder 'soon' must be a number of days, hours, or minutes before the start, such "
        "as 7d, 1d, 1h, or 30m",
        "ev.yaml:6:27: error: the reminder '0h' must be a number of days, hours, or minutes before the start, such "
        "as 7d, 1d, 1h, or 30m",
        "ev.yaml:10:10: error: the event 'all-day' ends before it starts",
        "ev.yaml:12:17: error: the event 'all-day' lasts whole days, so its reminders must be whole days (such as "
        "1d); '1h' is not",
    ]
