"""Who sent it (issue 9, failure 1), the same update twice (failure 6) and the kinds of text the bot
reads (failures 2 and 8): the real bot over real HTTP, updates shaped as Telegram sends them."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store import DATABASE_NAME
from bot.telegram.callbacks import GroupLanguage
from tests.fake_telegram import BOT_USERNAME
from tests.telegram_harness import ask, eventually, running_bot, silence

GROUP = -100700
CHANNEL = {"id": -100900, "title": "Kanal Jateng", "type": "channel", "username": "kanaljateng"}
# The placeholder accounts Telegram puts in `from` when a message is sent on behalf of a chat.
ANONYMOUS_ADMIN = {"user_id": 1087968824, "first_name": "Group", "username": "GroupAnonymousBot", "is_bot": True,
                   "language_code": None}
CHANNEL_POSTER = {"user_id": 136817688, "first_name": "Channel", "username": "Channel_Bot", "is_bot": True,
                  "language_code": None}
TELEGRAM = {"user_id": 777000, "first_name": "Telegram", "language_code": None}


@pytest.fixture
async def bot(server, bundled_kb, catalogs, tmp_path):
    server.set_chat(GROUP, "supergroup", title="Jateng–Chungbuk")
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data") as app:
        yield app


def as_group(text, **extra):
    """An anonymous administrator's message: `from` GroupAnonymousBot, `sender_chat` the group."""
    return dict(text=text, chat_id=GROUP, **ANONYMOUS_ADMIN,
                extra={"sender_chat": {"id": GROUP, "title": "Jateng–Chungbuk", "type": "supergroup"},
                       "author_signature": "Humas", **extra})


def as_channel(text):
    return dict(text=text, chat_id=GROUP, **CHANNEL_POSTER, extra={"sender_chat": CHANNEL})


def automatic_forward(text, message_id=31):
    """A post of the linked channel, copied by Telegram into its discussion group."""
    return dict(text=text, chat_id=GROUP, **TELEGRAM, extra={
        "sender_chat": CHANNEL, "is_automatic_forward": True,
        "forward_origin": {"type": "channel", "chat": CHANNEL, "message_id": message_id, "date": 1764000000}})


def group_row(tmp_path, chat_id):
    return sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT subscribed, languages FROM groups WHERE chat_id = ?", (chat_id,)).fetchone()


async def test_an_anonymous_administrator_is_an_administrator_without_asking_telegram(server, bot, tmp_path):
    subscribed = await ask(server, **as_group("/subscribe"))
    assert subscribed.text.startswith("Subscribed")
    languages = await ask(server, **as_group("/languages id ko"))
    assert "Indonesian and Korean" in languages.text      # named in the reader's language
    offered = await ask(server, **as_group(f"/lang@{BOT_USERNAME}"))
    expected = [GroupLanguage(lang).encode() for lang in ("id", "ko", "en")]
    assert [b["callback_data"] for b in offered.buttons()] == expected
    assert group_row(tmp_path, GROUP) == (1, "id,ko")
    # Only administrators can post as the group; the placeholder account is never looked up.
    assert server.calls_to("getChatMember") == []
    # Their questions are answered like anyone's, with the group's (here the default) language.
    answered = await ask(server, **as_group("/ask berapa luas kitb?"))
    assert "4.300" in answered.text


async def test_a_member_posting_as_a_channel_is_answered_but_is_no_administrator(server, bot, tmp_path):
    refused = await ask(server, **as_channel("/subscribe"))
    assert "only the group's administrators" in refused.text
    refused_lang = await ask(server, **as_channel("/lang"))
    assert "administrators" in refused_lang.text and not refused_lang.buttons()
    assert group_row(tmp_path, GROUP) is None
    assert server.calls_to("getChatMember") == []
    answered = await ask(server, **as_channel(f"@{BOT_USERNAME} how big is kitb"))
    assert "4,300 hectares" in answered.text


async def test_automatic_forwards_from_the_linked_channel_are_never_answered(server, bot, tmp_path):
    mark = server.mark()
    for n, text in enumerate(["/ask berapa luas kitb", f"@{BOT_USERNAME} berapa luas kitb", "/subscribe",
                              "/start", "/help", "/lang"]):
        server.push_message(**automatic_forward(text, message_id=40 + n))
    forwarded_photo = automatic_forward(None, message_id=49)
    del forwarded_photo["text"]
    server.push_media("photo", caption=f"@{BOT_USERNAME} kapan mou ditandatangani?", **forwarded_photo)
    await silence(server, GROUP, since=mark)
    assert server.calls_to("getChatMember") == [] and group_row(tmp_path, GROUP) is None


async def test_the_same_update_delivered_twice_is_handled_once_by_long_polling(server, bot, tmp_path):
    update = {"update_id": 555_001, "message": {
        "message_id": 9001, "date": 1764000000, "text": "siapa presiden amerika?",
        "from": {"id": 811, "is_bot": False, "first_name": "Dua", "language_code": "id"},
        "chat": {"id": 811, "type": "private", "first_name": "Dua"}}}
    mark = server.mark()
    server.push_raw(update)
    server.push_raw(update)          # one getUpdates answer carries both copies
    await silence(server, -1, since=mark)
    replies = [c for c in server.calls_to("sendMessage", chat_id=811) if c.index >= mark]
    assert len(replies) == 1
    rows = await eventually(lambda: sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT COUNT(*) FROM unanswered WHERE text = 'siapa presiden amerika?'").fetchone()[0])
    assert rows == 1
