"""Events, group subscriptions and announcements on Telegram; the outbox logic is in bot/announce.py."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta
from telegram import ChatMember, ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (Application, CallbackQueryHandler, ChatMemberHandler, CommandHandler, ContextTypes,
                          MessageHandler, filters)

from bot import LANGUAGES
from bot.announce import Migrated, Removed, RetryLater, Transient, compose, deliver_pending
from bot.i18n import _, language_name, negotiate
from bot.knowledge.events import event_text
from bot.telegram.admin import admin_only, notify_admins, reply_long
from bot.telegram.groups import introduce_later, require_group_admin
from bot.telegram.runtime import RUNTIME_KEY, Runtime, runtime_of, take_pending

log = logging.getLogger(__name__)
IN_GROUP = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)
LANGUAGE_CHOICES = (("id",), ("ko",), ("en",), ("id", "ko"), ("id", "en"), ("ko", "en"), ("id", "ko", "en"))


class Rejected(Exception):
    """Telegram refused this one message (for example a malformed text): do not retry."""


# -- the bot joins, leaves, or its group moves --------------------------------------------------------
async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change: ChatMemberUpdated = update.my_chat_member
    runtime = runtime_of(context)
    chat = change.chat
    if chat.type not in ("group", "supergroup"):
        return
    was_in = change.old_chat_member.status in IN_GROUP
    is_in = change.new_chat_member.status in IN_GROUP
    if is_in and not was_in:
        runtime.outbox.joined(chat.id, chat.title or "")
        lang = negotiate(change.from_user.language_code if change.from_user else None,
                         runtime.settings.default_language)
        introduce_later(context, chat.id, lang)     # not now: this may be a migration reported early
    elif was_in and not is_in:
        runtime.outbox.left(chat.id)


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    runtime = runtime_of(context)
    if message.migrate_to_chat_id:
        runtime.outbox.migrated(message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        runtime.outbox.migrated(message.migrate_from_chat_id, message.chat.id)


# -- group administrators: subscription and languages -------------------------------------------------
async def _group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    return await require_group_admin(update, context, _("Sorry, only the group's administrators can change that."))


def _language_list(codes) -> str:
    return ", ".join(language_name(code) for code in codes)


async def on_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _group_admin(update, context):
        return
    runtime = runtime_of(context)
    chat = update.effective_chat
    runtime.outbox.subscribe(chat.id, chat.title or "", True)
    group = runtime.outbox.group(chat.id)
    lang = runtime.chat_language(update)
    await update.effective_message.reply_text(runtime.t(lang, _(
        "Subscribed: this group will receive event announcements in {languages}. Change with /languages, stop "
        "with /unsubscribe.")).format(languages=_language_list(group.languages)))


async def on_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _group_admin(update, context):
        return
    runtime = runtime_of(context)
    chat = update.effective_chat
    runtime.outbox.subscribe(chat.id, chat.title or "", False)
    await update.effective_message.reply_text(runtime.t(runtime.chat_language(update), _(
        "Unsubscribed: no more announcements here. /subscribe to receive them again.")))


async def on_languages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/languages id ko` sets the announcement languages; without codes, buttons."""
    if not await _group_admin(update, context):
        return
    runtime = runtime_of(context)
    lang = runtime.chat_language(update)
    codes = [code.lower() for code in context.args or []]
    if codes and all(code in LANGUAGES for code in codes):
        await _set_languages(update, runtime, tuple(dict.fromkeys(codes)), lang)
        return
    rows = [[InlineKeyboardButton(" + ".join(language_name(c) for c in choice), callback_data="sl:" + ",".join(choice))]
            for choice in LANGUAGE_CHOICES]
    await update.effective_message.reply_text(
        runtime.t(lang, _("In which languages should announcements come here? (or: /languages id ko)")),
        reply_markup=InlineKeyboardMarkup(rows))


