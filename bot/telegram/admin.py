"""Bot administrators (BOT_ADMINS) in Telegram: reload, upload, rollback, version, export,
unanswered (with teaching), stats. The work is done by bot/admin/knowledge.py; these handlers
parse the update, call it, and render. The sender is checked on every call, refusals audited.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters
from telegram.ext.filters import BaseFilter

from bot.admin.knowledge import UploadPreview
from bot.admin.knowledge_service import ReloadOutcome
from bot.admin.notice import Notice
from bot.admin.reports import outcome_text, stats_text, version_text
from bot.i18n import Translator, _
from bot.telegram.callbacks import Teach, UploadDecision
from bot.telegram.context import BotContext
from bot.telegram.runtime import RUNTIME_KEY, Runtime
from bot.telegram.sending import edit_pressed, reply_long, send_long
from bot.telegram.teaching import on_teach_button, on_unanswered

log = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
REFUSAL = _("Sorry, only the bot's administrators can do that.")


def admin_only(action: str) -> Callable[[Handler], Handler]:
    """Refuse politely (and audit) unless the sender is a bot administrator, checked every time."""
    def decorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(update: Update, context: BotContext) -> None:
            user_id = update.effective_user.id if update.effective_user else None
            if context.admins.allows(user_id, action):
                await handler(update, context)
                return
            if update.callback_query:
                await update.callback_query.answer(context.t(REFUSAL), show_alert=True)
            elif update.effective_message:
                await update.effective_message.reply_text(context.t(REFUSAL))
        return checked
    return decorator


def sender(update: Update) -> int:
    """The acting user's id (admin_only has made sure there is one)."""
    assert update.effective_user is not None
    return update.effective_user.id


def message_of(update: Update) -> Any:
    assert update.effective_message is not None
    return update.effective_message


async def notify_admins(application: Application[Any, Any, Any, Any, Any, Any],
                        make_text: Callable[[str], str]) -> None:
    """Tell every administrator, each in their own language; one who never opened a chat is skipped."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    for admin_id in sorted(runtime.settings.admins):
        lang = runtime.store.user_language(admin_id) or runtime.settings.default_language
        try:
            await send_long(application.bot, admin_id, make_text(lang))
        except TelegramError as exc:
            log.warning("could not notify administrator %s: %s", admin_id, exc)


async def reload_and_notify(application: Application[Any, Any, Any, Any, Any, Any], action: str) -> ReloadOutcome:
    """Reload on SIGHUP or on a file change, and tell the administrators how it went."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    outcome = await runtime.knowledge_admin.reload(None, action)
    log.info("reload (%s): %s", action, "ok, version " + str(outcome.version) if outcome.ok else "failed")
    await notify_admins(application, lambda lang: outcome_text(outcome, runtime.catalogs.for_language(lang)))
    return outcome


def _gettext(context: BotContext) -> Translator:
    return context.runtime.catalogs.for_language(context.lang)


# -- /reload, /kbversion, /rollback, /export ------------------------------------------------------
@admin_only("reload")
async def on_reload(update: Update, context: BotContext) -> None:
    outcome = await context.knowledge_admin.reload(sender(update), "reload")
    await reply_long(message_of(update), outcome_text(outcome, _gettext(context)))


@admin_only("kbversion")
async def on_kbversion(update: Update, context: BotContext) -> None:
    report = context.knowledge_admin.version(sender(update))
    await reply_long(message_of(update), version_text(report, _gettext(context), context.lang, context.settings.zone))


@admin_only("rollback")
async def on_rollback(update: Update, context: BotContext) -> None:
    outcome = await context.knowledge_admin.rollback(sender(update))
    if outcome is None:
        await message_of(update).reply_text(context.t(_("There is no earlier version to go back to.")))
        return
    await reply_long(message_of(update), outcome_text(outcome, _gettext(context)))


@admin_only("export")
async def on_export(update: Update, context: BotContext) -> None:
    for path in context.knowledge_admin.export(sender(update)):
        await message_of(update).reply_document(InputFile(path.read_bytes(), filename=path.name))


