"""Bot administrators' /announce and /announcements, and the outbox job that delivers them.

The work is in bot/admin/announcements.py (drafts, confirmation, outbox tick, reports); this module
parses updates, renders, and maps Telegram's answers to what the outbox understands.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler
from telegram.ext.filters import BaseFilter

from bot.admin.announcements import DeliveryReport, Draft, listing_lines, preview_text, report_text
from bot.admin.notice import Notice
from bot.i18n import _
from bot.outbox import Migrated, Removed, RetryLater, Transient
from bot.telegram.admin import admin_only, message_of, notify_admins, sender
from bot.telegram.callbacks import AnnounceDecision, CancelAnnouncement
from bot.telegram.context import BotContext
from bot.telegram.runtime import RUNTIME_KEY, Runtime
from bot.telegram.sending import edit_pressed, reply_long, send_long

log = logging.getLogger(__name__)


@admin_only("announce")
async def on_announce(update: Update, context: BotContext) -> None:
    message = message_of(update)
    parts = (message.text or "").split(maxsplit=1)      # '/announce' then everything after it, lines kept
    draft = context.announcements.draft(sender(update), parts[1] if len(parts) > 1 else "")
    gettext = context.runtime.catalogs.for_language(context.lang)
    if isinstance(draft, Notice):
        await message.reply_text(draft.render(gettext))
        return
    await reply_long(message, preview_text(draft, gettext, context.lang), _decision_keyboard(context, draft))


def _decision_keyboard(context: BotContext, draft: Draft) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(context.t(_("Send")), callback_data=AnnounceDecision(True, draft.token).encode()),
        InlineKeyboardButton(context.t(_("Cancel")), callback_data=AnnounceDecision(False, draft.token).encode())]])


@admin_only("announce-confirm")
async def on_announce_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    decision = await context.pressed(AnnounceDecision)
    desk = context.announcements
    if decision is None:
        return
    if not decision.confirm:
        if not desk.discard(sender(update), decision.token):
            await query.answer(context.t(_("That announcement is no longer waiting.")), show_alert=True)
            return
        await query.answer()
        await edit_pressed(query)
        await message_of(update).reply_text(context.t(_("Cancelled: nothing was sent.")))
        return
    announcement_id = desk.confirm(sender(update), decision.token)
    if announcement_id is None:
        await query.answer(context.t(_("That announcement is no longer waiting.")), show_alert=True)
        return
    await query.answer()
    await edit_pressed(query)
    await message_of(update).reply_text(context.t(_("Announcement #{id} is in the outbox; you will get a delivery "
                                                "report.")).format(id=announcement_id))
    job_queue: Any = context.application.job_queue      # typed by the application's context, BotContext
    assert job_queue is not None
    job_queue.run_once(outbox_tick, 0)


@admin_only("announcement-cancel")
async def on_cancel_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    button = await context.pressed(CancelAnnouncement)
    if button is None:
        return
    cancelled = context.announcements.cancel(sender(update), button.announcement_id)
    await query.answer(context.t(_("Cancelled.") if cancelled else _("It is already going out.")),
                       show_alert=not cancelled)


@admin_only("announcements")
async def on_announcements(update: Update, context: BotContext) -> None:
    items = context.announcements.recent(sender(update), 10)
    gettext = context.runtime.catalogs.for_language(context.lang)
    lines = listing_lines(items, gettext, context.lang, context.settings.zone)
    rows = [[InlineKeyboardButton(context.t(_("Cancel #{id}")).format(id=item["id"]),
                                  callback_data=CancelAnnouncement(item["id"]).encode())]
            for item in items if item["status"] == "scheduled"]
    text = "\n".join(lines) or context.t(_("No announcements yet."))
    await reply_long(message_of(update), text, InlineKeyboardMarkup(rows) if rows else None)


# -- the outbox job -----------------------------------------------------------------------------------
class Rejected(Exception):
    """Telegram refused this one message (for example a malformed text): do not retry."""


async def send_to_group(context: BotContext, chat_id: int, text: str) -> int:
    """Telegram's answers, as the outbox understands them. A text over one message's limit goes
    out in parts; the last part's id is returned."""
    try:
        message = await send_long(context.bot, chat_id, text)
    except Forbidden as error:
        raise Removed(str(error)) from error
    except ChatMigrated as error:
        raise Migrated(error.new_chat_id) from error
    except RetryAfter as error:
        raise RetryLater(error.retry_after.total_seconds() if isinstance(error.retry_after, dt.timedelta)
                         else float(error.retry_after)) from error
    except (TimedOut, NetworkError) as error:
        if isinstance(error, BadRequest):
            if "chat not found" in str(error).lower():
                raise Removed(str(error)) from error
            raise Rejected(str(error)) from error
        raise Transient(str(error)) from error
    return message.message_id


async def outbox_tick(context: BotContext) -> None:
    """Release due announcements, deliver, report (one tick at a time, see AnnouncementDesk.tick)."""
    runtime = context.runtime

    async def send(chat_id: int, text: str) -> int:
        if not context.application.running:
            # Stopping: leave the rest in the outbox for the next start instead of holding the stop.
            raise asyncio.CancelledError
        try:
            return await send_to_group(context, chat_id, text)
        except Rejected as error:
            raise Transient(str(error)) from error       # counted, and given up after a few attempts

    async def report(delivery: DeliveryReport) -> None:
        await send_report(context.application, runtime, delivery)

    await runtime.desk.tick(send, report)


async def send_report(application: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime,
                      delivery: DeliveryReport) -> None:
    """To the administrator who wrote it; for reminders and the command line, to every administrator
    when something failed."""
    def text(lang: str) -> str:
        return report_text(delivery, runtime.catalogs.for_language(lang))

    if delivery.created_by is not None:
        lang = runtime.store.user_language(delivery.created_by) or runtime.settings.default_language
        try:
            await send_long(application.bot, delivery.created_by, text(lang))
        except Exception as error:      # noqa: BLE001 - a report must never stop the outbox
            log.warning("could not send the delivery report of #%s: %s", delivery.announcement_id, error)
    elif delivery.counts["failed"]:
        await notify_admins(application, text)


def sync_reminders(runtime: Runtime) -> dict[str, int]:
    result = runtime.desk.sync_reminders(runtime.engine.kb, runtime.catalogs)
    log.info("event reminders: %s", result)
    return result


def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    sync_reminders(runtime)
    runtime.knowledge.listeners.append(lambda engine: sync_reminders(runtime))
    assert application.job_queue is not None
    application.job_queue.run_repeating(outbox_tick, interval=runtime.settings.outbox_interval, first=0,
                                        name="outbox", job_kwargs={"max_instances": 1, "coalesce": True})


def handlers(private_chat: BaseFilter) -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("announce", on_announce, filters=private_chat),
        CommandHandler("announcements", on_announcements, filters=private_chat),
        CallbackQueryHandler(on_announce_button, pattern=AnnounceDecision.pattern()),
        CallbackQueryHandler(on_cancel_button, pattern=CancelAnnouncement.pattern()),
    ]
