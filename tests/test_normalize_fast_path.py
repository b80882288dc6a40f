"""The word-by-word folding of simple texts (letters, digits, spaces, Hangul syllables) gives
exactly the tokens, and name spellings, of folding the whole text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.knowledge.loader import load_directory
from bot.text import normalize
from bot.text.normalize import Analyzer

# Words where folding does something: laughter (which leaves a space), elongation, Indonesian
# reduplication, abbreviations, '-nya', Korean elongation and particles, Latin glued to Hangul,
# names and synonyms of the bundled base.
WORDS = st.sampled_from([
    "haha", "HAHAHA", "wkwkwk", "xyz2haha", "haha2", "12haha34", "lol", "halooo", "hiii", "masing2", "Abc2",
    "2", "yg", "kpn", "brp", "luasnya", "Luasnya", "kitb", "KITB가", "mou언제", "언제예요오오", "하하하", "크크",
    "충북", "테크노파크", "충북테크노파크", "면적은", "Chungbuk", "chungbok", "jawa", "tengah", "what", "the",
    "signed", "ditandatangani", "kapan", "dimana", "MoU", "1", "2023", "",
])
TEXTS = st.lists(st.tuples(WORDS, st.sampled_from([" ", "  ", "   "])), max_size=10).map(
    lambda pairs: "".join(word + space for word, space in pairs))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    kb = load_directory(BUNDLED_KNOWLEDGE_DIR).kb
    assert kb is not None
    return Analyzer([(name.key, name.spellings()) for name in kb.names.values()] + list(kb.synonyms.items()))


def _whole_text(analyzer: Analyzer, text: str, lang: str) -> tuple[list[str], list[str]]:
    surfaces: list[str] = []
    fast, normalize._simple_folded = normalize._simple_folded, lambda text: None
    try:
        return analyzer.tokens(text, lang, surfaces), surfaces
    finally:
        normalize._simple_folded = fast


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(TEXTS, TEXTS.map(lambda t: " " + t), TEXTS.map(str.upper)),
       lang=st.sampled_from(["id", "ko", "en"]))
def test_word_by_word_folding_is_the_whole_texts(analyzer: Analyzer, text: str, lang: str) -> None:
    surfaces: list[str] = []
    assert normalize._SIMPLE_TEXT.fullmatch(text)
    assert (analyzer.tokens(text, lang, surfaces), surfaces) == _whole_text(analyzer, text, lang)


@pytest.mark.parametrize("text", ["haha kitb", "kitb haha", "haha", "  luasnya   KITB가 ", "masing2 hiii wkwk"])
def test_examples_in_three_languages(analyzer: Analyzer, text: str) -> None:
    for lang in ("id", "ko", "en"):
        surfaces: list[str] = []
        assert (analyzer.tokens(text, lang, surfaces), surfaces) == _whole_text(analyzer, text, lang)
