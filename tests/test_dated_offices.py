"""`kb check` flags an answer or event text that gives someone's office without dating it.

Who held which office comes from the base itself (a name's `office:`, a synonym group of the
title's spellings); the date is a date fact in the same sentence or the language's word for "at that
time". Every case below is a small base written here, in each language, with the answer at a known line.
"""

from __future__ import annotations

import textwrap

import pytest

from bot.knowledge.loader import Source, load_sources

BASE = """
    facts:
      signed_on: 2023-07-07
      area_ha: 4300
    names:
      governor_lee:
        office: governor
        id: Lee Min-ho
        ko: 이민호
        en: Lee Min-ho
        aliases: []
      harbor:
        id: Pelabuhan Timur
        ko: 동부항
        en: East Harbor
        aliases: []
    synonyms:
      governor: [gubernur, governor, 지사, 도지사]
    entries:
      - id: who
        questions: {id: ["Siapa gubernurnya?"], ko: ["지사는 누구인가요?"], en: ["Who is the governor?"]}
        answer:
          id: "@id@"
          ko: "@ko@"
          en: "@en@"
"""
UNDATED = {"id": "Gubernur Pelabuhan Timur adalah Lee Min-ho.", "ko": "동부항 지사는 이민호입니다.",
           "en": "East Harbor's governor is Lee Min-ho."}


def base(answer: dict[str, str] | None = None, extra: str = "") -> list[Source]:
    """The base with the undated answers, or `answer`'s texts in their place."""
    text = textwrap.dedent(BASE)
    for lang, line in (UNDATED | (answer or {})).items():
        text = text.replace(f"@{lang}@", line)
    return [Source("base.yaml", (text + textwrap.dedent(extra)).encode())]


def office_problems(sources: list[Source], strict: bool = False):
    result = load_sources(sources, strict=strict)
    return [p for p in result.problems if "office" in p.message], result


def test_an_undated_office_is_a_warning_at_the_answers_line_in_every_language():
    problems, result = office_problems(base())
    assert result.kb is not None, "a warning still loads the base"
    assert [(p.line, p.params["lang"], p.warning) for p in problems] == [(23, "id", True), (24, "ko", True),
                                                                        (25, "en", True)]
    assert [p.params["words"] for p in problems] == ["'gubernur'", "'지사'", "'governor'"]


def test_strict_makes_it_an_error_and_the_base_is_not_loaded():
    problems, result = office_problems(base(), strict=True)
    assert problems and not any(p.warning for p in problems) and result.kb is None


@pytest.mark.parametrize("lang, dated", [
    ("id", "Lee Min-ho, yang saat itu menjabat Gubernur Pelabuhan Timur, hadir."),
    ("id", "Pada {signed_on}, Gubernur {harbor} adalah {governor_lee}."),
    ("ko", "당시 {harbor} 지사였던 {governor_lee}이 참석했습니다."),
    ("ko", "{signed_on} 체결식에는 {governor_lee} {harbor}지사가 참석했습니다."),
    ("en", "{governor_lee}, then Governor of {harbor}, attended."),
    ("en", "On {signed_on:full}, the governor of {harbor} was {governor_lee}."),
])
def test_a_date_or_the_languages_then_in_the_same_sentence_dates_the_office(lang, dated):
    problems, _result = office_problems(base({lang: dated}))
    assert lang not in [p.params["lang"] for p in problems]


@pytest.mark.parametrize("lang, undated", [
    ("id", "Pada {signed_on} ada penandatanganan. Gubernur {harbor} adalah {governor_lee}."),
    ("ko", "{signed_on}에 체결했습니다. {harbor}지사는 {governor_lee}입니다."),
    ("en", "The MoU was signed on {signed_on}. The governor of {harbor} is {governor_lee}."),
    ("en", "{governor_lee} is the Governor; the area is {area_ha} hectares."),
])
def test_a_date_in_another_sentence_or_a_number_does_not(lang, undated):
    problems, _result = office_problems(base({lang: undated}))
    assert lang in [p.params["lang"] for p in problems]


def test_an_office_word_inside_another_word_is_not_an_office():
    """'gubernatorial' is not 'governor', 'subgubernur' not 'gubernur' (Latin words are whole words)."""
    problems, _result = office_problems(base({"id": "Kantor subgubernur Pelabuhan Timur buka.",
                                              "en": "The gubernatorial race is open."}))
    assert [p.params["lang"] for p in problems] == ["ko"]


def test_event_texts_are_held_to_it_too():
    problems, _result = office_problems(base({"id": "Saat itu Gubernur hadir.", "ko": "당시 지사가 참석했습니다.",
                                              "en": "The then governor attended."}), strict=False)
    assert problems == []
    event = """
        events:
          - id: visit
            title: {id: "Kunjungan Gubernur", ko: "지사 방문", en: "The Governor's visit"}
            start: 2027-03-10
            timezone: Asia/Jakarta
    """
    problems, _result = office_problems(base({"id": "Saat itu Gubernur hadir.", "ko": "당시 지사가 참석했습니다.",
                                              "en": "The then governor attended."}, event))
    assert sorted((p.params["owner"], p.params["lang"]) for p in problems) == [("visit", "en"), ("visit", "id"),
                                                                               ("visit", "ko")]


def test_without_offices_in_the_base_nothing_is_checked():
    sources = [Source("base.yaml", base()[0].data.replace(b"    office: governor\n", b""))]
    problems, result = office_problems(sources, strict=True)
    assert problems == [] and result.kb is not None


def test_an_office_that_names_no_synonym_group_is_an_error():
    sources = [Source("base.yaml", base()[0].data.replace(b"office: governor", b"office: mayor"))]
    problems, result = office_problems(sources)
    assert result.kb is None
    assert [(p.line, p.warning, p.params["office"]) for p in problems] == [(7, False, "mayor")]


def test_the_bundled_base_dates_every_office(bundled_kb):
    """Its three office holders have an office each, and every answer naming one passes the check."""
    assert {name.key: name.office for name in bundled_kb.names.values() if name.office} == {
        "kim_young_hwan": "governor", "taj_yasin": "vice_governor", "ngurah_wirawan": "director"}
