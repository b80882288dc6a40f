"""Any text into the engine gives an answer, a "did you mean" or a fallback: never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import LANGUAGES

WORDS = st.sampled_from(["kitb", "luas", "brp", "면적은", "언제", "mou", "who", "signed", "충북", "Chungbuk",
                         "@kitb", "{kitb_area_ha}", "¿", "\u200b", "ㅎㅇ", "\U0001F600", "  ", "-", "4.300"])


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=12).map(" ".join)),
       lang=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
       preferred=st.one_of(st.none(), st.sampled_from(LANGUAGES + ("fr",))))
def test_any_text_gives_a_reply(engine, text, lang, preferred):
    reply = engine.ask(text, lang=lang, preferred=preferred)
    assert reply.kind in ("answer", "clarify", "fallback")
    assert reply.lang in LANGUAGES
    assert reply.text
    if reply.kind == "answer":
        assert reply.entry_id is not None
    if reply.kind == "clarify":
        assert 1 <= len(reply.choices) <= 3


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1000, max_size=5000))
def test_very_long_text_is_handled(engine, text):
    assert engine.ask(text).kind in ("answer", "clarify", "fallback")