async def on_languages_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _group_admin(update, context):
        return
    runtime = runtime_of(context)
    codes = tuple(c for c in update.callback_query.data.split(":", 1)[1].split(",") if c in LANGUAGES)
    await update.callback_query.answer()
    if codes:
        await _set_languages(update, runtime, codes, runtime.chat_language(update))


async def _set_languages(update: Update, runtime: Runtime, codes: tuple[str, ...], lang: str) -> None:
    chat = update.effective_chat
    runtime.outbox.set_languages(chat.id, chat.title or "", codes)
    await update.effective_message.reply_text(runtime.t(lang, _("Announcements here will be in {languages}.")).format(
        languages=_language_list(codes)))


# -- /events ------------------------------------------------------------------------------------------
async def on_events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    lang = runtime.chat_language(update)
    show_past = bool(context.args) and context.args[0].lower() in ("past", "lalu", "지난", "sebelumnya")
    kind = "past_events" if show_past else "events"
    header = runtime.t(lang, _("Past events:") if show_past else _("Upcoming events:"))
    text = runtime.engine.events_text(header, kind, lang, runtime.now())
    if not show_past:
        text += "\n\n" + runtime.t(lang, _("Past events: /events past"))
    await reply_long(update.effective_message, text)


# -- bot administrators: /announce, /announcements --------------------------------------------------------
_LANG_LINE = re.compile(r"^\s*(id|ko|en)\s*:\s*(.*)$", re.IGNORECASE)
_AT_LINE = re.compile(r"^\s*at\s*:\s*(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2})\s*(WIB|KST)?\s*$", re.IGNORECASE)


def parse_announcement(text: str, default_zone: str) -> tuple[dict[str, str], dt.datetime | None]:
    """'at: 2026-12-01 09:00 WIB' (optional), then 'id: …', 'ko: …', 'en: …' or one text for all."""
    lines = text.strip().splitlines()
    send_at = None
    if lines and (match := _AT_LINE.match(lines[0])):
        zone = {"WIB": "Asia/Jakarta", "KST": "Asia/Seoul"}.get((match.group(2) or "").upper(), default_zone)
        send_at = dt.datetime.fromisoformat(match.group(1).replace(" ", "T")).replace(tzinfo=ZoneInfo(zone))
        lines = lines[1:]
    texts: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if match := _LANG_LINE.match(line):
            current = match.group(1).lower()
            texts[current] = [match.group(2)]
        elif current:
            texts[current].append(line)
        else:
            texts.setdefault("*", []).append(line)
    joined = {lang: "\n".join(parts).strip() for lang, parts in texts.items()}
    if "*" in joined:
        everyone = joined.pop("*")
        if everyone:
            joined = {lang: joined.get(lang) or everyone for lang in LANGUAGES}
    return {lang: text for lang, text in joined.items() if text}, send_at


def preview_text(runtime: Runtime, lang: str, texts: dict[str, str], send_at: dt.datetime | None) -> str:
    kinds = sorted({group.languages for group in runtime.outbox.subscribers()}) or [(code,) for code in LANGUAGES]
    when = (format_datetime(send_at, "medium", tzinfo=send_at.tzinfo, locale=lang) if send_at
            else runtime.t(lang, _("now")))
    parts = [runtime.t(lang, _("Preview. It goes out {when} to {groups} subscribed groups.")).format(
        when=when, groups=len(runtime.outbox.subscribers()))]
    for languages in kinds:
        parts.append(runtime.t(lang, _("Groups in {languages} see:")).format(languages=_language_list(languages)))
        parts.append(compose(texts, languages))
    return "\n\n".join(parts)