@admin_only("stats")
async def on_stats(update: Update, context: BotContext) -> None:
    stats = context.knowledge_admin.stats(sender(update), context.settings.zone)
    await reply_long(message_of(update), stats_text(stats, _gettext(context), context.lang))


# -- uploads -------------------------------------------------------------------------------------
@admin_only("upload")
async def on_document(update: Update, context: BotContext) -> None:
    message = message_of(update)
    document = message.document
    service = context.knowledge_admin
    admitted = service.admit_upload(sender(update), document.file_name, document.file_size)
    if isinstance(admitted, Notice):
        await message.reply_text(admitted.render(_gettext(context)))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    preview = await service.preview_upload(sender(update), admitted, data)
    if isinstance(preview, Notice):
        await message.reply_text(preview.render(_gettext(context)))
        return
    await reply_long(message, *_preview(preview, context))


def _preview(preview: UploadPreview, context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    if preview.token is None:
        return outcome_text(preview.outcome, _gettext(context)), None
    headline = context.t(_("{file} is valid. If you install it:")).format(file=preview.name)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(context.t(_("Install")), callback_data=UploadDecision(True, preview.token).encode()),
        InlineKeyboardButton(context.t(_("Cancel")), callback_data=UploadDecision(False, preview.token).encode()),
    ]])
    return outcome_text(preview.outcome, _gettext(context), headline), keyboard


@admin_only("upload-confirm")
async def on_upload_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    decision = await context.pressed(UploadDecision)
    service = context.knowledge_admin
    if decision is None:
        return
    if not decision.confirm:
        name = service.cancel_upload(sender(update), decision.token)
        if name is None:
            await query.answer(context.t(_("That upload is no longer waiting.")), show_alert=True)
            return
        await query.answer()
        await edit_pressed(query, context.t(_("Cancelled: nothing changed.")))
        return
    outcome = await service.confirm_upload(sender(update), decision.token)
    if outcome is None:
        await query.answer(context.t(_("That upload is no longer waiting.")), show_alert=True)
        return
    await query.answer()
    await edit_pressed(query)
    await reply_long(message_of(update), outcome_text(outcome, _gettext(context)))


# -- watching the knowledge directory -------------------------------------------------------------
def start_watching(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Poll the directory; reload once it has stopped changing for one interval (debounce). Files
    that already hold the loaded version (the bot's own installs) need no reload."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    service = runtime.knowledge_admin
    state = {"loaded": service.fingerprint(), "seen": None}

    async def tick(context: BotContext) -> None:
        current = await asyncio.to_thread(service.fingerprint)
        if current == state["loaded"]:
            state["seen"] = None
        elif current != state["seen"]:
            state["seen"] = current          # still changing (or just changed): wait one more tick
        else:
            state["loaded"], state["seen"] = current, None
            on_disk = await asyncio.to_thread(service.knowledge.version_on_disk)
            if on_disk != service.knowledge.engine.kb.version:
                await reload_and_notify(application, "watch")

    interval = runtime.settings.watch_interval
    assert application.job_queue is not None
    application.job_queue.run_repeating(tick, interval=interval, first=interval, name="watch")


def handlers(private_chat: BaseFilter) -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("reload", on_reload, filters=private_chat),
        CommandHandler("kbversion", on_kbversion, filters=private_chat),
        CommandHandler("rollback", on_rollback, filters=private_chat),
        CommandHandler("export", on_export, filters=private_chat),
        CommandHandler("unanswered", admin_only("unanswered")(on_unanswered), filters=private_chat),
        CommandHandler("stats", on_stats, filters=private_chat),
        MessageHandler(private_chat & filters.Document.ALL, on_document),
        CallbackQueryHandler(on_upload_button, pattern=UploadDecision.pattern()),
        CallbackQueryHandler(admin_only("teach")(on_teach_button), pattern=Teach.pattern()),
    ]
