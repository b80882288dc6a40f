"""Updates python-telegram-bot cannot read ("poison" updates), through the fake Bot API server to the
real bot: each is skipped once (the offset moves past it), logged by update_id and kind only, and the
administrators are told once; the updates around it are answered; the polling never spins. Errors
of the polling itself back off. Nothing any user wrote reaches a log record."""

from __future__ import annotations

import asyncio
import copy
import logging
import time

import pytest

from bot.knowledge.loader import load_directory
from bot.telegram.logs import DropPayloads, OneLineLibraryErrors, RedactSecrets, SafeFormatter
from tests.fake_telegram.pushing import BOT_ID
from tests.telegram_harness import ask, running_bot

ADMIN, USER, GROUP = 4301, 4302, -1004301
SECRET = "Rahasia-9913"          # in every poison update: it must never reach a log record
USER_JSON = {"id": USER, "is_bot": False, "first_name": "Tester", "language_code": "en"}
PRIVATE = {"id": USER, "type": "private", "first_name": "Tester"}
SUPERGROUP = {"id": GROUP, "type": "supergroup", "title": "Jateng–Chungbuk"}
BOT_JSON = {"id": BOT_ID, "is_bot": True, "first_name": "Sahabat", "username": "sahabat_test_bot"}


def text_message(**fields) -> dict:
    body = {"message_id": 9001, "date": int(time.time()), "chat": PRIVATE, "from": USER_JSON, "text": SECRET}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


# Each kind python-telegram-bot 22 refuses to build, as a malformed or future Bot API could send it.
POISON = {
    "message without message_id": {"message": text_message(message_id=None)},
    "message without date": {"message": text_message(date=None)},
    "message with a date that is not a number": {"message": text_message(date="yesterday")},
    "sender without first_name": {"message": text_message(**{"from": {"id": USER, "is_bot": False}})},
    "chat without type": {"message": text_message(chat={"id": USER, "first_name": "Tester"})},
    "entity without length": {"message": text_message(entities=[{"type": "bold", "offset": 0}])},
    "photo without file_id": {"message": text_message(text=None, caption=SECRET, photo=[{"width": 90, "height": 90}])},
    "message that is not an object": {"message": [SECRET]},
    "my_chat_member 'restricted' lacking its permissions": {"my_chat_member": {
        "chat": SUPERGROUP, "from": USER_JSON, "date": int(time.time()),
        "old_chat_member": {"user": BOT_JSON, "status": "member"},
        "new_chat_member": {"user": BOT_JSON, "status": "restricted", "is_member": True, "until_date": 0}}},
    "chat_member 'administrator' lacking its rights": {"chat_member": {
        "chat": SUPERGROUP, "from": USER_JSON, "date": int(time.time()),
        "old_chat_member": {"user": USER_JSON, "status": "member"},
        "new_chat_member": {"user": USER_JSON, "status": "administrator", "can_be_edited": False}}},
    "callback_query without chat_instance": {"callback_query": {"id": "cq1", "from": USER_JSON, "data": SECRET}},
    "inline_query without query": {"inline_query": {"id": "iq1", "from": USER_JSON, "offset": SECRET}},
}


def logged(caplog) -> str:
    """Every record as the bot's handler would write it (its guards included), tracebacks too."""
    formatter = SafeFormatter("%(levelname)s %(name)s: %(message)s")
    guards = (DropPayloads(), OneLineLibraryErrors(), RedactSecrets("123456:TEST-token"))
    lines = []
    for record in caplog.records:
        record = copy.copy(record)
        for guard in guards:
            guard.filter(record)
        lines.append(formatter.format(record))
    return "\n".join(lines)


