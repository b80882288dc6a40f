"""Sending under Telegram's flood limits without letting one chat hold up the others.

python-telegram-bot's AIORateLimiter throttles with aiolimiter at two levels (about 30 messages a
second overall, 20 a minute per group) by making a request wait, inside whatever made it, until
its group has capacity again; and one RetryAfter halts every request. A handler waiting there holds
one of the BOT_CONCURRENT_UPDATES update slots: sixty presses of one button in one group filled all
of them, and a private question waited 75 s. This limiter keeps the same two levels, also with
aiolimiter, and changes who waits:

- A request made while handling an update (the update's `Turn` is set, see below) never waits for
  a chat. Its first message into the update's own chat spends the update's answer budget (once,
  however many parts the reply takes); when that budget is spent, when the group has no capacity
  left this minute, or while Telegram has asked that chat to wait, the request is refused at once
  with `ChatBusy` and the handler's update is dropped (bot/telegram/errors.py answers a pressed
  button with "please wait"). It may wait for the overall limit, which every chat shares fairly.
- A request made by a job (announcement delivery, introductions, reports) waits, as before.
- A RetryAfter (429) pauses the chat it was for, not the whole bot; a job's request is retried
  after the pause (`max_retries` times), a handler's is refused.

Only requests that put a message into a chat count against the limits (sending, copying,
forwarding, editing); getChatMember or answerCallbackQuery are not messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.ratelimit import RateLimit, Verdict

log = logging.getLogger(__name__)
JSON = bool | dict[str, Any] | list[dict[str, Any]]
GROUP_LIMITERS_KEPT = 512         # idle group limiters are dropped beyond this many (as AIORateLimiter does)


class ChatBusy(TelegramError):
    """A message made while handling an update was refused before it left: the update's answer
    budget is spent, the group can take no more messages now, or Telegram asked the chat to wait."""

    def __init__(self, chat_id: int | str, reason: str) -> None:
        super().__init__(f"chat {chat_id}: {reason}")
        self.chat_id = chat_id
        self.reason = reason


@dataclass
class Turn:
    """One update being handled: the chat its replies go to and the budget they spend.

    `chat_id` is None for an update that has no chat (an inline query, a button under a message
    sent through inline mode). `budget` and `key`: the RateLimit the replies count against (per
    user in private chats, per chat in groups) and the key in it; a None budget is never spent.
    """

    update_id: int
    chat_id: int | None
    budget: RateLimit | None
    key: int
    verdict: Verdict | None = None
    notice: bool = False          # the handler is sending the one "you are too fast" notice of the window

    def spend(self) -> Verdict:
        """Charge the budget once for the whole update; later calls give the same verdict."""
        if self.verdict is None:
            self.verdict = Verdict.ALLOWED if self.budget is None else self.budget.check(self.key)
        return self.verdict

    @property
    def log_level(self) -> int:
        """INFO for what this update had refused, unless its budget had refused one before in the
        same window (DEBUG then): a flood is logged once a minute per chat, not once per update."""
        return logging.DEBUG if self.verdict is Verdict.REFUSED else logging.INFO

    def may_send(self) -> bool:
        """Whether a message may go into the update's own chat (charging the budget if not yet)."""
        return self.spend() is Verdict.ALLOWED or self.notice


TURN: ContextVar[Turn | None] = ContextVar("sahabat_turn", default=None)
"""The update the current task is handling (set by BotContext.from_update, cleared for jobs)."""

MESSAGE_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto", "sendmediagroup", "sendsticker",
                             "sendvoice", "sendvideo", "sendaudio", "sendanimation", "sendlocation",
                             "sendpoll", "copymessage", "copymessages", "forwardmessage", "forwardmessages",
                             "editmessagetext", "editmessagecaption", "editmessagereplymarkup",
                             "editmessagemedia"})


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)  # type: ignore[call-overload]
    return str(chat_id)


