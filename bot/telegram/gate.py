"""What no handler should see: an update delivered twice, and messages the bot never answers.

Both are registered in handler groups before every other handler and end the update there
(python-telegram-bot's ApplicationHandlerStop), so the handlers need no checks of their own.
"""

from __future__ import annotations

import logging
from collections import deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, TypeHandler, filters

from bot.telegram.context import BotContext
from bot.telegram.senders import ANSWERED_SENDERS

log = logging.getLogger(__name__)


class RecentIds:
    """The last `size` ids seen; `first_time` is True once per id within that horizon."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self.seen: set[int] = set()
        self.order: deque[int] = deque()

    def first_time(self, value: int) -> bool:
        if value in self.seen:
            return False
        self.seen.add(value)
        self.order.append(value)
        if len(self.order) > self.size:
            self.seen.discard(self.order.popleft())
        return True


def gate_handlers() -> list[tuple[BaseHandler, int]]:
    """(handler, group) pairs for Application.add_handler, to run before every other handler.

    Telegram resends an update whose delivery it thinks failed (a webhook answer that timed out, a
    long poll whose offset was not confirmed before a restart); an update id seen in the last
    10,000 is dropped. Messages from other bots and automatic forwards from a linked channel are
    dropped as well, except the migration service messages, whatever their sender; so are edits
    (of messages and channel posts) and messages sent via a bot's inline mode."""
    recent = RecentIds()

    async def drop_duplicate(update: Update, context: BotContext) -> None:
        if not recent.first_time(update.update_id):
            log.info("update %s delivered again; ignored", update.update_id)
            raise ApplicationHandlerStop

    async def drop_unanswered_sender(update: Update, context: BotContext) -> None:
        raise ApplicationHandlerStop

    return [
        (TypeHandler(Update, drop_duplicate), -2),
        (MessageHandler(~ANSWERED_SENDERS & ~filters.StatusUpdate.MIGRATE, drop_unanswered_sender), -1),
        # An edit of a question already answered would be answered again at every typo fixed, and a
        # message sent through a bot's inline mode is that bot's text (often this bot's own answer).
        (MessageHandler(filters.UpdateType.EDITED | filters.VIA_BOT, drop_unanswered_sender), -1),
    ]
