"""The fake Bot API server refuses what Telegram refuses, at each documented limit and one past it,
with Telegram's error text (tests/fake_telegram/limits.py): python-telegram-bot's own Bot over real
HTTP."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest

USER = 5501


@pytest.fixture
async def api(server):
    async with Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        yield bot


async def refused(call) -> str:
    with pytest.raises(BadRequest) as raised:
        await call
    return raised.value.message


async def test_message_text_of_4096_characters_is_sent_and_4097_refused(server, api):
    assert (await api.send_message(USER, "a" * 4096)).text == "a" * 4096
    assert await refused(api.send_message(USER, "a" * 4097)) == "Message is too long"


async def test_callback_answer_of_200_characters_is_shown_and_201_refused(server, api):
    await api.send_message(USER, "…")
    for length, ok in ((200, True), (201, False)):
        server.push_callback_query("x", chat_id=USER, user_id=USER)
        query_id = server.updates[-1]["callback_query"]["id"]
        if ok:
            assert await api.answer_callback_query(query_id, "a" * length)
        else:
            assert await refused(api.answer_callback_query(query_id, "a" * length)) == "Message_too_long"


def article(n: int, text: str = "ok") -> InlineQueryResultArticle:
    return InlineQueryResultArticle(str(n), f"title {n}", InputTextMessageContent(text))


@pytest.mark.parametrize("results, error", [
    ([article(n) for n in range(50)], None),
    ([article(n) for n in range(51)], "Results_too_much"),
    ([article(0, "a" * 4096)], None),
    ([article(0, "a" * 4097)], "Message_too_long"),
    ([article(0, " ")], "Message_empty"),
])
async def test_inline_answers_at_and_past_the_limits(server, api, results, error):
    server.push_inline_query("q", user_id=USER)
    query_id = server.updates[-1]["inline_query"]["id"]
    if error is None:
        assert await api.answer_inline_query(query_id, results)
    else:
        assert await refused(api.answer_inline_query(query_id, results)) == error


@pytest.mark.parametrize("data, ok", [("a" * 64, True), ("a" * 65, False), ("한" * 21, True), ("한" * 22, False)])
async def test_callback_data_is_counted_in_bytes(server, api, data, ok):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])
    if ok:
        await api.send_message(USER, "…", reply_markup=markup)
    else:
        assert await refused(api.send_message(USER, "…", reply_markup=markup)) == "Button_data_invalid"


@pytest.mark.parametrize("description, ok", [("d" * 256, True), ("d" * 257, False), ("", False)])
async def test_command_descriptions_of_1_to_256_characters(server, api, description, ok):
    commands = [BotCommand("start", description)]
    if ok:
        assert await api.set_my_commands(commands)
    else:
        assert await refused(api.set_my_commands(commands)) == "Bot_command_description_invalid"


async def test_captions_of_1024_characters_are_sent_and_1025_refused(server, api):
    assert (await api.send_document(USER, b"x", filename="a.txt", caption="c" * 1024)).caption == "c" * 1024
    assert await refused(api.send_document(USER, b"x", filename="a.txt", caption="c" * 1025)) == \
        "Message caption is too long"
