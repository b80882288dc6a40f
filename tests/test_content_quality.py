"""Editorial rules for the bundled knowledge base and catalogs: what a careful editor checks by hand.

The first phrasing of an entry is what users see as a suggestion (did-you-mean buttons, related
questions, topic lists, inline results), so it is held to the standard of an answer. Answers are
held to one register per language, to names written as the base's display names, and to dated
statements for whatever can age.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import LANGUAGES
from bot.config import BUNDLED_LOCALES_DIR
from bot.knowledge.model import Fact

# Small talk that is not a question: the first phrasing ends with "!" instead of "?".
NOT_QUESTIONS = {"greeting", "thanks", "goodbye"}

# Chat forms that belong in later phrasings, never in the one shown as a suggestion.
INDONESIAN_CHAT = {"brp", "yg", "gmn", "gimana", "kpn", "dmn", "dgn", "tdk", "gak", "ga", "nggak", "aja", "sih",
                   "dong", "ttg", "kyk", "tgl", "udah", "skrg", "krn", "utk", "dlm", "dirut", "wagub", "pemprov",
                   "jateng", "emang", "bener", "apaan", "ngapain", "jelasin", "ceritain", "kak", "min", "kamu", "aku"}
# A polite Korean question or exclamation ends in -요, -니까 or -니다 (누구세요?, 무엇인가요?, 감사합니다!).
KOREAN_POLITE_END = re.compile(r"(요|니까|니다)[?!]$")
# Proper names that contain another name's spelling ("Technopark" in "Klaster Technopark"; PT KITB is
# the company, named so in the article).
OTHER_PROPER_TERMS = ("Klaster Technopark", "Technopark Cluster", "테크노파크 클러스터", "PT KITB")

_LATIN = "A-Za-z0-9"


def _first_phrasings(kb):
    for entry in kb.entries:
        for lang in LANGUAGES:
            yield entry, lang, entry.questions[lang][0]


def _display_forms(name) -> set[str]:
    """How answers write a name, and the parts a suggestion may use: the short form in brackets, the
    long form without it, and the English form without its leading article."""
    forms = set()
    for lang, text in name.display.items():
        forms.add(text)
        if lang == "id":
            forms.add(f"Provinsi {text}")   # "Pemerintah Provinsi Jawa Tengah"
        bare = re.sub(r"^the ", "", text)
        forms.add(bare)
        inner = re.search(r"\(([^)]*)\)$", bare)
        if inner:
            forms.add(inner.group(1))
            forms.add(bare[:inner.start()].strip())
    if name.key == "chungbuk":
        forms |= {"충북", "충북도"}   # Korean short forms after the first mention (충북도: its government)
    return forms


def _spans(pattern: str, text: str, flags: int = 0) -> list[tuple[int, int]]:
    latin = not re.search(r"[\uac00-\ud7a3]", pattern)
    regex = re.escape(pattern)
    if latin:
        regex = rf"(?<![{_LATIN}]){regex}(?![{_LATIN}])"
    return [m.span() for m in re.finditer(regex, text, flags)]


def misspelt_names(text: str, names) -> list[str]:
    """Spellings in `text` that are aliases rather than the display name (any case: "kitb", "Jateng",
    "Kim Young Hwan"), unless they are part of a correctly written name ("Technopark" inside
    "Chungbuk Technopark")."""
    allowed = set(OTHER_PROPER_TERMS)
    for name in names.values():
        allowed |= _display_forms(name)
    good = [span for form in allowed for span in _spans(form, text)]
    found = []
    for name in names.values():
        for spelling in name.spellings():
            for start, end in _spans(spelling, text, re.IGNORECASE):
                if not any(s <= start and end <= e for s, e in good):
                    found.append(text[start:end])
    return sorted(set(found))


def test_the_first_phrasing_of_every_entry_is_a_polished_suggestion(bundled_kb):
    problems = []
    for entry, lang, text in _first_phrasings(bundled_kb):
        end = "!" if entry.kind == "smalltalk" and entry.id in NOT_QUESTIONS else "?"
        if not text.endswith(end):
            problems.append((entry.id, lang, text, f"does not end with {end!r}"))
        if text[0].islower():
            problems.append((entry.id, lang, text, "starts in lowercase"))
        if lang == "ko" and not KOREAN_POLITE_END.search(text):
            problems.append((entry.id, lang, text, "not a polite Korean ending"))
        if lang == "id":
            chat = INDONESIAN_CHAT & set(re.findall(r"[a-z]+", text.lower()))
            if chat:
                problems.append((entry.id, lang, text, f"chat forms {sorted(chat)}"))
        wrong = misspelt_names(text, bundled_kb.names)
        if wrong:
            problems.append((entry.id, lang, text, f"names not spelt as in the answers: {wrong}"))
    assert problems == []


@pytest.mark.parametrize("text, wrong", [
    ("Berapa luas kitb?", ["kitb"]),
    ("Apa arti MoU ini bagi Pemprov Jateng?", ["Jateng", "Pemprov Jateng"]),
    ("Siapa Kim Young Hwan?", ["Kim", "Kim Young Hwan"]),
    ("Apa itu Chungbuk TP?", ["Chungbuk TP"]),
    ("Apa itu Chungbuk Technopark?", []),
    ("Apa itu Klaster Technopark?", []),
    ("김영환 충청북도지사는 누구인가요?", []),
    ("바탕산업단지는 어디에 있나요?", ["바탕산업단지"]),
    ("중부자바주와 충북은 어떤 관계인가요?", []),
    ("What is the Batang Integrated Industrial Estate?", []),
])
def test_the_name_rule_itself_tells_display_names_from_aliases(bundled_kb, text, wrong):
    assert misspelt_names(text, bundled_kb.names) == wrong


def test_answers_and_topics_spell_names_as_the_display_names(bundled_kb):
    texts = [(e.id, lang, bundled_kb.answer_text(e, lang)) for e in bundled_kb.entries for lang in LANGUAGES]
    texts += [(key, lang, title) for key, topic in bundled_kb.topics.items() for lang, title in topic.items()]
    wrong = [(where, lang, found) for where, lang, text in texts if (found := misspelt_names(text, bundled_kb.names))]
    assert wrong == []


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_answer_sentences_start_with_a_capital_in_latin_languages(bundled_kb):
    """Catches a display name that begins with an article ("the Batang ...") at the start of a sentence."""
    bad = [(e.id, lang, s) for e in bundled_kb.entries for lang in ("id", "en")
           for s in _sentences(bundled_kb.answer_text(e, lang)) if s[0].islower()]
    assert bad == []


def test_indonesian_answers_address_the_reader_as_anda(bundled_kb):
    bad = [(e.id, text) for e in bundled_kb.entries
           for text in [bundled_kb.answer_text(e, "id")]
           if re.search(r"\b(kamu|kau|aku|berita sumber)\b", text, re.IGNORECASE)]
    assert bad == []


BRITISH = re.compile(r"programme|organis|internationalis|maximis|favour|colour|centre|behaviour|labour", re.I)


def test_english_answers_and_topics_keep_one_spelling_convention(bundled_kb):
    """American spelling, as Babel's "en" already writes dates (July 7, 2023)."""
    texts = [bundled_kb.answer_text(e, "en") for e in bundled_kb.entries]
    texts += [topic["en"] for topic in bundled_kb.topics.values()]
    texts += [e.questions["en"][0] for e in bundled_kb.entries]
    assert [t for t in texts if BRITISH.search(t)] == []


