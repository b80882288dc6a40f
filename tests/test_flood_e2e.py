"""No one user's flood stalls the bot (issue 20, failure 1): button presses, hints, topics, languages,
inline queries and commands spend their chat's budget before they queue anything, no handler waits
for a chat's send limit while holding an update slot, and another chat's question is answered at
once. The real bot with the production limits, real HTTP, the fake Bot API server."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.config import BUNDLED_LOCALES_DIR
from bot.i18n import Catalogs
from bot.telegram.gate import PLEASE_WAIT
from tests.fake_telegram import BOT_USERNAME
from tests.telegram_harness import ask, running_bot

GROUP = -100_3001
FLOODER, OTHER, BYSTANDER = 3101, 3102, 3103
PRESSES = 60                   # the probe pressed one answer button 60 times in about a second
PROMPT_S = 5.0                 # a private question during a flood is answered within this (75 s before)


WAIT_TEXTS = {Catalogs(BUNDLED_LOCALES_DIR).gettext(lang, PLEASE_WAIT) for lang in ("id", "ko", "en")}


def waits(answers: list) -> list:
    """The answers of presses that heard "please wait" (in any language)."""
    return [a for a in answers if a.params.get("text") in WAIT_TEXTS]


def press(server, data: str, chat_id: int = GROUP, user_id: int = FLOODER, message_id: int = 777):
    chat_type = "supergroup" if chat_id < 0 else "private"
    server.push_callback_query(data, chat_id=chat_id, user_id=user_id, message_id=message_id,
                               chat_type=chat_type, language_code="en")


async def prompt_private_answer(server, user_id: int = BYSTANDER) -> float:
    """Seconds until a private question (pushed after the flood) is answered."""
    started = time.monotonic()
    call = await ask(server, "How big is KITB?", user_id, language_code="en", timeout=PROMPT_S)
    assert "4,300" in call.text
    return time.monotonic() - started


async def all_answered(server, method: str, count: int, since: int, timeout: float = 15) -> list:
    """The first `count` answers of `method` since `since` (each press / inline query gets one)."""
    return [await server.wait_for(method, since=since, timeout=timeout) for _ in range(count)]


def group_messages(server, since: int, chat_id: int = GROUP) -> list:
    return [c for c in server.calls_to(("sendMessage", "editMessageText"), chat_id)
            if c.index >= since and not c.failed]


FLOODS = {
    "answer buttons": lambda server, n: press(server, "a1:en:kitb-area"),
    "did-you-mean choices, several entries": lambda server, n: press(
        server, ("a1:en:kitb-area", "a1:id:mou-date", "a1:ko:mou-venue")[n % 3]),
    "topic buttons": lambda server, n: press(server, "t1:en:" if n % 2 else "t1:en:kitb"),
    "hints (bare mentions)": lambda server, n: server.push_message(
        f"@{BOT_USERNAME}", user_id=FLOODER, chat_id=GROUP, chat_type="supergroup", language_code="en"),
    "/help and /topics": lambda server, n: server.push_message(
        f"/help@{BOT_USERNAME}" if n % 2 else f"/topics@{BOT_USERNAME}", user_id=FLOODER, chat_id=GROUP,
        chat_type="supergroup", language_code="en"),
    "questions from several members": lambda server, n: server.push_message(
        f"@{BOT_USERNAME} how big is kitb", user_id=FLOODER + n % 3 * 1000, chat_id=GROUP,
        chat_type="supergroup", language_code="en"),
}


@pytest.mark.parametrize("flood", FLOODS.values(), ids=list(FLOODS))
async def test_a_group_flood_spends_the_group_budget_and_delays_no_other_chat(server, bundled_kb, catalogs,
                                                                              tmp_path, flood):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", group_answers_per_minute=10):
        mark = server.mark()
        for n in range(PRESSES):
            flood(server, n)
        assert await prompt_private_answer(server) < PROMPT_S
        await asyncio.sleep(1.0)            # what the flood was going to send has been sent by now
        assert len(group_messages(server, mark)) == 10


async def test_every_press_of_a_flood_is_answered_and_the_extra_ones_hear_please_wait(server, bundled_kb, catalogs,
                                                                                     tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", group_answers_per_minute=10):
        mark = server.mark()
        for _ in range(PRESSES):
            press(server, "a1:en:kitb-area")
        answers = await all_answered(server, "answerCallbackQuery", PRESSES, mark)
        assert all(not a.failed for a in answers)
        assert len(waits(answers)) == PRESSES - 10, [a.params.get("text") for a in answers]
        assert len(group_messages(server, mark)) == 10


async def test_the_group_send_limit_refuses_at_once_instead_of_parking_the_update_slots(server, bundled_kb,
                                                                                       catalogs, tmp_path):
    """With a group budget above Telegram's 20 messages a minute per group, the send limit itself
    is what stops the flood: a press that would have to wait for it is answered "please wait" at
    once, and never holds one of the update slots (BOT_CONCURRENT_UPDATES, 4 here)."""
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", group_answers_per_minute=1000,
                           concurrent_updates=4):
        mark = server.mark()
        for _ in range(PRESSES):
            press(server, "a1:en:kitb-area")
        assert await prompt_private_answer(server) < PROMPT_S
        answers = await all_answered(server, "answerCallbackQuery", PRESSES, mark)
        sent = group_messages(server, mark)
        assert (len(sent), len(waits(answers))) == (20, PRESSES - 20)


async def test_the_bot_stops_at_once_after_a_flood(server, bundled_kb, catalogs, tmp_path):
    started = None
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", group_answers_per_minute=1000):
        mark = server.mark()
        for _ in range(PRESSES):
            press(server, "a1:en:kitb-area")
        await all_answered(server, "answerCallbackQuery", PRESSES, mark)
        started = time.monotonic()
    assert time.monotonic() - started < 5.0


async def test_a_private_button_flood_spends_that_user_budget_only(server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", private_answers_per_minute=5):
        offered = await ask(server, "/lang", FLOODER, language_code="en")
        mark = server.mark()
        for n in range(30):
            press(server, ("a1:en:kitb-area", "t1:en:", "l1:ko")[n % 3], chat_id=FLOODER,
                  message_id=offered.result["message_id"])
        assert await prompt_private_answer(server, OTHER) < PROMPT_S
        answers = await all_answered(server, "answerCallbackQuery", 30, mark)
        assert len(waits(answers)) == 30 - 4, [a.params.get("text") for a in answers]    # /lang spent one of 5
        assert len([c for c in server.calls_to(("sendMessage", "editMessageText"), FLOODER)
                    if c.index >= mark and not c.failed]) <= 5


async def test_a_refused_command_flood_in_private_spends_the_sender_budget(server, bundled_kb, catalogs, tmp_path):
    """A non-administrator's /reload is refused politely, and a flood of them is silenced like any
    other flood once the sender's budget is spent (the refusal is a message too)."""
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", private_answers_per_minute=3):
        mark = server.mark()
        for _ in range(20):
            server.push_message("/reload", user_id=FLOODER, language_code="en")
        assert await prompt_private_answer(server, OTHER) < PROMPT_S
        await asyncio.sleep(1.0)
        refusals = [c for c in server.calls_to("sendMessage", FLOODER) if c.index >= mark and not c.failed]
        assert len(refusals) == 3 and all("administrators" in c.text for c in refusals), refusals


