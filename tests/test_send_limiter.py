"""bot/telegram/limiter.py on its own: who waits, who is refused, what a 429 pauses. The callback
stands for python-telegram-bot's HTTP call (the end-to-end tests run the real one)."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import RateLimit, Verdict
from bot.telegram.limiter import TURN, ChatBusy, SendLimiter, Turn

GROUP, OTHER_GROUP, PRIVATE = -100_1, -100_2, 42


class Telegram:
    """Records each request; answers 429 (retry_after seconds) for the chats in `busy`."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object, float]] = []
        self.busy: dict[object, int] = {}

    def request(self, endpoint: str, chat_id: object = None):
        async def call():
            if self.busy.get(chat_id):
                retry_after = self.busy.pop(chat_id)
                raise RetryAfter(retry_after)
            self.sent.append((endpoint, chat_id, time.monotonic()))
            return True
        data = {"chat_id": chat_id} if chat_id is not None else {}
        return call, data


async def send(limiter: SendLimiter, telegram: Telegram, endpoint: str, chat_id: object = None):
    callback, data = telegram.request(endpoint, chat_id)
    return await limiter.process_request(callback, (), {}, endpoint, data, None)


def handling(chat_id: int | None, budget: RateLimit | None = None, key: int = 0) -> Turn:
    turn = Turn(update_id=1, chat_id=chat_id, budget=budget, key=key)
    TURN.set(turn)
    return turn


async def test_a_handler_is_refused_at_once_when_its_group_has_no_messages_left():
    limiter, telegram = SendLimiter(0, group_per_minute=3), Telegram()
    handling(GROUP)
    for _ in range(3):
        await send(limiter, telegram, "sendMessage", GROUP)
    started = time.monotonic()
    with pytest.raises(ChatBusy):
        await send(limiter, telegram, "sendMessage", GROUP)
    assert time.monotonic() - started < 0.05
    await send(limiter, telegram, "sendMessage", OTHER_GROUP)       # another group is not held up
    await send(limiter, telegram, "answerCallbackQuery")            # not a message
    await send(limiter, telegram, "getChatMember", GROUP)           # not a message either
    assert [s[:2] for s in telegram.sent[3:]] == [("sendMessage", OTHER_GROUP), ("answerCallbackQuery", None),
                                                  ("getChatMember", GROUP)]


async def test_a_job_waits_for_its_group_instead():
    limiter, telegram = SendLimiter(0, group_per_minute=120), Telegram()      # one more every 0.5 s
    TURN.set(None)
    for _ in range(120):
        await send(limiter, telegram, "sendMessage", GROUP)
    started = time.monotonic()
    await send(limiter, telegram, "sendMessage", GROUP)
    assert 0.3 < time.monotonic() - started < 2.0


async def test_the_budget_is_spent_once_per_update_and_only_for_its_own_chat():
    budget = RateLimit(1)
    limiter, telegram = SendLimiter(0), Telegram()
    handling(PRIVATE, budget, key=PRIVATE)
    for _ in range(3):                                      # one reply in three parts
        await send(limiter, telegram, "sendMessage", PRIVATE)
    handling(PRIVATE, budget, key=PRIVATE)                  # the next update of the same user
    with pytest.raises(ChatBusy, match="budget"):
        await send(limiter, telegram, "sendMessage", PRIVATE)
    await send(limiter, telegram, "sendMessage", 7)         # a notice to an administrator's chat is not its reply
    assert len(telegram.sent) == 4


async def test_the_one_flood_notice_may_go_out_after_the_budget_is_spent():
    budget = RateLimit(1)
    limiter, telegram = SendLimiter(0), Telegram()
    handling(PRIVATE, budget, key=PRIVATE).spend()
    turn = handling(PRIVATE, budget, key=PRIVATE)
    assert turn.spend() is Verdict.FIRST_REFUSAL
    with pytest.raises(ChatBusy):
        await send(limiter, telegram, "sendMessage", PRIVATE)
    turn.notice = True
    await send(limiter, telegram, "sendMessage", PRIVATE)
    assert len(telegram.sent) == 1


async def test_a_429_pauses_that_chat_only_and_a_handler_is_refused_during_it():
    limiter, telegram = SendLimiter(0, max_retries=2), Telegram()
    handling(GROUP)
    telegram.busy[GROUP] = 30
    with pytest.raises(ChatBusy, match="wait"):
        await send(limiter, telegram, "sendMessage", GROUP)
    with pytest.raises(ChatBusy):                                   # refused without asking Telegram again
        await send(limiter, telegram, "sendMessage", GROUP)
    assert not limiter.can_send(GROUP) and limiter.can_send(OTHER_GROUP)
    await send(limiter, telegram, "sendMessage", OTHER_GROUP)
    assert [s[1] for s in telegram.sent] == [OTHER_GROUP]


async def test_a_job_waits_out_a_429_and_retries():
    limiter, telegram = SendLimiter(0, max_retries=1), Telegram()
    TURN.set(None)
    telegram.busy[GROUP] = 1
    started = time.monotonic()
    assert await send(limiter, telegram, "sendMessage", GROUP) is True
    assert 1.0 <= time.monotonic() - started < 3.0
    telegram.busy[GROUP] = 1
    limiter.max_retries = 0
    with pytest.raises(RetryAfter):
        await send(limiter, telegram, "sendMessage", GROUP)


async def test_a_job_started_from_a_handler_does_not_inherit_its_turn(server, bundled_kb, catalogs, tmp_path):
    """asyncio copies the scheduling task's context into a job's: BotContext.from_job clears it."""
    from bot.telegram.context import BotContext
    from tests.telegram_harness import running_bot
    seen: list[object] = []

    async with running_bot(server, bundled_kb, catalogs, tmp_path / "data") as application:
        async def job(context: BotContext) -> None:
            seen.append(context.turn)

        handling(GROUP)                                     # as if a handler were scheduling it
        application.job_queue.run_once(job, 0)
        await asyncio.sleep(0.5)
    assert seen == [None]
