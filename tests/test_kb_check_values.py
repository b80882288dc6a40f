"""`kb check` catches values that YAML 1.1 reads differently from what the author wrote."""

from __future__ import annotations

import textwrap
import unicodedata

import pytest

from bot.knowledge.loader import Source, load_sources
from tests.conftest import MINIMAL_KB

TEXT_SECTIONS = {
    # section: a file with {v} where a text belongs, and the line of {v} (1-based)
    "answer id": ("""
        entries:
          - id: extra
            questions: {{id: ["apa ekstra"], ko: ["추가 질문"], en: ["extra question"]}}
            answer:
              id: {v}
              ko: "추가 답변입니다."
              en: "An extra answer."
    """, 5),
    "answer ko": ("""
        entries:
          - id: extra
            questions: {{id: ["apa ekstra"], ko: ["추가 질문"], en: ["extra question"]}}
            answer:
              id: "Jawaban ekstra."
              ko: {v}
              en: "An extra answer."
    """, 6),
    "answer en": ("""
        entries:
          - id: extra
            questions: {{id: ["apa ekstra"], ko: ["추가 질문"], en: ["extra question"]}}
            answer:
              id: "Jawaban ekstra."
              ko: "추가 답변입니다."
              en: {v}
    """, 7),
    "question in a list": ("""
        entries:
          - id: extra
            questions:
              id:
                - "apa ekstra"
                - {v}
              ko: ["추가 질문"]
              en: ["extra question"]
            answer: {{id: "Jawaban.", ko: "답변입니다.", en: "Answer."}}
    """, 6),
    "question alone": ("""
        entries:
          - id: extra
            questions:
              id: ["apa ekstra"]
              ko: ["추가 질문"]
              en: {v}
            answer: {{id: "Jawaban.", ko: "답변입니다.", en: "Answer."}}
    """, 6),
    "name": ("""
        names:
          bus:
            id: {v}
            ko: "버스"
            en: "bus"
    """, 3),
    "alias": ("""
        names:
          bus:
            id: "bus"
            ko: "버스"
            en: "bus"
            aliases:
              - "bis"
              - {v}
    """, 8),
    "synonym": ("""
        synonyms:
          canteen:
            - kantin
            - {v}
    """, 4),
    "topic": ("""
        topics:
          extra:
            id: {v}
            ko: "추가"
            en: "Extra"
    """, 3),
    "event title": ("""
        events:
          - id: seminar
            title:
              id: "Seminar"
              ko: "세미나"
              en: {v}
            start: 2027-03-10
            timezone: Asia/Jakarta
    """, 6),
}


def check(extra: str, strict: bool = False):
    sources = [Source("core.yaml", textwrap.dedent(MINIMAL_KB["core.yaml"]).lstrip().encode()),
               Source("extra.yaml", textwrap.dedent(extra).lstrip("\n").encode())]
    result = load_sources(sources, strict=strict)
    return result, [p.render() for p in result.problems]


# -- facts: the schema wants a number, a date or a year ------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("1:30", "error: the fact 'x': 1:30 is read as the base-60 number 90 (1:30 = 90); write the number you mean "
             "without ':'"),
    ("190:20:30", "error: the fact 'x': 190:20:30 is read as the base-60 number 685230"),
    ("4.300", "error: the fact 'x': 4.300 is read as 4.3; if the dot separates thousands, write 4300; if it is a "
              "decimal, write {number: 4.300}"),
    ("1.500", "error: the fact 'x': 1.500 is read as 1.5; if the dot separates thousands, write 1500"),
    ("0777", "error: the fact 'x': 0777 is read as the octal number 511 because of its leading 0"),
    ("0x1F", "error: the fact 'x': 0x1F is read as the hexadecimal or binary number 31"),
    ("0b101", "error: the fact 'x': 0b101 is read as the hexadecimal or binary number 5"),
    ("1_000", "warning: the fact 'x': 1_000 is read as 1000 (YAML ignores '_'); write 1000"),
    (".inf", "error: the fact 'x': .inf is not a finite number"),
    ("-.inf", "error: the fact 'x': -.inf is not a finite number"),
    (".nan", "error: the fact 'x': .nan is not a finite number"),
    ("~", "error: the fact 'x' has no value; a fact must be a number (4300 or 4.3), a date (2023-07-07) or "
          "{year: 2024}"),
    ("null", "error: the fact 'x' has no value"),
    ("", "error: the fact 'x' has no value"),
    ("yes", "error: the fact 'x': yes is read as the yes/no value true; a fact must be a number"),
    ("off", "error: the fact 'x': off is read as the yes/no value false"),
    ("4,300", "error: the fact 'x': write 4,300 without thousands separators, as 4300"),
    ("1.234.567", "error: the fact 'x': write 1.234.567 without thousands separators, as 1234567"),
    ("4,3", "error: the fact 'x': write the decimal 4,3 with a dot, as 4.3"),
    ('"4300"', "error: the fact 'x' is '4300' in quotes, which makes it a text; remove the quotes"),
    ("'2023-07-07'", "error: the fact 'x' is '2023-07-07' in quotes, which makes it a text; remove the quotes"),
    ("2023-7-7", "error: the fact 'x': write the date 2023-7-7 as year-month-day with two digits each"),
    ("07/07/2023", "error: the fact 'x': write the date 07/07/2023 as year-month-day"),
    ("2023-07-07 10:00:00", "error: the fact 'x' has a time; write a date such as 2023-07-07"),
    ("2026", "warning: the fact 'x' is 2026, which looks like a year and would be shown as 2,026; write "
             "{year: 2026} for a year, or {number: 2026} for an amount"),
    ("{year: '2024'}", "error: the fact 'x': {year: ...} needs a whole number such as 2024"),
    ("{year: 1:30}", "error: the fact 'x': 1:30 is read as the base-60 number 90"),
    ("{number: 0777}", "error: the fact 'x': 0777 is read as the octal number 511"),
])
def test_a_fact_whose_text_yaml_reads_otherwise_is_flagged_at_its_line(value, expected):
    result, problems = check(f"facts:\n  ok: 1\n  x: {value}\n")
    assert len(problems) == 1, problems
    assert problems[0].startswith("extra.yaml:3:"), problems
    assert expected in problems[0]
    assert (result.kb is None) == ("error:" in expected)


