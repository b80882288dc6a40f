"""The guided changes (/edit, /new, /event) as one python-telegram-bot ConversationHandler.

Why its persistence: a restart in the middle must lose only the draft and say so when the
administrator comes back. The conversation states are kept in BOT_DATA_DIR/conversations.pickle
(PicklePersistence, conversations only, flushed every second and on shutdown); the drafts are not
(bot/admin/drafts.py keeps them in memory), so after a restart the next step finds its state but no
draft and says "lost in a restart" instead of taking the administrator's text for a question.
Silence for BOT_AUTHORING_TIMEOUT minutes closes the conversation (the library's
conversation_timeout); /cancel closes it at any step.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import warnings
from pathlib import Path
from typing import Any

from babel.dates import format_timedelta
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    TypeHandler,
    filters,
)
from telegram.ext.filters import BaseFilter
from telegram.warnings import PTBUserWarning

from bot.engine.answer import Reply
from bot.i18n import _
from bot.telegram import edit_flow, event_flow, new_flow
from bot.telegram.callbacks import EditEntry, Step
from bot.telegram.context import BotContext
from bot.telegram.drafting import (
    ANSWER,
    CHOOSE,
    CONFIRM,
    DAY,
    END,
    ENTRY_ID,
    MENU,
    MORE,
    NO_LONGER_OPEN,
    OTHER_ANSWER,
    OTHER_QUESTION,
    PICK,
    QUESTION,
    REFUSAL,
    REMINDERS,
    TEXT,
    TIME,
    TITLE,
    TITLE_OTHER,
    VENUE,
    ZONE,
    on_cancel,
    on_confirm,
    on_unexpected,
    user_of,
)
from bot.telegram.runtime import Runtime

log = logging.getLogger(__name__)
PERSISTENCE_FILE = "conversations.pickle"
TIMED_OUT = _("The draft was closed after {duration} without an answer, so nothing changed.")


def persistence(data_dir: Path) -> PicklePersistence:
    """The conversations' persistence in `data_dir`. A file that cannot be read (damaged, or from
    another version) is set aside, not a reason to stop: it only costs the open drafts' states."""
    path = Path(data_dir) / PERSISTENCE_FILE
    if path.exists():
        try:
            with path.open("rb") as file:
                pickle.load(file)
        except Exception as error:      # noqa: BLE001 - any unreadable file is set aside
            log.warning("conversation states unreadable (%s); set aside as %s.broken", type(error).__name__, path.name)
            path.replace(path.with_name(path.name + ".broken"))
    return PicklePersistence(path, store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False,
                                                               callback_data=False), update_interval=1)


def with_edit_button(markup: InlineKeyboardMarkup | None, reply: Reply, message: Message,
                     runtime: Runtime) -> InlineKeyboardMarkup | None:
    """✏️ under an answer sent to a bot administrator in their private chat (for anyone else, the
    markup as it is)."""
    if reply.kind != "answer" or reply.entry_id is None or message.chat.type != "private" \
            or not runtime.gate.is_admin(message.chat.id):
        return markup
    return edit_flow.with_edit_button(markup, reply.entry_id, runtime.t(reply.lang, _("Edit this answer")))


async def on_timeout(update: object, context: BotContext) -> None:
    """Silence for the configured minutes: the draft goes, and the administrator is told."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if context.authoring.discard(user_of(update) or 0, "timed out"):
        duration = format_timedelta(dt.timedelta(minutes=context.settings.authoring_timeout), locale=context.lang)
        await context.bot.send_message(update.effective_chat.id, context.t(TIMED_OUT).format(duration=duration))


async def on_step_outside(update: Update, context: BotContext) -> None:
    """A button of a guided change pressed outside it: someone who is not an administrator (a
    forwarded message) gets the refusal; an administrator, that the draft is no longer open."""
    query = update.callback_query
    assert query is not None
    if not context.admins.allows(user_of(update), "authoring"):
        await query.answer(context.t(REFUSAL), show_alert=True)
        return
    await query.answer(context.t(NO_LONGER_OPEN)[:200], show_alert=True)


def conversation(private_chat: BaseFilter, timeout_minutes: float) -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    steps = Step.pattern()

    def on(handler: Any) -> list[BaseHandler[Any, Any, Any]]:
        return [MessageHandler(text, handler)]

    def press(handler: Any) -> list[BaseHandler[Any, Any, Any]]:
        return [CallbackQueryHandler(handler, pattern=steps)]

    with warnings.catch_warnings():
        # Buttons are tracked per chat and user, not per message, on purpose: a step's buttons are
        # its own (each carries its action), and an old one pressed later is answered, not followed.
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("edit", edit_flow.on_edit, filters=private_chat),
                          CommandHandler("new", new_flow.on_new, filters=private_chat),
                          CommandHandler("event", event_flow.on_event, filters=private_chat),
                          CallbackQueryHandler(edit_flow.on_edit_button, pattern=EditEntry.pattern())],
            states={
                PICK: on(edit_flow.on_pick_text) + press(edit_flow.on_pick_button),
                CHOOSE: press(edit_flow.on_choose),
                TEXT: on(edit_flow.on_text),
                QUESTION: on(new_flow.on_question),
                ANSWER: on(new_flow.on_answer),
                OTHER_QUESTION: on(new_flow.on_other_question) + press(new_flow.on_skip),
                OTHER_ANSWER: on(new_flow.on_other_answer) + press(new_flow.on_skip),
                MORE: on(new_flow.on_more) + press(new_flow.on_done),
                ENTRY_ID: on(new_flow.on_entry_id) + press(new_flow.on_entry_id),
                TITLE: on(event_flow.on_title),
                TITLE_OTHER: on(event_flow.on_title) + press(event_flow.on_title_skip),
                ZONE: press(event_flow.on_zone),
                DAY: on(event_flow.on_day),
                TIME: on(event_flow.on_time) + press(event_flow.on_time),
                VENUE: on(event_flow.on_venue) + press(event_flow.on_venue),
                REMINDERS: press(event_flow.on_reminder),
                MENU: press(event_flow.on_menu),
                CONFIRM: press(on_confirm),
                ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
            },
            fallbacks=[CommandHandler("cancel", on_cancel),
                       CallbackQueryHandler(on_cancel, pattern=r"^au1:cancel:"),
                       CallbackQueryHandler(on_unexpected, pattern=steps),
                       MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.Document.ALL,
                                      on_unexpected)],
            allow_reentry=True, conversation_timeout=timeout_minutes * 60,
            name="authoring", persistent=True)


def handlers(private_chat: BaseFilter, timeout_minutes: float) -> list[BaseHandler[Any, Any, Any]]:
    """The conversation first; then what reaches a step's buttons outside it."""
    return [conversation(private_chat, timeout_minutes),
            CallbackQueryHandler(on_step_outside, pattern=Step.pattern())]


__all__ = ["END", "handlers", "persistence", "with_edit_button"]
