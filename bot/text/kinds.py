"""Kinds of question: what a question asks for. A date, a clock time, a place, a person, a reason, a
figure (and, finer, an amount of money or a duration), a list, a phone number, an address, an
email address, a website.

Question words and the nouns that name such details in Indonesian, Korean and English: a general
language resource, not a knowledge base's vocabulary. They are read on normalized tokens
(`bot.text.normalize.Analyzer.tokens`), single words and pairs of adjacent words ('what time',
'jam berapa', '몇 시' → 얼마 시), so ranking never sees them differently.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

from bot.text.normalize import normalize_word

KINDS = ("who", "when", "time", "where", "why", "quantity", "amount", "duration", "list", "phone", "address",
         "email", "website")

# Written as people type them; normalized per language below (stemmed, particles stripped).
_WORDS = {
    "who": "who whom whose siapa 누구 누가",
    "when": "when kapan 언제",
    "where": "where dimana 어디 어디서 어디에 어디에서",
    "why": "why kenapa mengapa 왜",
    "quantity": "berapa 얼마 몇",
    "amount": "price prices cost costs fee fees budget trillion billion million dollar dollars harga biaya ongkos "
              "tarif anggaran triliun miliar juta rupiah 가격 비용 금액 요금 예산",
    "duration": "duration durasi 기간",
    "list": "list 목록 명단 리스트",       # not Indonesian 'daftar': it is also 'to register'

    "phone": "phone telephone telepon telpon telp tlp whatsapp 전화 전화번호 연락처",
    "address": "address alamat 주소",
    "email": "email surel 이메일",
    "website": "website situs homepage 웹사이트 홈페이지",
}
_PAIRS = {
    "time": ["what time", "jam berapa", "pukul berapa", "몇 시"],
    "duration": ["how long", "berapa lama", "몇 시간", "얼마나 오래"],
    "quantity": ["how many", "how much"],
    "phone": ["phone number", "nomor hp", "no hp", "nomor wa", "no wa", "no telp", "no tlp", "no telepon",
              "nomor telp", "nomor telepon", "no kontak", "nomor kontak"],
    "email": ["email address", "alamat email"],
}
# A finer kind, and the kind an entry answering it must at least hold ('what time' → when).
PARENT = {"time": "when", "amount": "quantity", "duration": "quantity"}
# The question word that asks a coarser kind, per language: what is left of 'what time was it signed'
# once the clock time is set aside is 'when was it signed'.
PARENT_WORDS = {"when": {"id": "kapan", "en": "when", "ko": "언제"},
                "quantity": {"id": "berapa", "en": "how many", "ko": "얼마"}}
# Kinds whose absence a reply can name ("the report gives no phone number"); a reason cannot.
DETAILS = tuple(kind for kind in KINDS if kind != "why")


@lru_cache(maxsize=None)
def word_kinds() -> dict[str, str]:
    """Normalized word → the kind of question it asks (every language's normalization)."""
    found: dict[str, str] = {}
    for kind, words in _WORDS.items():
        for word in words.split():
            for lang in ("id", "en", "ko"):
                for form in normalize_word(word, lang):
                    found.setdefault(form, kind)
    return found


@lru_cache(maxsize=None)
def pair_kinds() -> dict[tuple[str, str], str]:
    """(normalized word, next normalized word) → the kind the two ask together."""
    found: dict[tuple[str, str], str] = {}
    for kind, phrases in _PAIRS.items():
        for phrase in phrases:
            first, second = phrase.split(" ")
            for lang in ("id", "en", "ko"):
                for a in normalize_word(first, lang) or (first,):
                    for b in normalize_word(second, lang) or (second,):
                        found.setdefault((a, b), kind)
    return found


def kinds_of(tokens: Sequence[str], extra: dict[str, str] | None = None) -> frozenset[str]:
    """The kinds a sequence of normalized tokens asks. `extra`: more single words (a knowledge
    base's synonym groups whose spellings all ask one kind, '@when')."""
    words = word_kinds()
    pairs = pair_kinds()
    found = {words[t] for t in tokens if t in words}
    if extra:
        found.update(extra[t] for t in tokens if t in extra)
    found.update(pairs[pair] for pair in zip(tokens, tokens[1:]) if pair in pairs)
    return frozenset(found)


def with_parents(kinds: Iterable[str]) -> frozenset[str]:
    """The kinds and the coarser kinds they imply ('time' also asks 'when')."""
    kinds = set(kinds)
    return frozenset(kinds | {PARENT[k] for k in kinds if k in PARENT})