@admin_only("announce")
async def on_announce(update: Update, context, runtime: Runtime, lang: str) -> None:
    message = update.effective_message
    parts = message.text.split(maxsplit=1)          # '/announce' then everything after it, lines kept
    body = parts[1] if len(parts) > 1 else ""
    if not body.strip():
        await message.reply_text(runtime.t(lang, _(
            "Write the announcement after /announce. One text for every language:\n/announce The seminar starts "
            "at 09:00.\nOr one text per language, and optionally a time (WIB or KST):\n/announce\nat: 2026-12-01 "
            "09:00 WIB\nid: Seminar dimulai pukul 09.00.\nko: 세미나는 9시에 시작합니다.\nen: The seminar starts at 09:00.")))
        return
    try:
        texts, send_at = parse_announcement(body, runtime.settings.timezone)
    except ValueError:
        await message.reply_text(runtime.t(lang, _("I could not read the time; write it as at: 2026-12-01 09:00 WIB")))
        return
    if not texts:
        await message.reply_text(runtime.t(lang, _("The announcement has no text.")))
        return
    if send_at is not None and send_at.timestamp() <= runtime.clock():
        await message.reply_text(runtime.t(lang, _("That time has already passed.")))
        return
    token = secrets.token_hex(4)
    runtime.pending_announcements[update.effective_user.id] = (token, texts, send_at)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(runtime.t(lang, _("Send")), callback_data=f"an:yes:{token}"),
        InlineKeyboardButton(runtime.t(lang, _("Cancel")), callback_data=f"an:no:{token}")]])
    await message.reply_text(preview_text(runtime, lang, texts, send_at), reply_markup=keyboard)


@admin_only("announce-confirm")
async def on_announce_button(update: Update, context, runtime: Runtime, lang: str) -> None:
    query = update.callback_query
    _prefix, decision, token = query.data.split(":", 2)
    user_id = update.effective_user.id
    if decision == "cancel":                      # an:cancel:<id> from /announcements
        cancelled = runtime.outbox.cancel(int(token))
        runtime.store.audit(user_id, "announcement-cancel", "ok" if cancelled else "too late", token)
        await query.answer(runtime.t(lang, _("Cancelled.") if cancelled else _("It is already going out.")),
                           show_alert=not cancelled)
        return
    pending = take_pending(runtime.pending_announcements, user_id, token)
    if pending is None:
        await query.answer(runtime.t(lang, _("That announcement is no longer waiting.")), show_alert=True)
        return
    texts, send_at = pending
    await query.answer()
    await query.edit_message_reply_markup(None)
    if decision != "yes":
        runtime.store.audit(user_id, "announce", "cancelled")
        await query.message.reply_text(runtime.t(lang, _("Cancelled: nothing was sent.")))
        return
    at = send_at.timestamp() if send_at else runtime.clock()
    announcement_id = runtime.outbox.schedule(texts, at, user_id)
    runtime.store.audit(user_id, "announce", "scheduled", f"#{announcement_id}")
    await query.message.reply_text(runtime.t(lang, _("Announcement #{id} is in the outbox; you will get a delivery "
                                                      "report.")).format(id=announcement_id))
    context.application.job_queue.run_once(outbox_tick, 0)


@admin_only("announcements")
async def on_announcements(update: Update, context, runtime: Runtime, lang: str) -> None:
    rows = []
    lines = []
    zone = ZoneInfo(runtime.settings.timezone)
    for item in runtime.outbox.recent(10):
        counts = item["counts"]
        when = format_datetime(item["send_at"], "short", tzinfo=zone, locale=lang)
        first = next(iter(item["texts"].values()))[:60]
        kind = "⏰" if item["reminder"] else "📣"
        lines.append(runtime.t(lang, _("{kind} #{id} {status} {when}: sent {sent}, pending {pending}, failed {failed} — "
                                        "{text}")).format(kind=kind, id=item["id"], status=item["status"], when=when,
                                                          sent=counts["sent"], pending=counts["pending"],
                                                          failed=counts["failed"], text=first))
        if item["status"] == "scheduled":
            rows.append([InlineKeyboardButton(runtime.t(lang, _("Cancel #{id}")).format(id=item["id"]),
                                              callback_data=f"an:cancel:{item['id']}")])
    runtime.store.audit(update.effective_user.id, "announcements", "ok")
    text = "\n".join(lines) or runtime.t(lang, _("No announcements yet."))
    await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


