"""Updates shaped to break the bot (issue 20, failure 4 and the smaller ones): entity offsets that
split a character or run past the text, button presses without data, messages without a word. Each
is answered sensibly (a real question answered, the rest a hint or nothing), never "something went
wrong", and nothing lands in the audit table or the unanswered log. The real bot, real HTTP."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from bot.store import DATABASE_NAME
from tests.fake_telegram import BOT_ID, BOT_USERNAME
from tests.telegram_harness import ask, eventually, running_bot, silence

GROUP = -100_4401
USER, ADMIN = 4402, 4403
MENTION = "@" + BOT_USERNAME
QUESTION = " how big is kitb"
ANSWERED = "4,300"
WENT_WRONG = "went wrong"


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
async def bot(server, bundled_kb, catalogs, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", admins=frozenset({ADMIN})) as app:
        yield app
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def rows(tmp_path, sql: str) -> list:
    with sqlite3.connect(tmp_path / "data" / DATABASE_NAME) as db:
        return db.execute(sql).fetchall()


def entity(kind: str, offset: int, length: int, **fields) -> dict:
    return {"type": kind, "offset": offset, "length": length, **fields}


def send(server, text: str, entities: list[dict], chat_id: int, caption: bool):
    options = {"user_id": USER, "chat_id": chat_id, "language_code": "en",
               "chat_type": "supergroup" if chat_id < 0 else "private"}
    if caption:
        server.push_media("photo", caption=text, entities=entities, **options)
    else:
        server.push_message(text, entities=entities, **options)


# -- mentions: UTF-16 offsets, and offsets that do not fit them ------------------------------------------
PREFIXES = {
    "BMP symbol (1 unit)": "→ ",
    "emoji (2 units)": "😀",
    "emoji with skin tone (4 units, 2 code points)": "👍🏽",
    "family, joined (8 units, 5 code points)": "👨\u200d👩\u200d👧",
    "flag (4 units)": "🇮🇩 ",
    "Hangul jamo (laughter, 1 unit each)": "ㅋㅋ ",
}
COUNTINGS = {"UTF-16, as Telegram counts": utf16, "code points, as some clients count": len}


@pytest.mark.parametrize("caption", [False, True], ids=["text", "caption"])
@pytest.mark.parametrize("counting", COUNTINGS.values(), ids=list(COUNTINGS))
@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=list(PREFIXES))
@pytest.mark.parametrize("chat_id", [GROUP, USER], ids=["group", "private"])
async def test_a_mention_after_an_emoji_is_answered_however_its_offset_is_counted(server, bot, prefix, counting,
                                                                                 caption, chat_id):
    text = prefix + MENTION + QUESTION
    mark = server.mark()
    send(server, text, [entity("mention", counting(prefix), utf16(MENTION))], chat_id, caption)
    reply = await server.wait_for("sendMessage", chat_id=chat_id, since=mark, timeout=10)
    assert ANSWERED in reply.text, reply.text


FORGED = {
    "past the end": (500, 15),
    "negative offset": (-3, 15),
    "zero length": (0, 0),
    "overlapping the end": (20, 400),
    "splitting the emoji, wrong length too": (1, 3),
}


@pytest.mark.parametrize("caption", [False, True], ids=["text", "caption"])
@pytest.mark.parametrize("kind", ["mention", "bot_command", "text_mention"])
@pytest.mark.parametrize("offsets", FORGED.values(), ids=list(FORGED))
async def test_forged_entity_offsets_never_cause_an_error(server, bot, offsets, kind, caption):
    """In a private chat the message is still read: a mention that cannot be located stays in the
    question, which is then answered or offered among "did you mean" choices, and a zero-length
    command at offset 0 is routed by python-telegram-bot as a command it does not know. In a group
    an unreadable mention or command does not address the bot, so nothing is said there; a
    text_mention names the bot's account wherever it stands. The fixture fails the test on any
    error logged."""
    text = "😀" + MENTION + QUESTION
    fields = {"user": {"id": BOT_ID, "is_bot": True, "first_name": "Sahabat"}} if kind == "text_mention" else {}
    forged = [entity(kind, *offsets, **fields)]
    mark = server.mark()
    send(server, text, forged, USER, caption)
    reply = await server.wait_for("sendMessage", chat_id=USER, since=mark, timeout=10)
    assert WENT_WRONG not in reply.text, reply.text
    found_area = ANSWERED in reply.text or any("kitb-area" in b["callback_data"] for b in reply.buttons())
    assert found_area or (kind == "bot_command" and not caption and offsets[0] == 0), reply.text
    mark = server.mark()
    send(server, text, forged, GROUP, caption)
    if kind != "text_mention":
        await silence(server, GROUP, mark)
    else:           # names the bot's account wherever it stands: a reply is fine, an error is not (the fixture)
        await ask(server, "/help", USER + 7)


@pytest.mark.parametrize("caption", [False, True], ids=["text", "caption"])
async def test_a_text_mention_of_the_bot_addresses_it_and_of_someone_else_does_not(server, bot, caption):
    name = "Sahabat"
    text = name + QUESTION
    bot_link = entity("text_mention", 0, utf16(name), user={"id": BOT_ID, "is_bot": True, "first_name": name})
    mark = server.mark()
    send(server, text, [bot_link], GROUP, caption)
    reply = await server.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=10)
    assert ANSWERED in reply.text
    someone = entity("text_mention", 0, utf16(name), user={"id": 999, "is_bot": False, "first_name": name})
    mark = server.mark()
    send(server, text, [someone], GROUP, caption)
    await silence(server, GROUP, mark)


async def test_a_command_at_a_forged_offset_is_no_command(server, bot):
    """`😀/ask …` with the command entity at offset 1: not at the start, so no command; in a private
    chat the text is the question."""
    text = "😀/ask" + QUESTION
    mark = server.mark()
    send(server, text, [entity("bot_command", 1, 4)], USER, caption=False)
    reply = await server.wait_for("sendMessage", chat_id=USER, since=mark, timeout=10)
    assert "do not know that command" not in reply.text and WENT_WRONG not in reply.text, reply.text


# -- button presses without data -------------------------------------------------------------------------
PRESSES = {
    "empty data": {"data": ""},
    "no data at all": {},
    "a game button": {"game_short_name": "kuis"},
}


@pytest.mark.parametrize("presser", [USER, ADMIN], ids=["anyone", "a bot administrator"])
@pytest.mark.parametrize("fields", PRESSES.values(), ids=list(PRESSES))
async def test_a_press_without_data_is_answered_politely_and_reaches_no_administrator_handler(
        server, bot, tmp_path, fields, presser):
    sent = await ask(server, "/help", presser, language_code="en")
    mark = server.mark()
    server._open_queries.add("cq-empty")         # a query id Telegram issued, so the bot may answer it
    server.push_raw({"callback_query": {
        "id": "cq-empty", "chat_instance": "ci1", **fields,
        "from": {"id": presser, "is_bot": False, "first_name": "Test", "language_code": "en"},
        "message": sent.result}})
    answer = await server.wait_for("answerCallbackQuery", since=mark, timeout=10)
    assert not answer.failed and answer.params["text"] == "This button no longer works. Please ask again."
    await asyncio.sleep(0.5)
    assert rows(tmp_path, "SELECT user_id, action, outcome FROM audit") == []
    assert [c for c in server.calls[mark:] if c.method == "sendMessage"] == []


# -- messages without a word ------------------------------------------------------------------------------
WORDLESS = {
    "zero-width spaces": "\u200b\u200b\u200b",
    "joiners and BOM": "\u200c\u200d\ufeff",
    "Hangul fillers": "\u3164\u3164",
    "spaces": "   \u00a0 ",
    "only emoji": "👍👍🏽🎉",
    "only punctuation": "?!…",
}


@pytest.mark.parametrize("caption", [False, True], ids=["text", "caption"])
@pytest.mark.parametrize("text", WORDLESS.values(), ids=list(WORDLESS))
async def test_a_private_message_without_a_word_gets_a_hint_and_is_not_logged(server, bot, tmp_path, text, caption):
    mark = server.mark()
    send(server, text, [], USER, caption)
    reply = await server.wait_for("sendMessage", chat_id=USER, since=mark, timeout=10)
    assert "in words" in reply.text, reply.text
    await ask(server, "siapa presiden amerika?", USER + 1, language_code="id")      # logged, as a control
    logged = await eventually(lambda: rows(tmp_path, "SELECT text FROM unanswered"))
    assert logged == [("siapa presiden amerika?",)]


@pytest.mark.parametrize("text", WORDLESS.values(), ids=list(WORDLESS))
async def test_a_mention_or_ask_without_a_word_in_a_group_gets_the_hint(server, bot, tmp_path, text):
    for prefix, hint in ((MENTION + " ", "after my name"), ("/ask ", "after /ask")):
        mark = server.mark()
        server.push_message(prefix + text, user_id=USER, chat_id=GROUP, chat_type="supergroup", language_code="en")
        reply = await server.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=10)
        assert hint in reply.text, reply.text
    await asyncio.sleep(1.5)            # the question log is written about every second
    assert rows(tmp_path, "SELECT text FROM unanswered") == []