def raw_text(caplog) -> str:
    """Every record before any guard: what the code itself put in it."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    server.set_chat(GROUP, "supergroup", title="Jateng–Chungbuk")
    server.push_message("/start", user_id=ADMIN, chat_id=ADMIN)          # the administrator opened a chat
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           admins=frozenset({ADMIN})) as app:
        await server.wait_for("sendMessage", chat_id=ADMIN, timeout=10)
        yield app


@pytest.mark.parametrize("kind", sorted(POISON))
async def test_a_poison_update_is_skipped_once_and_the_others_are_answered(server, bot, caplog, kind):
    before = server.push_message("How big is KITB?", user_id=USER, chat_id=USER)
    poison = server.push_raw(copy.deepcopy(POISON[kind]))
    after = server.push_message("When was the MoU signed?", user_id=USER, chat_id=USER)
    first = await server.wait_for("sendMessage", chat_id=USER, timeout=10)
    second = await server.wait_for("sendMessage", chat_id=USER, timeout=10)
    assert "hectares" in first.text and "2023" in second.text
    told = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=10)
    assert f"update {poison['update_id']}" in told.text and "skipped" in told.text
    assert SECRET not in told.text
    # The poll after it confirmed it: Telegram holds nothing more for the bot.
    await asyncio.sleep(0.3)
    assert server.pending_updates == []
    skipped = [r for r in caplog.records if "skipped update" in r.getMessage()]
    assert len(skipped) == 1, [r.getMessage() for r in skipped]
    assert str(poison["update_id"]) in skipped[0].getMessage()
    assert before["update_id"] < poison["update_id"] < after["update_id"]
    assert SECRET not in raw_text(caplog) and SECRET not in logged(caplog)


async def test_a_poison_update_alone_does_not_make_the_bot_poll_in_a_loop(server, bot, caplog):
    mark = server.mark()
    poison = server.push_raw(copy.deepcopy(POISON["message without date"]))
    await asyncio.sleep(2.0)
    polls = len(server.calls_to("getUpdates")) - len([c for c in server.calls[:mark] if c.method == "getUpdates"])
    # Long polls of 1 s: about three in 2 s. Without the skip it would be hundreds (thousands a minute).
    assert polls <= 5, polls
    assert server.pending_updates == []
    offsets = [c.params.get("offset") for c in server.calls_to("getUpdates")[-2:]]
    assert all(offset == poison["update_id"] + 1 for offset in offsets), offsets
    reply = await ask(server, "Where was the MoU signed?", USER)
    assert "Gradika" in reply.text
    told = [c for c in server.calls_to("sendMessage", ADMIN) if "skipped" in (c.text or "")]
    assert len(told) == 1
    assert SECRET not in raw_text(caplog)


async def test_two_poison_updates_of_a_kind_tell_the_administrators_once(server, bot, caplog):
    first = server.push_raw(copy.deepcopy(POISON["chat without type"]))
    second = server.push_raw(copy.deepcopy(POISON["chat without type"]))
    await ask(server, "How big is KITB?", USER)
    await asyncio.sleep(0.5)
    told = [c for c in server.calls_to("sendMessage", ADMIN) if "skipped" in (c.text or "")]
    assert len(told) == 1
    logged_ids = [r.getMessage() for r in caplog.records if "skipped update" in r.getMessage()]
    assert len(logged_ids) == 2
    assert str(first["update_id"]) in logged_ids[0] and str(second["update_id"]) in logged_ids[1]


@pytest.mark.parametrize("shape", ["message without chat", "callback_query without from", "unknown member status",
                                   "a kind of update from a later Bot API"])
async def test_malformed_updates_the_library_reads_are_handled_without_a_loop(server, bot, caplog, shape):
    """Shapes python-telegram-bot accepts although they break the Bot API's promises: they reach the
    handlers (or no handler), fail at most into the error handler, and are not fetched again."""
    raw = {
        "message without chat": {"message": text_message(chat=None)},
        "callback_query without from": {"callback_query": {"id": "cq2", "chat_instance": "c", "data": SECRET}},
        "unknown member status": {"my_chat_member": {
            "chat": SUPERGROUP, "from": USER_JSON, "date": int(time.time()),
            "old_chat_member": {"user": BOT_JSON, "status": "member"},
            "new_chat_member": {"user": BOT_JSON, "status": "promoted-somehow"}}},
        "a kind of update from a later Bot API": {"future_thing": {"id": 1, "text": SECRET}},
    }[shape]
    server.push_raw(raw)
    reply = await ask(server, "How big is KITB?", USER)
    assert "hectares" in reply.text
    await asyncio.sleep(0.5)
    assert server.pending_updates == []
    assert SECRET not in raw_text(caplog) and SECRET not in logged(caplog)


async def test_polling_errors_back_off(server, bot, caplog):
    """Telegram failing (502 Bad Gateway), then answering what cannot be read: each failed poll waits
    longer than the one before, and one line says each failure."""
    mark = server.mark()
    server.fail_next("getUpdates", 502, "Bad Gateway", count=3)
    garbled = iter(range(2))
    recovered = asyncio.Event()

    def answer(call):
        if next(garbled, None) is None:
            server.on("getUpdates", None)
            recovered.set()
            return []
        return {"not": "a list"}
    server.on("getUpdates", answer)         # after the three 502s, two answers that are not a list of updates
    await asyncio.wait_for(recovered.wait(), timeout=40)
    reply = await ask(server, "How big is KITB?", USER)
    assert "hectares" in reply.text
    polls = [c for c in server.calls[mark:] if c.method == "getUpdates"]
    failed = [c for c in polls if c.failed or c.result == {"not": "a list"}]
    assert len(failed) >= 5, [(round(c.at, 2), c.failed, c.result) for c in polls]
    starts = [c.at for c in polls]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])][:5]
    assert gaps[0] >= 0.9 and all(later > earlier for earlier, later in zip(gaps, gaps[1:4])), gaps
    lines = [r.getMessage() for r in caplog.records if "polling Telegram failed" in r.getMessage()]
    assert len(lines) == len(failed), lines
    assert "Traceback" not in logged(caplog)