# -- the outbox job -----------------------------------------------------------------------------------
def reminder_texts(runtime: Runtime, event, offset: dt.timedelta) -> dict[str, str]:
    engine = runtime.engine
    texts = {}
    for lang in LANGUAGES:
        when = format_timedelta(offset, add_direction=True, locale=lang)
        header = runtime.t(lang, _("⏰ Reminder: {when}")).format(when=when)
        texts[lang] = header + "\n" + event_text(event, lang, lambda t, lang=lang: engine.kb.render(t, lang))
    return texts


def sync_reminders(runtime: Runtime) -> dict:
    result = runtime.outbox.sync_reminders(runtime.engine.kb.events,
                                           lambda event, offset: reminder_texts(runtime, event, offset))
    log.info("event reminders: %s", result)
    return result


async def send_to_group(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> int:
    """Telegram's answers, as the outbox understands them."""
    try:
        message = await context.bot.send_message(chat_id, text)
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


async def outbox_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Release due announcements, deliver, report. One tick at a time: the repeating job and an
    immediate run after /announce must never send the same pending row twice."""
    runtime: Runtime = context.application.bot_data[RUNTIME_KEY]
    if runtime.outbox_lock.locked():       # a tick is already delivering; it will see any new rows
        return
    async with runtime.outbox_lock:
        await _tick(context, runtime)


async def _tick(context: ContextTypes.DEFAULT_TYPE, runtime: Runtime) -> None:
    outbox = runtime.outbox
    outbox.release_due()

    async def send(chat_id: int, text: str) -> int:
        try:
            return await send_to_group(context, chat_id, text)
        except Rejected as error:
            raise Transient(str(error)) from error       # counted, and given up after a few attempts

    while await deliver_pending(outbox, send):
        pass
    for announcement_id in outbox.finished_unreported():
        await report(context.application, runtime, announcement_id)


async def report(application: Application, runtime: Runtime, announcement_id: int) -> None:
    item = runtime.outbox.announcement(announcement_id)
    counts = runtime.outbox.counts(announcement_id)

    def text(lang: str) -> str:
        reasons = ", ".join(f"{reason} ({n})" for reason, n in counts["reasons"].items())
        line = runtime.t(lang, _("Delivery report for #{id}: sent to {sent} groups, failed {failed}.")).format(
            id=announcement_id, sent=counts["sent"], failed=counts["failed"])
        return line + (f"\n{reasons}" if reasons else "")

    if item["created_by"] is not None:
        lang = runtime.store.user_language(item["created_by"]) or runtime.settings.default_language
        try:
            await application.bot.send_message(item["created_by"], text(lang))
        except Exception as error:      # noqa: BLE001 - a report must never stop the outbox
            log.warning("could not send the delivery report of #%s: %s", announcement_id, error)
    elif counts["failed"]:
        await notify_admins(application, text)
    runtime.outbox.mark_reported(announcement_id)


def start(application: Application) -> None:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    sync_reminders(runtime)
    runtime.knowledge.listeners.append(lambda engine: sync_reminders(runtime))
    application.job_queue.run_repeating(outbox_tick, interval=runtime.settings.outbox_interval, first=0,
                                        name="outbox", job_kwargs={"max_instances": 1, "coalesce": True})


def handlers(private_chat, group_chat) -> list:
    return [
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration),
        CommandHandler("subscribe", on_subscribe, filters=group_chat),
        CommandHandler("unsubscribe", on_unsubscribe, filters=group_chat),
        CommandHandler("languages", on_languages, filters=group_chat),
        CallbackQueryHandler(on_languages_button, pattern=r"^sl:"),
        CommandHandler("events", on_events),
        CommandHandler("announce", on_announce, filters=private_chat),
        CommandHandler("announcements", on_announcements, filters=private_chat),
        CallbackQueryHandler(on_announce_button, pattern=r"^an:"),
    ]