FORMAL = re.compile(r"(니다|니까|십시오)[.!?]?$")
INFORMAL_POLITE = re.compile(r"요[.!?]?$")


def korean_levels(text: str) -> set[str]:
    """The politeness levels of the sentence endings in `text`: '합니다' and/or '해요'."""
    levels = set()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text.strip()):
        sentence = re.sub(r"[\s:)\]”’\"']+$", "", sentence)
        if FORMAL.search(sentence):
            levels.add("합니다")
        elif INFORMAL_POLITE.search(sentence):
            levels.add("해요")
    return levels


@pytest.mark.parametrize("text, levels", [
    ("MoU는 체결되었습니다. 기사에 나와 있지 않아요.", {"합니다", "해요"}),
    ("안녕하세요! 저는 Sahabat이에요.", {"해요"}),
    ("오류가 있습니다. 다시 불러오지 못했습니다.", {"합니다"}),
    ("다가오는 행사:", set()),
])
def test_korean_level_detection(text, levels):
    assert korean_levels(text) == levels


def test_every_korean_answer_is_formal(bundled_kb):
    """One speech level for everything the bot says (the project's decision): 합니다체, small talk included."""
    informal = [(e.id, bundled_kb.answer_text(e, "ko")) for e in bundled_kb.entries
                if korean_levels(bundled_kb.answer_text(e, "ko")) - {"합니다"}]
    assert informal == []