@pytest.mark.parametrize("value, kind, shown", [
    ("4300", "number", {"id": "4.300", "en": "4,300", "ko": "4,300"}),
    ("4.3", "number", {"id": "4,3", "en": "4.3", "ko": "4.3"}),
    ("4.30", "number", {"id": "4,3", "en": "4.3", "ko": "4.3"}),
    ("-12", "number", {"id": "-12", "en": "-12", "ko": "-12"}),
    ("{number: 2026}", "number", {"id": "2.026", "en": "2,026", "ko": "2,026"}),
    ("{number: 4.300}", "number", {"id": "4,3", "en": "4.3", "ko": "4.3"}),
    ("{year: 2026}", "year", {"id": "2026", "en": "2026", "ko": "2026"}),
    ("999", "number", {"id": "999", "en": "999", "ko": "999"}),
    ("3000", "number", {"id": "3.000", "en": "3,000", "ko": "3,000"}),
])
def test_plain_and_confirmed_numbers_load_cleanly_and_render_per_language(value, kind, shown):
    result, problems = check(f"facts:\n  x: {value}\n")
    assert problems == []
    fact = result.kb.facts["x"]
    assert fact.kind == kind
    assert {lang: fact.format(lang) for lang in shown} == shown


@pytest.mark.parametrize("name", ["bus_year", "year", "phase2_ready_year"])
def test_a_fact_named_as_a_year_is_a_year_and_never_grouped(name):
    result, problems = check(f"facts:\n  {name}: 2026\n")
    assert problems == []
    assert result.kb.facts[name].kind == "year"
    assert {lang: result.kb.facts[name].format(lang) for lang in ("id", "ko", "en")} == \
        {"id": "2026", "ko": "2026", "en": "2026"}


@pytest.mark.parametrize("value, message", [
    ("4.5", "the fact 'bus_year' is named as a year, so it must be a whole number such as 2024 (got 4.5)"),
    ("2026-01-01", "the fact 'bus_year' is named as a year but holds the date 2026-01-01; write the year alone"),
])
def test_a_year_fact_that_is_no_year_is_an_error(value, message):
    result, problems = check(f"facts:\n  bus_year: {value}\n")
    assert result.kb is None
    assert len(problems) == 1 and problems[0].startswith(f"extra.yaml:2:13: error: {message}")


def test_the_issue_examples_never_reach_an_answer():
    result, problems = check("""
        facts:
          bus_count: 1:30
          kitb_area_ha2: 4.300
          bus_total: 2026
    """)
    assert result.kb is None
    assert [p.split(": ", 2)[:2] for p in problems] == [
        ["extra.yaml:2:14", "error"], ["extra.yaml:3:18", "error"], ["extra.yaml:4:14", "warning"]]