def _is_group(key: int | str) -> bool:
    """Negative ids are groups and channels; an @username can only name a supergroup or channel."""
    return isinstance(key, str) or key < 0


class SendLimiter(BaseRateLimiter[None]):
    """See the module docstring. `overall_per_second` 0 turns the overall limit off (the per-group
    limit of 20 messages a minute stays: it is Telegram's); `max_retries` applies to jobs' requests."""

    def __init__(self, overall_per_second: float = FloodLimit.MESSAGES_PER_SECOND, max_retries: int = 0,
                 group_per_minute: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
                 clock: Callable[[], float] | None = None) -> None:
        self.overall = AsyncLimiter(overall_per_second, 1) if overall_per_second > 0 else None
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self.groups: dict[int | str, AsyncLimiter] = {}
        self.paused_until: dict[int | str, float] = {}      # chat → loop time until which Telegram asked to wait
        self._clock = clock

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def can_send(self, chat_id: int | str) -> bool:
        """Whether a message to `chat_id` would leave now without waiting for the chat."""
        key = _chat_key(chat_id)
        if key is None:
            return True
        if self.paused_until.get(key, 0.0) > self.now():
            return False
        return not _is_group(key) or self._group(key).has_capacity()

    def _group(self, key: int | str) -> AsyncLimiter:
        if len(self.groups) > GROUP_LIMITERS_KEPT:
            for other, limiter in list(self.groups.items()):
                if other != key and limiter.has_capacity(limiter.max_rate):
                    del self.groups[other]
        if key not in self.groups:
            self.groups[key] = AsyncLimiter(self.group_per_minute, 60)
        return self.groups[key]

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, JSON]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: None) -> JSON:
        key = _chat_key(data.get("chat_id"))
        message = endpoint.lower() in MESSAGE_METHODS and key is not None
        turn = TURN.get()
        attempts = 1 if turn is not None else self.max_retries + 1
        for attempt in range(attempts):
            if turn is not None:
                self._admit(turn, key, message)
            elif key is not None:
                await self._wait_out_pause(key)
            try:
                return await self._send(callback, args, kwargs, key if message else None, patient=turn is None)
            except RetryAfter as error:
                seconds = _seconds(error.retry_after)
                if key is not None:
                    self.paused_until[key] = max(self.paused_until.get(key, 0.0), self.now() + seconds)
                if turn is not None:
                    raise ChatBusy(key if key is not None else "-", "Telegram asked to wait") from error
                if attempt == attempts - 1:
                    log.warning("%s to chat %s refused with 429 after %d retries", endpoint, key, self.max_retries)
                    raise
                if key is None:
                    await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _admit(self, turn: Turn, key: int | str | None, message: bool) -> None:
        """A handler's request: refused at once (ChatBusy) when it would have to wait for its chat."""
        if key is None:
            return
        if self.paused_until.get(key, 0.0) > self.now():
            raise ChatBusy(key, "Telegram asked to wait")
        if not message:
            return
        if key == turn.chat_id and not turn.may_send():
            raise ChatBusy(key, "the answer budget is spent")
        if _is_group(key) and not self._group(key).has_capacity():
            raise ChatBusy(key, "the group's messages for this minute are sent")

    async def _wait_out_pause(self, key: int | str) -> None:
        delay = self.paused_until.get(key, 0.0) - self.now()
        if delay > 0:
            await asyncio.sleep(delay + 0.1)

    async def _send(self, callback: Callable[..., Coroutine[Any, Any, JSON]], args: Any, kwargs: dict[str, Any],
                    key: int | str | None, patient: bool) -> JSON:
        """Call Telegram within the limits: `key` is the chat a message goes to (None: not a message).
        An impatient caller has been admitted already, so the group limiter has capacity for it."""
        group = self._group(key) if key is not None and _is_group(key) else None
        overall = self.overall if key is not None else None
        async with group or contextlib.nullcontext(), overall or contextlib.nullcontext():
            return await callback(*args, **kwargs)


def _seconds(retry_after: int | dt.timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)
