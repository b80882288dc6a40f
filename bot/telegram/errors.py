"""The error handler: log the failed update, tell the user in a private chat, tell the administrators.

What leaves the process names the update by ids only (update, chat, user), never its text, and
never the token: Telegram's request URLs contain it, so it is removed from every message.
"""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import BadRequest

from bot.i18n import _
from bot.telegram.admin import notify_admins
from bot.telegram.context import BotContext
from bot.telegram.gate import PLEASE_WAIT
from bot.telegram.limiter import ChatBusy
from bot.telegram.sending import answer_query

log = logging.getLogger(__name__)
NOTIFY_EVERY_S = 60.0          # at most one notice per kind of error per minute: a broken path must not flood


def describe(update: object) -> str:
    """'update 12 (message, chat -100…, user 42)': ids only."""
    if not isinstance(update, Update):
        return "no update (a job)" if update is None else type(update).__name__
    kind = next((name for name in ("message", "edited_message", "callback_query", "inline_query", "my_chat_member",
                                   "chat_member", "channel_post") if getattr(update, name, None) is not None), "other")
    chat = update.effective_chat.id if update.effective_chat else None
    user = update.effective_user.id if update.effective_user else None
    return f"update {update.update_id} ({kind}, chat {chat}, user {user})"


def redact(text: str, *secrets: str | None) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    where = describe(update)
    if isinstance(error, ChatBusy):
        await _busy(update, context, error, where)
        return
    log.error("error while handling %s: %s", where, type(error).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            await context.bot.send_message(update.effective_chat.id,
                                           context.t(_("Sorry, something went wrong. Please try again.")))
        except Exception:   # noqa: BLE001 - the error report itself must not raise
            log.warning("could not tell the user about the error")
    runtime = context.runtime
    kind = type(error).__name__
    now = time.monotonic()
    if now - runtime.error_notices.get(kind, -NOTIFY_EVERY_S) < NOTIFY_EVERY_S:
        return
    runtime.error_notices[kind] = now
    detail = redact(f"{kind}: {str(error)[:300]}", context.settings.token_value)
    try:
        await notify_admins(context.application, lambda lang: runtime.t(lang, _(
            "⚠️ An error occurred while handling {update}: {error}")).format(update=where, error=detail))
    except Exception:   # noqa: BLE001
        log.warning("could not tell the administrators about the error")


async def _busy(update: object, context: BotContext, error: ChatBusy, where: str) -> None:
    """A message refused because its chat is busy (bot/telegram/limiter.py) is not a failure: the
    update is dropped; a pressed button still open hears "please wait"."""
    log.log(context.turn.log_level if context.turn is not None else logging.INFO, "%s dropped: %s", where,
            error.message)
    query = update.callback_query if isinstance(update, Update) else None
    if query is None:
        return
    try:
        await answer_query(query, context.t(PLEASE_WAIT))
    except BadRequest:          # already answered by the handler before its message was refused
        pass