# -- texts: the schema wants a text --------------------------------------------------------------------------
@pytest.mark.parametrize("section", TEXT_SECTIONS)
@pytest.mark.parametrize("value, read_as", [
    ("2024", "2024 is read as the number 2024, not as text; put it in quotes: \"2024\""),
    ("4.300", "4.300 is read as the number 4.3, not as text"),
    ("1:30", "1:30 is read as the number 90, not as text"),
    ("0777", "0777 is read as the number 511, not as text"),
    ("yes", "yes is read as the yes/no value true, not as text; put it in quotes: \"yes\""),
    ("No", "No is read as the yes/no value false, not as text"),
    ("on", "on is read as the yes/no value true, not as text"),
    ("OFF", "OFF is read as the yes/no value false, not as text"),
    ("true", "true is read as the yes/no value true, not as text"),
    ("2023-07-07", "2023-07-07 is read as the date 2023-07-07, not as text"),
    ("~", "~ is read as an empty value (null), not as text"),
    ("null", "null is read as an empty value (null), not as text"),
])
def test_a_value_yaml_reads_as_no_text_where_a_text_belongs_is_an_error(section, value, read_as):
    template, line = TEXT_SECTIONS[section]
    result, problems = check(template.format(v=value))
    assert result.kb is None
    mine = [p for p in problems if read_as in p]
    assert mine == problems and len(mine) == 1, problems      # said once, in the words of its cause
    assert mine[0].startswith(f"extra.yaml:{line}:") and ": error: " in mine[0]


@pytest.mark.parametrize("section", TEXT_SECTIONS)
@pytest.mark.parametrize("value", ['"2024"', "'yes'", '"on"', "y", "n", "Yes please", "2024 ok", "kitb 4.300"])
def test_quoted_or_unambiguous_texts_are_fine(section, value):
    template, _ = TEXT_SECTIONS[section]
    result, problems = check(template.format(v=value))
    assert problems == [] and result.kb is not None


@pytest.mark.parametrize("section", TEXT_SECTIONS)
def test_a_text_cut_by_a_comment_is_a_warning_and_an_error_with_strict(section):
    template, line = TEXT_SECTIONS[section]
    result, problems = check(template.format(v="KITB has bus #5 and bus #6"))
    assert result.kb is not None
    assert problems == [f"extra.yaml:{line}:{problems[0].split(':')[2]}: warning: the text 'KITB has bus' ends where "
                        "'#5 and bus #6' begins: ' #' starts a comment in YAML; if it belongs to the text, put the "
                        "whole text in quotes"]
    strict, strict_problems = check(template.format(v="KITB has bus #5 and bus #6"), strict=True)
    assert strict.kb is None and strict_problems == [problems[0].replace("warning", "error")]


@pytest.mark.parametrize("value", ['"KITB has bus #5 and bus #6"', "'KITB punya bus #5'", "KITB has bus#5",
                                   "버스 #5번은 없습니다 \"quoted\"".replace(" #", "#")])
def test_a_hash_inside_quotes_or_a_word_is_text(value):
    template, _ = TEXT_SECTIONS["answer en"]
    result, problems = check(template.format(v=value))
    assert problems == []
    assert "#" in result.kb.by_id["extra"].answer["en"]


def test_a_block_text_keeps_its_hash_and_a_comment_after_a_quoted_text_is_fine():
    result, problems = check("""
        entries:
          - id: extra
            questions: {id: ["apa ekstra"], ko: ["추가 질문"], en: ["extra question"]}   # a real comment
            answer:
              id: |
                KITB punya bus #5 dan bus #6.
              ko: "KITB에는 5번 버스와 6번 버스가 있습니다."   # quoted, then a comment
              en: >
                KITB has bus #5 and bus #6.
    """)
    assert problems == []
    assert result.kb.by_id["extra"].answer["id"] == "KITB punya bus #5 dan bus #6.\n"


def test_a_comment_inside_a_list_of_phrasings_cuts_the_list_and_says_so():
    _, problems = check("""
        entries:
          - id: extra
            questions: {id: [apa ekstra, bus #5 ada], ko: ["추가 질문"], en: ["extra question"]}
            answer: {id: "Jawaban.", ko: "답변입니다.", en: "Answer."}
    """)
    assert problems == ["extra.yaml:3:38: error: ' #' starts a comment, which cuts this line short, closing bracket "
                        "included; put the text with '#' in quotes"]


