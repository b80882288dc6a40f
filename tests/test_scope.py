"""What an entry can answer (`bot.engine.scope`): a kind of question none of the entry's phrasings asks
caps the reply at "did you mean", in every language, and calibration judges it honestly."""

from __future__ import annotations

import pytest

from bot.engine.answer import build_engine
from bot.engine.retrieval import LeaveOut
from bot.knowledge.loader import load_directory
from tests.conftest import write_kb
from tests.test_degenerate_bases import base

SEMINARS = {"id": ["Seminar apa saja yang direncanakan?", "topik seminar MoU apa", "isi seminar kerja sama"],
            "ko": ["어떤 세미나가 계획되어 있나요?", "MoU 세미나 주제가 뭐예요", "세미나 내용이 뭐예요"],
            "en": ["What seminars are planned?", "what topics will the mou seminars cover", "seminar content"]}
SIGNING = {"id": ["Kapan MoU ditandatangani?", "tanggal tanda tangan MoU", "MoU diteken kapan"],
           "ko": ["MoU는 언제 체결됐나요?", "MoU 체결 날짜", "MoU 언제 서명했어요"],
           "en": ["When was the MoU signed?", "mou signing date", "when did they sign the mou"]}
TENANTS = {"id": ["Berapa jumlah tenant KITB?", "jumlah perusahaan di kitb", "ada berapa tenant"],
           "ko": ["KITB 입주 기업은 몇 개예요?", "입주 기업 수", "기업이 몇 개 있어요"],
           "en": ["How many tenants does KITB have?", "number of companies in kitb", "tenant count"]}


@pytest.fixture(scope="module")
def engine(tmp_path_factory, catalogs):
    directory = write_kb(tmp_path_factory.mktemp("scope"), {
        "kb.yaml": base(("seminars", SEMINARS), ("signing", SIGNING), ("tenants", TENANTS))})
    engine, problems = build_engine(load_directory(directory), catalogs)
    assert engine is not None, problems
    return engine


def kinds_of(engine, text: str, lang: str) -> frozenset[str]:
    return engine.scope.question_kinds(engine.index.terms(text, lang))


def test_each_entry_is_asked_the_kinds_of_question_its_phrasings_ask(engine):
    kinds = {e.id: engine.scope.held_kinds(i) for i, e in enumerate(engine.kb.entries)}
    assert kinds == {"seminars": frozenset(), "signing": {"when"}, "tenants": {"quantity"}}


@pytest.mark.parametrize("question, lang, kinds", [
    ("When are the seminars?", "en", {"when"}),
    ("kapan seminarnya?", "id", {"when"}),
    ("세미나는 언제예요?", "ko", {"when"}),
    ("how many seminars are there", "en", {"quantity"}),
    ("berapa seminar", "id", {"quantity"}),
    ("세미나 몇 개예요", "ko", {"quantity"}),
    ("who runs the seminars", "en", {"who"}),
    ("siapa pembicara seminar", "id", {"who"}),
    ("세미나 발표자는 누구예요", "ko", {"who"}),
    ("where are the seminars", "en", {"where"}),
    ("seminarnya di mana", "id", {"where"}),
    ("왜 세미나를 해요", "ko", {"why"}),
    ("what seminars are planned", "en", set()),
    ("thank you very much", "en", set()),       # 'much' without 'how' asks for no amount
    ("bagaimana seminarnya", "id", set()),      # 'how' alone asks for anything
])
def test_question_words_say_what_kind_of_fact_is_asked(engine, question, lang, kinds):
    assert kinds_of(engine, question, lang) == kinds


@pytest.mark.parametrize("question", [
    "When are the seminars?", "when will the mou seminars take place",
    "kapan seminarnya?", "seminar MoU kapan diadakan",
    "세미나는 언제예요?", "MoU 세미나 언제 열려요",
])
def test_a_kind_of_question_the_entry_is_never_asked_is_not_answered_by_it(engine, question):
    seminars = [e.id for e in engine.kb.entries].index("seminars")
    lang = "ko" if not question.isascii() else "id" if "kapan" in question else "en"
    assert not engine.scope.answerable(seminars, engine.index.terms(question, lang))
    reply = engine.ask(question)
    assert "seminars" in [c.entry_id for c in reply.candidates]
    assert not (reply.kind == "answer" and reply.entry_id == "seminars")


@pytest.mark.parametrize("question", [
    "What seminars are planned?", "seminar apa saja yang direncanakan", "어떤 세미나가 계획되어 있나요?",
    "When was the MoU signed?", "kapan mou ditandatangani", "MoU는 언제 체결됐나요?",
    "How many tenants does KITB have?", "berapa jumlah tenant kitb", "KITB 입주 기업은 몇 개예요?",
])
def test_the_kinds_an_entry_is_asked_still_reach_it(engine, question):
    entry = engine.ask(question).candidates[0].entry_id
    assert engine.scope.answerable(engine.kb.entries.index(engine.kb.by_id[entry]),
                                   engine.index.terms(question, "en" if question.isascii() else "ko"))


