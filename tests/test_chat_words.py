"""Chat forms of Indonesian, Korean and English: what they normalize to, that they never break a
name or synonym of the base, and that chatty questions in each language reach the right entry."""

from __future__ import annotations

import pytest

from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.engine.answer import Engine
from bot.knowledge.loader import load_directory
from bot.text.normalize import ABBREVIATIONS, Analyzer, fold, stem_indonesian, strip_korean


@pytest.mark.parametrize("text, lang, tokens", [
    # Indonesian chat spellings of question words and small words
    ("bbrp", "id", ["beberapa"]),
    ("brpa", "id", ["berapa"]),
    ("knapa napa kenape", "id", ["kenapa"] * 3),
    ("gmana bgmana gimane", "id", ["bagaimana"] * 3),
    ("bnr bener", "id", ["benar"] * 2),
    ("trs trus", "id", ["terus"] * 2),
    ("sm ama", "id", ["sama"] * 2),                   # not sma: also SMA (high school)
    ("ntar", "id", ["nanti"]),
    ("tau", "id", ["tahu"]),
    ("pake", "id", ["pakai"]),
    ("gk kagak tak", "id", ["tidak"] * 3),
    ("dmn2", "id", ["dimana", "dimana"]),
    ("kyknya", "id", ["kayak"]),
    ("gede", "id", ["besar"]),
    # fillers vanish: 'emg' is 'memang', 'cuma'/'cuman'/'doang' are 'only'
    ("emg cuma cuman doang kan", "id", []),
    # question openers vanish whole
    ("kak mau nanya, kapan", "id", ["kapan"]),
    ("numpang tanya dong, kapan", "id", ["kapan"]),
    # English chat
    ("wat wut wht", "en", ["what"] * 3),
    ("wen whn", "en", ["when"] * 2),
    ("whr wher", "en", ["where"] * 2),
    ("abt", "en", ["about"]),
    ("coz cuz bcoz", "en", ["because"] * 3),
    ("govt", "en", ["government"]),
    ("doesnt", "en", ["does", "not"]),
    ("tho", "en", []),
    ("quick question: when", "en", ["when"]),
    # Korean chat: question words, fillers, chat endings
    ("머야 뭐임 뭔데 머", "ko", ["무엇"] * 4),
    ("어케 어캐", "ko", ["어떻게"] * 2),
    ("왜케", "ko", ["왜"]),
    ("누군데", "ko", ["누구"]),
    ("얼만데 몇개", "ko", ["얼마"] * 2),
    ("언제임", "ko", ["언제"]),
    ("체결했음", "ko", ["체결"]),
    ("설명해여", "ko", ["설명"]),
    ("넘 짱 대박", "ko", []),
    ("궁금한 게 있어요 언제", "ko", ["언제"]),
])
def test_chat_forms_normalize_to_their_plain_word(text, lang, tokens):
    assert Analyzer().tokens(text, lang) == tokens


@pytest.mark.parametrize("word", ["lg", "tp", "cm", "hw", "gov", "y", "bc", "cos", "bout", "cud", "dah", "gua",
                                  "start", "cluster", "kayak", "cant", "wont"])
def test_ambiguous_chat_forms_are_left_alone(word):
    """Each has another meaning in one of the three languages (LG, Chungbuk TP, centimetre,
    homework, government or governor, 'ya', cosine, a fight, cud, a goodbye, a cave, start
    operating, 'technopark cluster', a boat, jargon, habit): expanding it would be wrong as often
    as right."""
    assert word not in ABBREVIATIONS
    assert Analyzer().tokens(word, "en") == Analyzer().tokens(word, "id") == [word]


def test_every_spelling_of_a_name_or_synonym_still_finds_it():
    """Chat expansion runs before names and synonym groups are matched, so an abbreviation key that
    is also a word of a name ('tp' in 'Chungbuk TP', 'lg' in 'LG Energy Solution') or of a synonym
    ('start' in 'start up') would hide it."""
    kb = load_directory(BUNDLED_KNOWLEDGE_DIR).kb
    groups = [(name.key, name.spellings()) for name in kb.names.values()] + list(kb.synonyms.items())
    analyzer = Analyzer(groups)
    owners: dict[str, set[str]] = {}
    for key, forms in groups:
        for form in forms:
            owners.setdefault(fold(form), set()).add(key)
    missed = [(key, form, lang, analyzer.tokens(form, lang))
              for key, forms in groups for form in forms for lang in ("id", "en", "ko")
              if not {f"@{owner}" for owner in owners[fold(form)]} & set(analyzer.tokens(form, lang))]
    assert not missed