# -- keys and ids --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra, expected", [
    ("facts:\n  on: 5\n", "extra.yaml:2:3: error: on is read as the yes/no value true, not as text; put it in "
                          "quotes: \"on\""),
    ("synonyms:\n  yes: [ya, iya]\n", "extra.yaml:2:3: error: yes is read as the yes/no value true"),
    ("entries:\n  - id: 2024\n    questions: {id: [a], ko: [b], en: [c]}\n    answer: {id: a, ko: b, en: c}\n",
     "extra.yaml:2:9: error: 2024 is read as the number 2024, not as text"),
    ("entries:\n  - id: yes\n    questions: {id: [a], ko: [b], en: [c]}\n    answer: {id: a, ko: b, en: c}\n",
     "extra.yaml:2:9: error: yes is read as the yes/no value true"),
    ("entries:\n  - id: x\n    topic: on\n    questions: {id: [a], ko: [b], en: [c]}\n    answer: {id: a, ko: b, "
     "en: c}\n", "extra.yaml:3:12: error: on is read as the yes/no value true"),
    ("entries:\n  - id: x\n    related: [kitb-area, 2024]\n    questions: {id: [a], ko: [b], en: [c]}\n    answer: "
     "{id: a, ko: b, en: c}\n", "extra.yaml:3:26: error: 2024 is read as the number 2024"),
    ("events:\n  - id: on\n    title: {id: a, ko: b, en: c}\n    start: 2027-01-01\n    timezone: Asia/Jakarta\n",
     "extra.yaml:2:9: error: on is read as the yes/no value true"),
])
def test_keys_ids_and_references_that_yaml_retypes_are_errors(extra, expected):
    result, problems = check(extra)
    assert result.kb is None
    assert expected in "\n".join(problems), problems


# -- syntax the author did not mean --------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("entries:\n\t- id: x\n", "extra.yaml:2:1: error: a tab is used for indentation; YAML indents with spaces only"),
    ("names:\n  bus:\n    id: bis\n\tko: 버스\n", "extra.yaml:4:1: error: a tab is used for indentation"),
    ("names:\n  bus:\n  \tid: bis\n", "extra.yaml:3:3: error: a tab is used for indentation"),
    ("base: &base {id: a, ko: b, en: c}\ntopics:\n  x:\n    <<: *base\n",
     "extra.yaml:4:5: error: '<<' (merging another mapping in) is not supported; write the keys out"),
    ("entries:\n  - id: x\n    answer:\n      en: Note: KITB is big\n",
     "extra.yaml:4:15: error: ': ' inside a text without quotes starts a new key; put the whole text in quotes"),
    ("entries:\n  - id: x\n    answer:\n      en: @kitb is big\n",
     "extra.yaml:4:11: error: a text cannot start with @ unless it is in quotes"),
    ("entries:\n  - id: x\n    answer:\n      en: =\n", "extra.yaml:4:11: error: a lone '=' is a special YAML value"),
])
def test_syntax_errors_say_what_the_author_did(text, expected):
    result, problems = check(text)
    assert result.kb is None
    assert problems == [expected] or problems[0].startswith(expected), problems


# -- Unicode normalization -----------------------------------------------------------------------------------
def test_text_saved_decomposed_is_served_composed():
    nfd = unicodedata.normalize("NFD", """
        names:
          seoul_cafe:
            id: Kafe Seoul Café
            ko: 서울 카페
            en: Seoul Café
            aliases: [카페 서울, Café Séoul]
        entries:
          - id: seoul-cafe
            questions:
              id: ["Di mana kafé Seoul?"]
              ko: ["서울 카페는 어디에 있나요?"]
              en: ["Where is the Seoul café?"]
            answer:
              id: "{seoul_cafe} ada di Cheongju."
              ko: "{seoul_cafe}는 청주에 있습니다."
              en: "{seoul_cafe} is in Cheongju — naïve résumé."
    """)
    assert "\u1109" in nfd and "e\u0301" in nfd          # really decomposed: jamo and combining accents
    result, problems = check(nfd)
    assert problems == []
    kb = result.kb
    entry = kb.by_id["seoul-cafe"]
    for lang in ("id", "ko", "en"):
        text = kb.answer_text(entry, lang)
        assert text == unicodedata.normalize("NFC", text)
        assert entry.questions[lang][0] == unicodedata.normalize("NFC", entry.questions[lang][0])
    assert kb.answer_text(entry, "ko") == "서울 카페는 청주에 있습니다."
    assert kb.answer_text(entry, "en") == "Seoul Café is in Cheongju — naïve résumé."
    assert kb.names["seoul_cafe"].aliases == ("카페 서울", "Café Séoul")


def test_a_decomposed_and_a_composed_key_are_the_same_key():
    text = "topics:\n  x: {id: a, ko: b, en: c}\nentries: []\n"
    twice = "facts:\n  caf\u00e9: 1\n  cafe\u0301: 2\n"
    result, problems = check(text + twice.replace("facts:", "facts:"))
    assert result.kb is None
    assert any("appears twice" in p for p in problems), problems