def test_calibration_judges_the_kind_without_the_phrasings_it_leaves_out(engine):
    """Asked as if its 'when' phrasings were missing, the signing entry is no longer asked 'when':
    the calibration sample must not be answerable thanks to the very phrasing it left out."""
    entry = [e.id for e in engine.kb.entries].index("signing")
    when = [p for p in engine.index.entry_phrasings[entry]
            if "when" in engine.scope.kinds(engine.index.words[t] for t in engine.index.phrasings[p].words)]
    terms = engine.index.terms("when was the mou signed", "en")
    assert engine.scope.answerable(entry, terms)
    assert not engine.scope.answerable(entry, terms, LeaveOut(entry, frozenset(when)))


def test_a_synonym_group_of_question_words_counts_as_its_kind(tmp_path, catalogs):
    text = base(("signing", SIGNING), ("seminars", SEMINARS)) + "synonyms:\n  kapan: [kapan, when, 언제]\n"
    engine, problems = build_engine(load_directory(write_kb(tmp_path / "kb", {"kb.yaml": text})), catalogs)
    assert engine is not None, problems
    assert engine.scope.kind_of["@kapan"] == "when"
    assert kinds_of(engine, "when are the seminars", "en") == {"when"}
    assert engine.ask("kapan seminarnya?").kind != "answer"


def test_every_did_you_mean_choice_is_one_the_rule_offers(engine):
    for question in ["seminar", "mou", "kitb", "세미나", "tenant", "When are the seminars?"]:
        reply = engine.ask(question)
        if reply.kind != "clarify":
            continue
        best = reply.candidates[0].score
        shown = {c.entry_id for c in reply.choices}
        for ranked in reply.candidates[1:]:
            assert (ranked.entry_id in shown) == engine.rule.offers(best, ranked.score), (question, ranked)


# Indonesian 'mana' alone asks "which" ('industri mana', 'pihak mana'); only 'di mana' (and chat 'dmn')
# asks where. Read as 'dimana', every "which X" question was capped at "did you mean" by the kind rule.
@pytest.mark.parametrize("question, lang, kinds", [
    ("industri mana saja yang didukung", "id", set()),
    ("tenant dari sektor mana yang dipilih", "id", set()),
    ("which industries are supported", "en", set()),
    ("어느 산업을 지원해요", "ko", set()),
    ("seminarnya di mana", "id", {"where"}),
    ("seminar dmn", "id", {"where"}),
    ("where are the seminars", "en", {"where"}),
    ("세미나는 어디서 해요", "ko", {"where"}),
])
def test_which_is_not_where(engine, question, lang, kinds):
    assert kinds_of(engine, question, lang) == kinds


@pytest.fixture(scope="module")
def bundled_engine(bundled, catalogs):
    from bot.engine.answer import Engine
    return Engine(bundled.kb, catalogs)


@pytest.mark.parametrize("question, lang, expected", [
    ("industri mana saja yang dikembangkan chungbuk technopark", "id", "ctp-industries"),
    ("sektor mana yg didorong chungbuk tp", "id", "ctp-industries"),
    ("which industries does chungbuk technopark develop", "en", "ctp-industries"),
    ("충북테크노파크는 어느 산업을 육성해요?", "ko", "ctp-industries"),
    ("tenant dari industri mana yg dipilih kitb", "id", "kitb-tenants"),
    ("which industries can move into kitb", "en", "kitb-tenants"),
    ("어느 업종이 KITB에 입주해요?", "ko", "kitb-tenants"),
])
def test_a_which_question_reaches_the_entry_that_answers_it(bundled_engine, question, lang, expected):
    """The entry ranked first is the right one and nothing in the question is out of its scope, so
    the kind rule does not stop the reply at "did you mean"."""
    reply = bundled_engine.ask(question)
    assert reply.candidates[0].entry_id == expected
    entry = [e.id for e in bundled_engine.kb.entries].index(expected)
    assert bundled_engine.scope.answerable(entry, bundled_engine.index.terms(question, lang))


# The question particle -kah must leave the question word (and its kind) intact: stemmed alone,
# 'dimanakah' became 'mana' (no kind, and no match with 'dimana'/'where'/'어디').
@pytest.mark.parametrize("question, kinds", [
    ("dimanakah seminarnya", {"where"}),
    ("kapankah seminarnya", {"when"}),
    ("siapakah pembicara seminar", {"who"}),
    ("berapakah seminar yang ada", {"quantity"}),
    ("mengapakah ada seminar", {"why"}),
    ("kenapakah ada seminar", {"why"}),
    ("bagaimanakah seminarnya", set()),
])
def test_the_question_particle_kah_keeps_the_kind(engine, question, kinds):
    assert kinds_of(engine, question, "id") == kinds


@pytest.mark.parametrize("question, lang, expected", [
    ("dimanakah mou ditandatangani", "id", "mou-venue"),
    ("where was the mou signed", "en", "mou-venue"),
    ("MoU는 어디서 체결됐나요", "ko", "mou-venue"),
    ("berapakah luas kitb", "id", "kitb-area"),
    ("mengapakah mou ini penting", "id", "mou-significance"),
])
def test_a_question_word_with_kah_finds_the_same_entry_as_without(bundled_engine, question, lang, expected):
    reply = bundled_engine.ask(question)
    assert reply.candidates[0].entry_id == expected
    plain = bundled_engine.ask(question.replace("kah ", " ", 1)) if lang == "id" else reply
    assert plain.candidates[0].entry_id == expected
    entry = [e.id for e in bundled_engine.kb.entries].index(expected)
    assert bundled_engine.scope.answerable(entry, bundled_engine.index.terms(question, lang))
