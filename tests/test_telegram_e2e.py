"""End-to-end: the real Application and unmodified python-telegram-bot over real HTTP to the fake
Bot API server on 127.0.0.1."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store import DATABASE_NAME
from tests.fake_telegram import BOT_USERNAME
from tests.telegram_harness import ask, eventually, running_bot

GROUP = -100555


@pytest.fixture
async def bot(server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data") as app:
        yield app


@pytest.mark.parametrize("question, language_code, expected", [
    ("Berapa luas KITB?", "id", "4.300 hektare"),
    ("KITB 면적은 얼마인가요?", "ko", "4,300헥타르"),
    ("How big is KITB?", "en", "4,300 hectares"),
])
async def test_private_question_answered_in_its_language(server, bot, question, language_code, expected):
    # The Telegram language deliberately differs: the question's language wins.
    call = await ask(server, question, language_code="en" if language_code != "en" else "ko")
    assert expected in call.text
    assert call.params["parse_mode"] == "HTML"
    assert call.buttons(), "answers carry follow-up buttons"


async def test_user_text_is_escaped_in_html(server, bot):
    call = await ask(server, "<b>kitb</b> & <script>")
    assert "<script>" not in call.params["text"]


async def test_did_you_mean_buttons_and_pressing_one(server, bot, bundled_kb):
    call = await ask(server, "investment", language_code="id")
    buttons = call.buttons()
    assert 2 <= len(buttons) <= 3, call.params
    assert all(b["callback_data"].startswith("a1:") for b in buttons)
    mark = server.mark()
    server.push_callback_query(buttons[0]["callback_data"], chat_id=501, user_id=501)
    answered = await server.wait_for("answerCallbackQuery", since=mark)
    assert answered.params["callback_query_id"]
    follow_up = await server.wait_for("sendMessage", since=mark)
    lang, entry_id = buttons[0]["callback_data"].split(":", 2)[1:]
    assert lang == "en"
    assert follow_up.text == bundled_kb.answer_text(bundled_kb.by_id[entry_id], "en")


async def test_fallback_is_localized_and_logged(server, bot, tmp_path):
    call = await ask(server, "Siapa presiden Amerika?", language_code="id")
    assert "Maaf" in call.text
    assert any(b["callback_data"].startswith("t1:") for b in call.buttons())
    rows = await eventually(lambda: sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT text, lang, chat_type, best_score FROM unanswered").fetchall())
    assert rows and rows[0][:3] == ("Siapa presiden Amerika?", "id", "private")


@pytest.mark.parametrize("language_code, needle", [("id", "Halo"), ("ko", "안녕하십니까"), ("en", "Hello"),
                                                   ("fr", "Hello"), (None, "Hello")])
async def test_start_greets_in_the_telegram_language(server, bot, language_code, needle):
    call = await ask(server, "/start", language_code=language_code, user_id=600 + len(needle))
    assert needle in call.text
    assert any(b["callback_data"].startswith("t1:") for b in call.buttons())


async def test_start_deep_link_opens_a_topic(server, bot):
    call = await ask(server, "/start kitb", language_code="en")
    assert all(b["callback_data"].startswith("a1:en:kitb") for b in call.buttons())


async def test_topics_browse(server, bot):
    call = await ask(server, "/topics", language_code="ko")
    topic = call.buttons()[0]["callback_data"]
    mark = server.mark()
    server.push_callback_query(topic, chat_id=501, user_id=501)
    listing = await server.wait_for("sendMessage", since=mark)
    assert listing.buttons() and all(b["callback_data"].startswith("a1:ko:") for b in listing.buttons())


async def test_help(server, bot):
    call = await ask(server, "/help", language_code="en")
    assert "/ask" in call.text and "/topics" in call.text


async def test_lang_choice_survives_a_restart(server, bundled_kb, catalogs, tmp_path):
    data = tmp_path / "data"
    async with running_bot(server, bundled_kb, catalogs, data):
        call = await ask(server, "/lang", language_code="en", user_id=777)
        assert [b["text"] for b in call.buttons()] == ["🇮🇩 Bahasa Indonesia", "🇰🇷 한국어", "🇬🇧 English"]
        mark = server.mark()
        server.push_callback_query("l:ko", chat_id=777, user_id=777)
        edited = await server.wait_for("editMessageText", since=mark)
        assert "한국어" in edited.text
    async with running_bot(server, bundled_kb, catalogs, data):
        call = await ask(server, "/start", language_code="en", user_id=777)
        assert "안녕하십니까" in call.text
        unclear = await ask(server, "kitb", language_code="en", user_id=777)
        assert "KITB" in unclear.text and any("\uac00" <= ch <= "\ud7a3" for ch in unclear.text)


async def test_group_answers_ask_mention_and_reply_only(server, bot):
    server.set_chat(GROUP, "supergroup", title="Jateng–Chungbuk")
    asked = await ask(server, "/ask berapa luas kitb", chat_id=GROUP, user_id=11, chat_type="supergroup")
    assert "4.300" in asked.text
    with_name = await ask(server, f"/ask@{BOT_USERNAME} KITB 면적은?", chat_id=GROUP, user_id=12)
    assert "4,300" in with_name.text
    mentioned = await ask(server, f"@{BOT_USERNAME} how big is kitb", chat_id=GROUP, user_id=13)
    assert "hectares" in mentioned.text
    mark = server.mark()
    server.push_message("kapan mou ditandatangani?", chat_id=GROUP, user_id=14, reply_to_bot=True)
    replied = await server.wait_for("sendMessage", since=mark)
    assert "2023" in replied.text


async def test_group_ignores_chatter_and_other_bots(server, bot):
    server.set_chat(GROUP, "supergroup", title="Jateng–Chungbuk")
    mark = server.mark()
    server.push_message("berapa luas kitb", chat_id=GROUP, user_id=21)            # plain chatter
    server.push_message(f"@{BOT_USERNAME} berapa luas kitb", chat_id=GROUP, user_id=22, is_bot=True)
    server.push_message("/ask berapa luas kitb", chat_id=GROUP, user_id=23, is_bot=True)
    server.push_message("@someoneelse berapa luas kitb", chat_id=GROUP, user_id=24)
    probe = await ask(server, "/ask kapan mou", chat_id=GROUP, user_id=25)   # processed after the others
    sent = [c for c in server.sent_messages(GROUP) if c.index >= mark]
    assert sent == [probe]


async def test_group_answers_are_limited_per_chat_per_minute(server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", group_answers_per_minute=3):
        await _flood_group(server)


async def _flood_group(server):
    server.set_chat(GROUP, "supergroup", title="Busy")
    mark = server.mark()
    for n in range(5):
        server.push_message(f"/ask berapa luas kitb {n}", chat_id=GROUP, user_id=30 + n)
    other = await ask(server, "/ask how big is kitb", chat_id=-100777, user_id=40, chat_type="group")
    assert "hectares" in other.text   # another chat has its own budget
    sent = [c for c in server.sent_messages(GROUP) if c.index >= mark]
    assert len(sent) == 3


async def test_group_language_is_set_by_administrators_only(server, bot, tmp_path):
    server.set_chat(GROUP, "supergroup", title="Mixed")
    server.set_member_status(GROUP, 51, "member")
    refused = await ask(server, "/lang", chat_id=GROUP, user_id=51, language_code="id")
    assert "administrator" in refused.text
    assert not refused.buttons()
    server.set_member_status(GROUP, 52, "administrator")
    offered = await ask(server, "/lang", chat_id=GROUP, user_id=52, language_code="en")
    # A member presses the administrator's button: refused, nothing stored.
    mark = server.mark()
    server.push_callback_query("g:ko", chat_id=GROUP, user_id=51, message_id=offered.result["message_id"])
    denied = await server.wait_for("answerCallbackQuery", since=mark)
    assert denied.params.get("show_alert") in (True, "true")
    mark = server.mark()
    server.push_callback_query("g:ko", chat_id=GROUP, user_id=52, message_id=offered.result["message_id"])
    done = await server.wait_for("editMessageText", since=mark)
    assert "한국어" in done.text
    checks = [c for c in server.calls_to("getChatMember") if c.params["chat_id"] == GROUP]
    assert len(checks) == 4     # asked of Telegram every time
    help_call = await ask(server, "/help", chat_id=GROUP, user_id=51, language_code="id")
    assert "/ask" in help_call.text and any("\uac00" <= ch <= "\ud7a3" for ch in help_call.text)


async def test_inline_query_offers_up_to_five_answers_in_the_query_language(server, bot):
    mark = server.mark()
    server.push_inline_query("KITB 면적", user_id=61, language_code="en")
    call = await server.wait_for("answerInlineQuery", since=mark)
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    assert results[0]["id"] == "kitb-area"
    assert "헥타르" in results[0]["input_message_content"]["message_text"]


async def test_command_menus_per_scope_and_language(server, bot):
    private_en = server.commands({"type": "all_private_chats"}, "")
    private_ko = server.commands({"type": "all_private_chats"}, "ko")
    groups_id = server.commands({"type": "all_group_chats"}, "id")
    admins = server.commands({"type": "all_chat_administrators"}, "")
    assert [c["command"] for c in private_en] == ["start", "topics", "events", "lang", "help"]
    assert [c["command"] for c in private_ko] == ["start", "topics", "events", "lang", "help"]
    assert private_ko[0]["description"] != private_en[0]["description"]
    assert [c["command"] for c in groups_id] == ["ask", "topics", "events", "help"]
    assert "lang" in [c["command"] for c in admins]


async def test_long_answers_are_split_under_the_limit():
    from bot.telegram.render import split_message
    text = ("kalimat <panjang> & " * 600).strip()
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(p.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for p in parts).replace(
        " ", "") == text.replace(" ", "")


async def test_a_button_for_an_entry_that_no_longer_exists_is_answered_politely(server, bot):
    await ask(server, "/help", language_code="en")          # a bot message to press a button under
    mark = server.mark()
    server.push_callback_query("a:en:removed-in-a-reload", chat_id=501, user_id=501, language_code="en")
    answered = await server.wait_for("answerCallbackQuery", since=mark)
    assert answered.params["text"] == "That question is no longer available."
    assert answered.params.get("show_alert") in (True, "true")
