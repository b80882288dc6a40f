"""Content rules for the bundled knowledge base (not validation errors: rules for our own data)."""

from __future__ import annotations

from bot import LANGUAGES
from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.knowledge.loader import load_directory


def test_bundled_base_loads_without_warnings_even_when_strict():
    result = load_directory(BUNDLED_KNOWLEDGE_DIR, strict=True)
    assert result.kb is not None and result.problems == []


def test_at_least_40_entries_each_with_4_phrasings_per_language(bundled_kb):
    assert len(bundled_kb.entries) >= 40
    for entry in bundled_kb.entries:
        for lang in LANGUAGES:
            assert len(entry.questions[lang]) >= 4, (entry.id, lang)
            assert entry.answer[lang].strip(), (entry.id, lang)


def test_small_talk_is_covered(bundled_kb):
    smalltalk = {e.id for e in bundled_kb.entries if e.kind == "smalltalk"}
    assert {"greeting", "thanks", "bot-who", "bot-help"} <= smalltalk


def test_the_articles_facts_are_typed_once():
    facts = load_directory(BUNDLED_KNOWLEDGE_DIR).kb.facts
    assert facts["kitb_area_ha"].value == 4300
    assert facts["cluster1_area_ha"].value == 3100
    assert facts["phase1_area_ha"].value == 450
    assert facts["phase1_ready_year"].format("id") == "2024"
    assert facts["sister_province_years"].value == 19
    assert facts["mou_date"].format("ko", "weekday") == "금요일"


def test_numbers_in_answers_come_from_facts_not_literals(bundled_kb):
    for entry in bundled_kb.entries:
        for lang, template in entry.answer.items():
            for literal in ("4300", "4.300", "4,300", "3100", "3.100", "3,100", "2024", "2023"):
                assert literal not in template, (entry.id, lang, literal)


def test_names_are_written_the_same_way_in_every_answer(bundled_kb):
    for lang in LANGUAGES:
        texts = [bundled_kb.answer_text(e, lang) for e in bundled_kb.entries]
        if lang == "ko":
            assert not any("김영환" != name and name in text for text in texts for name in ("김영한", "김용환"))
        assert not any("Chungheongbuk" in text or "starup" in text for text in texts)
