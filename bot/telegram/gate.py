"""What no handler should see: an update delivered twice, messages the bot never answers, a button
press with no data, and presses and inline queries over their sender's budget.

All are registered in handler groups before every other handler and end the update there
(python-telegram-bot's ApplicationHandlerStop), so the handlers need no checks of their own.
"""

from __future__ import annotations

import logging
from collections import deque

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.i18n import _
from bot.telegram.callbacks import STALE
from bot.telegram.context import BotContext
from bot.telegram.senders import ANSWERED_SENDERS
from bot.telegram.sending import answer_query

PLEASE_WAIT = _("Too many requests here right now. Please wait a moment, then try again.")

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
        *budget_handlers(),
        (TypeHandler(Update, drop_duplicate), -2),
        (MessageHandler(~ANSWERED_SENDERS & ~filters.StatusUpdate.MIGRATE, drop_unanswered_sender), -1),
        # An edit of a question already answered would be answered again at every typo fixed, and a
        # message sent through a bot's inline mode is that bot's text (often this bot's own answer).
        (MessageHandler(filters.UpdateType.EDITED | filters.VIA_BOT, drop_unanswered_sender), -1),
    ]


def budget_handlers() -> list[tuple[BaseHandler, int]]:
    """Button presses and inline queries, before any handler works on them.

    A press without data (python-telegram-bot routes it to every CallbackQueryHandler, whatever
    its pattern) is answered like an old button, and no handler (none of the administrators'
    audited ones) sees it. Every other press spends its chat's answer budget (a group's, or the
    presser's own in a private chat) before it can queue a message, and a press the chat cannot
    afford now (budget spent, or a group with no messages left this minute: see
    bot/telegram/limiter.py) is answered "please wait" at once. An inline query spends its sender's
    inline budget; over it, it gets no results."""

    async def check_press(update: Update, context: BotContext) -> None:
        query = update.callback_query
        assert query is not None and context.turn is not None
        if not query.data and not query.game_short_name:
            log.info("update %s: a button press without data; answered as an old button", update.update_id)
            await answer_query(query, context.t(STALE), alert=True)
            raise ApplicationHandlerStop
        chat_id = context.turn.chat_id
        if not context.turn.may_send() or (chat_id is not None and not context.runtime.limiter.can_send(chat_id)):
            log.log(context.turn.log_level, "update %s: button pressed in busy chat %s; answered 'please wait'",
                    update.update_id, chat_id)
            await answer_query(query, context.t(PLEASE_WAIT))
            raise ApplicationHandlerStop

    async def check_inline(update: Update, context: BotContext) -> None:
        assert update.inline_query is not None and context.turn is not None
        if not context.turn.may_send():
            log.log(context.turn.log_level, "update %s: inline query over its sender's budget; no results",
                    update.update_id)
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            raise ApplicationHandlerStop

    return [(CallbackQueryHandler(check_press), -1), (InlineQueryHandler(check_inline), -1)]
