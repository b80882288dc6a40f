"""The engine on the bundled knowledge base: right entry, right language, honest refusals."""

from __future__ import annotations

import pytest

from bot.engine.answer import Engine


@pytest.mark.parametrize("question, lang, entry, must_contain", [
    ("Berapa luas KITB?", "id", "kitb-area", "4.300"),
    ("luas kitb brp", "id", "kitb-area", "4.300"),
    ("KITB 면적은 얼마인가요?", "ko", "kitb-area", "4,300"),
    ("kitb면적", "ko", "kitb-area", "4,300"),
    ("how big is kitb", "en", "kitb-area", "4,300"),
    ("Kapan MoU ditandatangani?", "id", "mou-date", "7 Juli 2023"),
    ("MoU는 언제 체결됐나요?", "ko", "mou-date", "2023년 7월 7일"),
    ("when was the mou signed", "en", "mou-date", "July 7, 2023"),
    ("MoU signing 장소가 어디예요?", "ko", "mou-venue", "그라디카"),
    ("dimana penandatanganan mou nya?", "id", "mou-venue", "Gradika Bhakti Praja"),
    ("who witnessed the signing", "en", "mou-witnesses", "Kim Young-hwan"),
    ("서명식 참관인은 누구였나요?", "ko", "mou-witnesses", "김영환"),
])
def test_answers_in_the_language_of_the_question_with_the_fact(engine: Engine, question, lang, entry, must_contain):
    reply = engine.ask(question)
    assert (reply.kind, reply.entry_id, reply.lang) == ("answer", entry, lang)
    assert must_contain in reply.text


@pytest.mark.parametrize("question, entry", [
    ("면젹이 얼마예요 KITB", "kitb-area"),            # one wrong vowel (jamo-level typo)
    ("luas kawasan industri terpadu batang brp", "kitb-area"),
    ("how big is grand batang city", "kitb-area"),
    ("where did they sign the MoU", "mou-venue"),
    ("chungheongbuk-do governor who", "kim-young-hwan"),
])
def test_typos_slang_and_name_variants(engine, question, entry):
    """The right entry comes first: answered, or the first choice of a "did you mean" when the
    calibrated rule is not sure enough (a typo weighs less than the exact word)."""
    reply = engine.ask(question)
    assert reply.candidates[0].entry_id == entry, reply
    assert (reply.kind == "answer" and reply.entry_id == entry) or \
        (reply.kind == "clarify" and reply.choices[0].entry_id == entry), reply


def test_korean_question_matching_english_wording_still_gets_korean(engine):
    reply = engine.ask("KITB area 얼마예요")
    assert reply.lang == "ko"
    assert reply.entry_id == "kitb-area" and "헥타르" in reply.text


@pytest.mark.parametrize("question, lang", [
    ("Siapa presiden Amerika?", "id"),
    ("비트코인 가격 알려줘", "ko"),
    ("resep nasi goreng yang enak", "id"),
    ("how is the weather in seoul today", "en"),
])
def test_off_topic_questions_are_refused_in_their_language(engine, question, lang):
    reply = engine.ask(question)
    assert reply.kind == "fallback", reply
    assert reply.lang == lang
    assert reply.entry_id is None and reply.examples


@pytest.mark.parametrize("question, entry, lang", [
    ("halo", "greeting", "id"), ("안녕하세요", "greeting", "ko"), ("hi", "greeting", "en"),
    ("makasih", "thanks", "id"), ("고마워요", "thanks", "ko"), ("thank you", "thanks", "en"),
    ("kamu siapa", "bot-who", "id"), ("너 누구야", "bot-who", "ko"), ("who are you", "bot-who", "en"),
])
def test_small_talk_in_the_language_it_was_written_in(engine, question, entry, lang):
    reply = engine.ask(question)
    assert (reply.kind, reply.entry_id, reply.lang) == ("answer", entry, lang)


def test_close_call_offers_two_or_three_choices_in_the_askers_language(engine):
    reply = engine.ask("investasi")       # three entries speak of investment
    assert reply.kind == "clarify" and reply.lang == "id"
    assert 2 <= len(reply.choices) <= 3
    assert {c.entry_id for c in reply.choices} <= {"cluster-investment", "chungbuk-investment", "lg-energy",
                                                   "kim-statement"}
    assert all(c.text in engine.kb.by_id[c.entry_id].questions["id"] for c in reply.choices)
    assert reply.entry_id is None


def test_unclear_language_falls_back_to_the_askers_preference(engine):
    assert engine.ask("kitb", preferred="ko").lang == "ko"
    assert engine.ask("kitb", preferred="id").lang == "id"


def test_forced_language_wins(engine):
    reply = engine.ask("Berapa luas KITB?", lang="en")
    assert reply.lang == "en" and "hectares" in reply.text


def test_answers_offer_related_follow_ups(engine, bundled_kb):
    reply = engine.ask("berapa luas kitb")
    assert reply.related
    assert all(choice.entry_id in bundled_kb.by_id for choice in reply.related)
    assert all(choice.text in bundled_kb.by_id[choice.entry_id].questions["id"] for choice in reply.related)