def test_korean_event_texts_are_formal(bundled_kb):
    texts = [(event.id, field, bundled_kb.render(texts["ko"], "ko")) for event in bundled_kb.events
             for field, texts in (("title", event.title), ("description", event.description), ("venue", event.venue))
             if "ko" in texts]
    assert texts and [t for t in texts if korean_levels(t[2]) - {"합니다"}] == []


def _catalog(lang: str):
    with open(Path(BUNDLED_LOCALES_DIR) / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def _own_lines(text: str) -> str:
    """A catalog string without its quoted examples (/announce lines, "ko: ..." sample texts)."""
    return "\n".join(line for line in text.splitlines() if not re.match(r"(/\w|(id|ko|en|at): )", line))


def test_every_korean_catalog_string_is_formal():
    """합니다체 in every interface text, for users and administrators alike; quoted examples (a user's
    question, an /announce sample) are not the bot speaking."""
    informal = [(m.id, m.string) for m in _catalog("ko") if m.id
                for text in ([m.string] if isinstance(m.string, str) else m.string)
                if korean_levels(_own_lines(_unquoted(text))) - {"합니다"}]
    assert informal == []


def _unquoted(text: str) -> str:
    """Without quoted examples and an example after "예:" (what the user would type)."""
    return re.sub(r"예: .*$", "", re.sub(r'"[^"]*"', '""', text), flags=re.MULTILINE)


def test_indonesian_catalog_addresses_the_reader_as_anda():
    bad = [m.string for m in _catalog("id") if m.id and isinstance(m.string, str)
           and re.search(r"\b(kamu|kau|aku)\b", m.string, re.IGNORECASE)]
    assert bad == []


# -- dating -----------------------------------------------------------------------------------------
AGING = ["kitb-phase1-ready", "kitb-cluster1", "kitb-tenants", "ngurah-wirawan", "taj-yasin", "kim-young-hwan",
         "cluster-investment", "chungbuk-investment", "kim-statement", "bot-source"]


@pytest.mark.parametrize("entry_id", AGING)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_what_can_age_is_dated_to_its_source(bundled_kb, entry_id, lang):
    text = bundled_kb.answer_text(bundled_kb.by_id[entry_id], lang)
    dates = (bundled_kb.facts["report_date"].format(lang, "month"), bundled_kb.facts["mou_date"].format(lang))
    assert any(date in text for date in dates), text


def test_the_report_date_is_shown_as_a_month_only(bundled_kb):
    """The article is undated: its month is known (it reports the signing of 7 July as news), its day is not."""
    for entry in bundled_kb.entries:
        for template in entry.answer.values():
            assert "{report_date}" not in template and "{report_date:" not in template.replace(
                "{report_date:month}", ""), entry.id


@pytest.mark.parametrize("question, lang, said", [
    ("kitb udah beroperasi belum", "id", "tidak menyebutkan apa yang terjadi sesudahnya"),
    ("is kitb operational yet", "en", "does not say what happened after that"),
    ("KITB 지금 가동 중이에요?", "ko", "기사에 나와 있지 않아"),
])
def test_is_kitb_operational_yet_gets_the_dated_target_and_its_limit(engine, bundled_kb, question, lang, said):
    reply = engine.ask(question)
    assert reply.entry_id == "kitb-phase1-ready" and reply.lang == lang
    assert bundled_kb.facts["report_date"].format(lang, "month") in reply.text
    assert bundled_kb.facts["phase1_ready_year"].format(lang) in reply.text
    assert said in reply.text


@pytest.mark.parametrize("question, lang, entry_id", [
    ("Who is the governor of Chungbuk", "en", "kim-young-hwan"),
    ("siapa gubernur chungbuk sekarang", "id", "kim-young-hwan"),
    ("충북지사가 누구예요?", "ko", "kim-young-hwan"),
    ("who is the vice governor of central java", "en", "taj-yasin"),
])
def test_officials_are_named_as_of_the_signing_not_as_of_today(engine, bundled_kb, question, lang, entry_id):
    reply = engine.ask(question)
    assert reply.entry_id == entry_id and reply.lang == lang
    assert bundled_kb.facts["mou_date"].format(lang) in reply.text
    assert not re.search(r"\b(is|adalah) the (Vice )?Governor\b|\badalah (Wakil )?Gubernur\b", reply.text)


def test_a_date_can_be_shown_as_its_month_and_year():
    fact = Fact("report_date", "date", dt.date(2023, 7, 7))
    assert "month" in fact.styles()
    assert [fact.format(lang, "month") for lang in ("id", "ko", "en")] == ["Juli 2023", "2023년 7월", "July 2023"]