@pytest.mark.parametrize("chat, formal", [
    ("jelasin", "jelaskan"),
    ("dijelasin", "dijelaskan"),
    ("ceritain", "ceritakan"),
    ("ngembangin", "mengembangkan"),
    ("ngerjain", "mengerjakan"),
    ("nyaksiin", "menyaksikan"),
    ("ngebahas", "membahas"),
    ("nyiapin", "menyiapkan"),
    ("ditandatanganin", "ditandatangani"),
])
def test_indonesian_chat_affixes_stem_like_the_formal_ones(chat, formal):
    assert stem_indonesian(chat) == stem_indonesian(formal)


@pytest.mark.parametrize("word", ["ngapain", "pengen", "permisi", "metode", "media", "mesin", "penting"])
def test_indonesian_roots_that_look_prefixed_stay_whole(word):
    assert stem_indonesian(word) == word


def test_korean_one_syllable_chat_ending_leaves_a_two_syllable_word():
    """'-임' and '-여' are chat endings, but a noun of two syllables keeps its last one (모임, 참여)."""
    assert strip_korean("모임") == "모임" and strip_korean("참여") == "참여"
    assert strip_korean("언제여") == "언제" and strip_korean("단지임") == "단지"


def test_korean_goodbye_in_jamo_is_not_a_greeting():
    analyzer = Analyzer([("hello", ["안녕", "hello"]), ("bye", ["안녕히", "bye"])])
    assert analyzer.tokens("ㅂㅂ", "ko") == analyzer.tokens("ㅃㅃ", "ko") == ["@bye"]
    assert analyzer.tokens("ㅎㅇ", "ko") == ["@hello"]


@pytest.mark.parametrize("question, entry", [
    # Indonesian chat
    ("kpan mou kitb diteken?", "mou-date"),
    ("knapa mou ini penting bgt?", "mou-significance"),
    ("bbrp hektar luas kitb", "kitb-area"),
    ("gmana cara kerja chungbuk tp", "ctp-how"),
    ("emg kitb didukung pemerintah?", "kitb-government"),
    ("bnr gk fase 1 siap 2024", "kitb-phase1-ready"),
    ("trs yg jd saksi mou sp aja", "mou-witnesses"),
    ("kak mau nanya, mou kitb ditandatangani kapan ya", "mou-date"),
    ("kitb itu gede gak", "kitb-area"),
    ("kitb skrg lg ngembangin apa", "kitb-cluster1"),
    ("siapa aja yg nyaksiin penandatanganan", "mou-witnesses"),
    ("seminarnya ngebahas apa aja", "mou-seminars"),
    ("chungbuk tp itu apaan", "ctp-what"),
    ("napa kitb kerjasama sm chungbuk tp", "mou-purpose"),
    # English chat
    ("wat is kitb", "kitb-what"),
    ("wen was the mou signed", "mou-date"),
    ("whn did they sign the mou", "mou-date"),
    ("info abt chungbuk technopark pls", "ctp-what"),
    ("wut does ctp do", "ctp-work"),
    ("how big is kitb tho", "kitb-area"),
    ("is kitb govt backed", "kitb-government"),
    ("is chungbuk gonna invest in kitb", "chungbuk-investment"),
    ("wat is the technopark cluster", "technopark-cluster"),
    ("when can tenants start using phase 1", "kitb-phase1-ready"),
    # Korean chat
    ("KITB 머야", "kitb-what"),
    ("KITB 뭐임", "kitb-what"),
    ("KITB 뭐예여", "kitb-what"),
    ("MoU 언제임", "mou-date"),
    ("KITB 면적 얼마임", "kitb-area"),
    ("입회인 누구임", "mou-witnesses"),
    ("MoU 체결 언제했음", "mou-date"),
    ("MoU 왜케 중요해", "mou-significance"),
    ("위라완 누군데", "ngurah-wirawan"),
    ("충북TP 어케 일함", "ctp-how"),
    ("1단계 넓이 얼만데", "kitb-phase1"),
    ("김영환 뭐라 했음", "kim-statement"),
])
def test_chatty_questions_reach_the_right_entry(engine: Engine, question, entry):
    """The right entry comes first, and is what the reply shows first: the answer, or the first
    choice of a "did you mean"."""
    reply = engine.ask(question)
    assert reply.candidates[0].entry_id == entry, reply
    assert (reply.kind == "answer" and reply.entry_id == entry) or \
        (reply.kind == "clarify" and reply.choices[0].entry_id == entry), reply


def test_chatty_test_questions_are_not_phrasings_of_the_base():
    """The questions above are written differently from every phrasing of the base: they pass by
    normalization (chat words, affixes, endings), not because the base holds them."""
    kb = load_directory(BUNDLED_KNOWLEDGE_DIR).kb
    phrasings = {fold(text) for e in kb.entries for texts in e.questions.values() for text in texts}
    marks = test_chatty_questions_reach_the_right_entry.pytestmark     # type: ignore[attr-defined]
    questions = [q for mark in marks if mark.name == "parametrize" for q, _ in mark.args[1]]
    assert len(questions) >= 30
    assert not [q for q in questions if fold(q) in phrasings]