async def test_an_inline_flood_spends_the_inline_budget(server, bundled_kb, catalogs, tmp_path):
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data", inline_queries_per_minute=5):
        mark = server.mark()
        for n in range(25):
            server.push_inline_query(f"how big is kitb {n}", user_id=FLOODER, language_code="en")
        assert await prompt_private_answer(server, OTHER) < PROMPT_S
        answers = await all_answered(server, "answerInlineQuery", 25, mark)
        assert all(not a.failed for a in answers)
        assert sum(1 for a in answers if a.params["results"]) == 5
        server.push_inline_query("how big is kitb", user_id=OTHER, language_code="en")      # another user's budget
        other = await server.wait_for("answerInlineQuery", since=mark, timeout=5)
        assert other.params["results"]


async def test_a_429_for_one_group_pauses_that_group_only(server, bundled_kb, catalogs, tmp_path):
    """Telegram's RetryAfter for one chat: that group's messages are refused at once while it lasts
    (AIORateLimiter would halt every request), and other chats go on."""
    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data"):
        server.fail_next("sendMessage", 429, parameters={"retry_after": 30}, chat_id=GROUP)
        mark = server.mark()
        server.push_message(f"@{BOT_USERNAME} how big is kitb", user_id=FLOODER, chat_id=GROUP,
                            chat_type="supergroup", language_code="en")
        await server.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=5)       # the refused one
        for _ in range(5):
            server.push_message(f"@{BOT_USERNAME} how big is kitb", user_id=FLOODER, chat_id=GROUP,
                                chat_type="supergroup", language_code="en")
        press(server, "a1:en:kitb-area")
        assert await prompt_private_answer(server) < PROMPT_S
        pressed = await server.wait_for("answerCallbackQuery", since=mark, timeout=5)
        assert pressed.params["text"] in WAIT_TEXTS
        assert len(server.calls_to("sendMessage", GROUP)) == 1          # nothing tried during the pause
