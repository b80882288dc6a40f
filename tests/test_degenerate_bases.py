"""Knowledge bases that give the engine little to work with: it must still build (index and
calibrate) and answer its own phrasings, and say at file:line which phrasings no question can reach."""

from __future__ import annotations

import json

import pytest

from bot import LANGUAGES
from bot.engine.answer import build_engine
from bot.knowledge.loader import load_directory
from tests.conftest import write_kb

ANSWERS = {"id": "Jawaban {id}.", "ko": "{id} 답변입니다.", "en": "Answer {id}."}


def base(*entries: tuple[str, dict[str, list[str]]]) -> str:
    """A file declaring exactly the languages its entries use."""
    languages = sorted({lang for _id, questions in entries for lang in questions})
    lines = [f"languages: [{', '.join(languages)}]", "entries:"]
    for entry_id, questions in entries:
        lines += [f"  - id: {entry_id}", "    questions:"]
        lines += [f"      {lang}: {json.dumps(texts, ensure_ascii=False)}" for lang, texts in questions.items()]
        lines += ["    answer:"]
        lines += [f"      {lang}: {json.dumps(ANSWERS[lang].format(id=entry_id))}" for lang in questions]
    return "\n".join(lines) + "\n"


KITB = {"id": ["Berapa luas KITB?", "luas kitb brp"], "ko": ["KITB 면적은 얼마인가요?"], "en": ["How big is KITB?"]}
MOU = {"id": ["Kapan MoU ditandatangani?"], "ko": ["MoU는 언제 체결됐나요?"], "en": ["When was the MoU signed?"]}

ANSWERABLE = {
    "one entry": [("area", KITB)],
    "one entry, one phrasing (no near miss to calibrate on)": [("area", {"en": ["How big is KITB?"]})],
    "one language only, Korean": [("area", {"ko": KITB["ko"]}), ("mou", {"ko": MOU["ko"]})],
    "one language only, Indonesian": [("area", {"id": KITB["id"]}), ("mou", {"id": MOU["id"]})],
    "phrasings of grammar words only": [("what", {"en": ["what is the", "is it"]}), ("area", {"en": KITB["en"]})],
    "only grammar words in the whole base": [("what", {"en": ["what is the"]}), ("it", {"en": ["is it the"]})],
    "only numbers": [("year", {"en": ["2023"]}), ("area", {"en": ["4300"]})],
}


@pytest.mark.parametrize("entries", ANSWERABLE.values(), ids=list(ANSWERABLE))
def test_a_thin_base_builds_and_answers_its_own_phrasings(tmp_path, catalogs, entries):
    result = load_directory(write_kb(tmp_path / "kb", {"kb.yaml": base(*entries)}))
    assert result.kb is not None, [p.render() for p in result.errors]
    engine, problems = build_engine(result, catalogs)
    assert engine is not None, [p.render() for p in problems]
    for entry_id, questions in entries:
        for lang, texts in questions.items():
            for text in texts:
                reply = engine.ask(text)
                assert (reply.kind, reply.entry_id) == ("answer", entry_id), (text, reply)
                assert reply.text == ANSWERS[reply.lang].format(id=entry_id) or reply.lang not in questions
    for text in ("", "ㅋㅋ", "\U0001F600", "What is the weather in London?", "1" * 4000):
        assert engine.ask(text).lang in LANGUAGES
        assert all(r.kind == "answer" for r in engine.suggestions(text))


@pytest.mark.parametrize("questions", [KITB, {"en": KITB["en"]}], ids=["three languages", "one phrasing"])
def test_two_entries_with_the_same_phrasings_never_pick_one_and_are_flagged(tmp_path, catalogs, questions):
    result = load_directory(write_kb(tmp_path / "kb", {"kb.yaml": base(("area", questions), ("size", questions))}))
    engine, problems = build_engine(result, catalogs)
    assert engine is not None
    for text in questions["en"]:
        reply = engine.ask(text)
        # The calibration sees each entry as the other's perfect near miss, so a refusal is as
        # honest as a "did you mean"; picking one of the two would be a coin toss.
        assert reply.kind in ("clarify", "fallback"), reply
        assert {c.entry_id for c in reply.choices} <= {"area", "size"}
    assert any("too alike" in p.message and p.file == "kb.yaml" and p.line > 1 for p in problems)


@pytest.mark.parametrize("noise", [["\U0001F600\U0001F600", "\U0001F44D"], ["???", "!!!"], ["ㅋㅋㅋ", "ㅠㅠ"]],
                         ids=["emoji", "punctuation", "Korean chat noise"])
@pytest.mark.parametrize("alone", [True, False], ids=["the only entry", "next to another"])
def test_phrasings_with_no_word_are_flagged_at_their_line_and_the_engine_still_builds(tmp_path, catalogs, noise,
                                                                                     alone):
    entries = [("noise", {"en": noise})] + ([] if alone else [("area", {"en": KITB["en"]})])
    text = base(*entries)
    result = load_directory(write_kb(tmp_path / "kb", {"kb.yaml": text}))
    engine, problems = build_engine(result, catalogs)
    assert engine is not None, [p.render() for p in problems]
    flagged = [p for p in problems if "no word to match" in p.message]
    lines = text.splitlines()
    assert [p.params["text"] for p in flagged] == noise
    assert all(p.warning and noise[0] in lines[p.line - 1] for p in flagged)
    assert engine.ask(noise[0]).kind in ("clarify", "fallback")      # unreachable: never a wrong answer
    if not alone:
        assert engine.ask("How big is KITB?").entry_id == "area"
    assert build_engine(result, catalogs, strict=True)[0] is None    # `kb check --strict` refuses it
