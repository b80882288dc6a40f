"""The console conversation (`python -m bot chat`) with a real SQLite store."""

from __future__ import annotations

from bot.cli.console import CONSOLE_USER, Conversation
from bot.store import Store


def test_a_numbered_pick_is_answered_in_the_language_the_list_was_shown_in(engine, tmp_path):
    store = Store(tmp_path)
    try:
        conversation = Conversation(engine, "en", store)    # an English session
        shown = conversation.handle("investasi")          # an Indonesian "did you mean"
        assert "Mungkin maksud Anda" in shown
        first = conversation.offered[0].entry_id
        picked = conversation.handle("1")
        assert picked.startswith(engine.answer_by_id(first, "id").text)
        assert not picked.startswith(engine.answer_by_id(first, "en").text)
    finally:
        store.close()


def test_a_chosen_language_wins_over_the_remembered_one_and_is_remembered(engine, tmp_path):
    store = Store(tmp_path)
    try:
        store.set_user_language(CONSOLE_USER, "ko")
        assert Conversation(engine, "en", store).lang == "ko"              # remembered
        assert Conversation(engine, "id", store, chosen=True).lang == "id"  # --lang id
        assert store.user_language(CONSOLE_USER) == "id"
    finally:
        store.close()


def test_an_out_of_range_number_or_an_unknown_command_is_a_hint_not_a_question(engine, tmp_path):
    store = Store(tmp_path)
    try:
        conversation = Conversation(engine, "id", store)
        conversation.handle("investasi")
        assert "1" in conversation.handle("9") and "Ketik angka" in conversation.handle("9")
        assert "/help" in conversation.handle("/foo")
        assert store.unanswered_rows(0) == []
    finally:
        store.close()
