"""A group's life (issue 9, failures 4 and 6): migration to a supergroup whatever the order of
Telegram's updates, floods in private chats, an update delivered twice to a webhook. The real bot,
real HTTP, a real SQLite file."""

from __future__ import annotations

import asyncio
import socket
import sqlite3

import pytest

from bot.store import DATABASE_NAME
from tests.telegram_harness import ask, running_bot, silence

OLD, NEW = -4001, -1004001      # a basic group's id, and the supergroup it becomes
ADMIN = 4101


def db(tmp_path):
    return sqlite3.connect(tmp_path / "data" / DATABASE_NAME)


async def join(server, chat_id, chat_type, language_code="ko"):
    server.push_my_chat_member(chat_id, user_id=ADMIN, old_status="left", new_status="member", chat_type=chat_type,
                               language_code=language_code)


def migrate_to(server):
    """The service message in the old group (from the person who upgraded it)."""
    server.push_message(None, chat_id=OLD, user_id=ADMIN, chat_type="group", language_code="ko",
                        extra={"migrate_to_chat_id": NEW})


def migrate_from(server):
    """The first message of the new supergroup."""
    server.push_message(None, chat_id=NEW, user_id=ADMIN, chat_type="supergroup", language_code="ko",
                        extra={"migrate_from_chat_id": OLD})


ORDERS = {
    "join, then both service messages": ("join", "to", "from"),
    "service messages, then join": ("to", "from", "join"),
    "new group's message, join, old group's message": ("from", "join", "to"),
}


@pytest.mark.parametrize("order", ORDERS.values(), ids=list(ORDERS))
async def test_migration_keeps_subscription_languages_and_one_introduction(server, bundled_kb, catalogs, tmp_path,
                                                                           order):
    server.set_chat(OLD, "group", title="Jateng–Chungbuk")
    server.set_member_status(OLD, ADMIN, "creator")
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", introduction_delay=1.0):
        mark = server.mark()
        await join(server, OLD, "group")
        intro = await server.wait_for("sendMessage", chat_id=OLD, since=mark, timeout=10)
        assert "안녕하십니까" in intro.text
        await ask(server, "/subscribe", ADMIN, chat_id=OLD)
        await ask(server, "/languages id ko", ADMIN, chat_id=OLD)
        offered = await ask(server, "/lang", ADMIN, chat_id=OLD)
        pressed = next(b["callback_data"] for b in offered.buttons() if b["callback_data"].endswith(":id"))
        server.push_callback_query(pressed, chat_id=OLD, user_id=ADMIN, message_id=offered.result["message_id"])
        await server.wait_for("editMessageText", chat_id=OLD, since=mark, timeout=10)

        server.set_chat(NEW, "supergroup", title="Jateng–Chungbuk")
        server.set_member_status(NEW, ADMIN, "creator")
        mark = server.mark()
        steps = {"join": lambda: join(server, NEW, "supergroup"), "to": lambda: migrate_to(server),
                 "from": lambda: migrate_from(server)}
        for step in order:
            result = steps[step]()
            if asyncio.iscoroutine(result):
                await result
        await asyncio.sleep(1.5)            # past the introduction delay
        await silence(server, NEW, since=mark)

        # The interface language followed: a member's /help in the new group is in Indonesian.
        server.set_member_status(NEW, 4102, "member")
        helped = await ask(server, "/help", 4102, chat_id=NEW, language_code="en")
        assert helped.text.startswith("Tanyakan saja")
    rows = db(tmp_path).execute("SELECT chat_id, member, subscribed, languages FROM groups").fetchall()
    assert rows == [(NEW, 1, 1, "id,ko")]
    assert db(tmp_path).execute("SELECT chat_id, lang FROM chats").fetchall() == [(NEW, "id")]


async def test_a_group_is_introduced_once_even_when_added_again(server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data"):
        server.set_chat(-100720, "supergroup", title="Sekali")
        mark = server.mark()
        await join(server, -100720, "supergroup", language_code="en")
        await join(server, -100720, "supergroup", language_code="en")      # the same join reported twice
        await server.wait_for("sendMessage", chat_id=-100720, since=mark, timeout=10)
        await asyncio.sleep(0.5)
        await silence(server, -100720, since=server.mark())
        assert len(server.sent_messages(-100720)) == 1


async def test_a_private_flood_is_limited_per_user_and_stays_out_of_the_unanswered_log(
        server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", private_answers_per_minute=5):
        mark = server.mark()
        for n in range(40):
            server.push_message(f"siapa presiden amerika {n}?", user_id=4201, chat_id=4201, language_code="id")
        other = await ask(server, "berapa luas kitb?", 4202)          # someone else is not held up
        assert "4.300" in other.text
        await silence(server, -1, since=server.mark())
        sent = [c for c in server.sent_messages(4201) if c.index >= mark]
        notices = [c for c in sent if "terlalu cepat" in c.text or "lebih cepat" in c.text]
        assert len(sent) == 6 and len(notices) == 1        # five answers, one notice, then silence
    logged = db(tmp_path).execute("SELECT COUNT(*) FROM unanswered WHERE text LIKE 'siapa presiden%'").fetchone()
    assert logged == (5,)


async def test_a_flood_of_stickers_gets_no_more_replies_than_a_flood_of_questions(
        server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", private_answers_per_minute=3):
        mark = server.mark()
        for _ in range(20):
            server.push_media("sticker", user_id=4203, chat_id=4203, language_code="ko")
        await silence(server, -1, since=server.mark())
        sent = [c.text for c in server.sent_messages(4203) if c.index >= mark]
        hints = [text for text in sent if text == "저는 글만 읽을 수 있습니다. 질문을 글로 써 주십시오."]
        notices = [text for text in sent if "1분 뒤에" in text]
        assert (len(hints), len(notices), len(sent)) == (3, 1, 4)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_same_update_delivered_twice_to_the_webhook_is_handled_once(server, bundled_kb, catalogs, tmp_path):
    port = free_port()
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", webhook_url=f"http://127.0.0.1:{port}/tg",
                           webhook_secret="rahasia", webhook_listen="127.0.0.1", webhook_port=port):
        update = {"update_id": 777_001, "message": {
            "message_id": 9101, "date": 1764000000, "text": "berapa luas kitb?",
            "from": {"id": 4301, "is_bot": False, "first_name": "Dua", "language_code": "id"},
            "chat": {"id": 4301, "type": "private", "first_name": "Dua"}}}
        mark = server.mark()
        server.push_raw(update)
        server.push_raw(update)         # Telegram retries a delivery it thinks failed
        await server.wait_for("sendMessage", chat_id=4301, since=mark, timeout=10)
        await silence(server, -1, since=server.mark())
        assert [d.update_id for d in server.webhook_deliveries].count(777_001) == 2
        assert len([c for c in server.sent_messages(4301) if c.index >= mark]) == 1
