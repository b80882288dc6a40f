"""Bot administrators (BOT_ADMINS): reload, upload, rollback, version, export, unanswered, stats.

Every handler checks the sender against BOT_ADMINS on every call, and every action, allowed or
refused, is written to the audit table.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
import time
from html import escape

from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_percent
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.i18n import _
from bot.knowledge.installer import InstallError, safe_file_name
from bot.knowledge.loader import knowledge_files
from bot.knowledge.located import decode_utf8, YamlProblem
from bot.knowledge_service import ReloadOutcome
from bot.telegram.runtime import RUNTIME_KEY, Runtime, runtime_of, take_pending
from bot.unanswered import group_questions, yaml_snippet

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 1024 * 1024
SCREENFUL_PROBLEMS = 15
WATCH_INTERVAL_S = 1.0


def admin_only(action: str):
    """Refuse politely (and audit) unless the sender is a bot administrator, checked every time."""
    def decorator(handler):
        @functools.wraps(handler)
        async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            runtime = runtime_of(context)
            user_id = update.effective_user.id if update.effective_user else None
            if not runtime.is_admin(update):
                runtime.store.audit(user_id, action, "refused")
                text = runtime.t(runtime.user_language(update), _("Sorry, only the bot's administrators can do that."))
                if update.callback_query:
                    await update.callback_query.answer(text, show_alert=True)
                else:
                    await update.effective_message.reply_text(text)
                return
            await handler(update, context, runtime, runtime.user_language(update))
        return checked
    return decorator


# -- reporting ---------------------------------------------------------------------------------
def outcome_text(runtime: Runtime, lang: str, outcome: ReloadOutcome, headline: str | None = None) -> str:
    t = lambda message: runtime.t(lang, message)  # noqa: E731
    gettext = runtime.catalogs.for_language(lang)
    if not outcome.ok:
        lines = [t(_("❌ The knowledge base has errors, so nothing changed: the bot keeps answering from the "
                     "previous version."))]
        lines += [p.render(gettext) for p in outcome.problems[:SCREENFUL_PROBLEMS]]
        rest = len(outcome.problems) - SCREENFUL_PROBLEMS
        if rest > 0:
            lines.append(t(_("…and {count} more.")).format(count=rest))
        return "\n".join(lines)
    d = outcome.diff
    none = t(_("none"))
    lines = [headline or t(_("✅ Knowledge base reloaded: version {version}, {entries} entries.")).format(
                 version=outcome.version, entries=d.entries),
             t(_("Added: {ids}")).format(ids=", ".join(d.added) or none),
             t(_("Removed: {ids}")).format(ids=", ".join(d.removed) or none),
             t(_("Changed: {ids}")).format(ids=", ".join(d.changed) or none),
             t(_("Phrasings: {counts}")).format(counts=", ".join(
                 f"{lang_} {before}→{after}" if before != after else f"{lang_} {after}"
                 for lang_, (before, after) in d.phrasings.items()))]
    if d.events_changed:
        lines.append(t(_("Events changed: {ids}")).format(ids=", ".join(d.events_changed)))
    if d.facts_changed:
        lines.append(t(_("Facts, names and synonyms changed: {keys}")).format(keys=", ".join(d.facts_changed)))
    if outcome.problems:
        lines.append(t(_("Warnings: {count}")).format(count=len(outcome.problems)))
        lines += [p.render(gettext) for p in outcome.problems[:5]]
    return "\n".join(lines)


async def reply_long(message, text: str) -> None:
    from bot.telegram.render import split_message
    for part in split_message(text):
        await message.reply_text(part, parse_mode=ParseMode.HTML)


async def notify_admins(application: Application, make_text) -> None:
    """Tell every administrator, each in their own language; one who never opened a chat is skipped."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    from bot.telegram.render import split_message
    for admin_id in sorted(runtime.settings.admins):
        lang = runtime.store.user_language(admin_id) or runtime.settings.default_language
        try:
            for part in split_message(make_text(lang)):
                await application.bot.send_message(admin_id, part, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("could not notify administrator %s: %s", admin_id, exc)


async def reload_and_notify(application: Application, action: str) -> ReloadOutcome:
    """Reload on SIGHUP or on a file change, and tell the administrators how it went."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    outcome = await runtime.knowledge.reload(None, action)
    log.info("reload (%s): %s", action, "ok, version " + outcome.version if outcome.ok else "failed")
    await notify_admins(application, lambda lang: outcome_text(runtime, lang, outcome))
    return outcome


# -- /reload, /kbversion, /rollback, /export ------------------------------------------------------
@admin_only("reload")
async def on_reload(update: Update, context, runtime: Runtime, lang: str) -> None:
    outcome = await runtime.knowledge.reload(update.effective_user.id, "reload")
    await reply_long(update.effective_message, outcome_text(runtime, lang, outcome))


@admin_only("kbversion")
async def on_kbversion(update: Update, context, runtime: Runtime, lang: str) -> None:
    kb = runtime.engine.kb
    info = runtime.store.version_info(kb.version)
    tz = runtime.settings.timezone
    lines = [runtime.t(lang, _("Version {version}: {entries} entries in {files} files.")).format(
        version=kb.version, entries=len(kb.entries), files=len(kb.files))]
    if info:
        at, user_id, action = info
        who = str(user_id) if user_id is not None else runtime.t(lang, _("the bot itself"))
        lines.append(runtime.t(lang, _("Installed {when} by {who} ({action}).")).format(
            when=format_datetime(at, "medium", tzinfo=_zone(tz), locale=lang), who=who, action=action))
    lines.append(runtime.t(lang, _("Loaded {ago} ago.")).format(
        ago=format_timedelta(time.time() - runtime.knowledge.loaded_at, locale=lang)))
    lines += [f"{name}  {digest}" for name, digest in kb.files.items()]
    runtime.store.audit(update.effective_user.id, "kbversion", "ok")
    await reply_long(update.effective_message, "\n".join(lines))


@admin_only("rollback")
async def on_rollback(update: Update, context, runtime: Runtime, lang: str) -> None:
    installer = runtime.knowledge.installer
    folder = installer.previous(runtime.engine.kb.version)
    user_id = update.effective_user.id
    if folder is None:
        runtime.store.audit(user_id, "rollback", "nothing to restore")
        await update.effective_message.reply_text(runtime.t(lang, _("There is no earlier version to go back to.")))
        return
    checked = await runtime.knowledge.check(installer.sources_of(folder))
    if checked.kb is None:
        runtime.store.audit(user_id, "rollback", "refused: kept version invalid")
        await reply_long(update.effective_message, outcome_text(runtime, lang, ReloadOutcome(False, checked.errors)))
        return
    await asyncio.to_thread(installer.rollback, folder)
    outcome = await runtime.knowledge.reload(user_id, "rollback")
    await reply_long(update.effective_message, outcome_text(runtime, lang, outcome))


@admin_only("export")
async def on_export(update: Update, context, runtime: Runtime, lang: str) -> None:
    files = knowledge_files(runtime.settings.knowledge_dir)
    for path in files:
        await update.effective_message.reply_document(InputFile(path.read_bytes(), filename=path.name))
    runtime.store.audit(update.effective_user.id, "export", "ok", f"{len(files)} files")


# -- uploads -------------------------------------------------------------------------------------
@admin_only("upload")
async def on_document(update: Update, context, runtime: Runtime, lang: str) -> None:
    message = update.effective_message
    document = message.document
    user_id = update.effective_user.id
    t = lambda m: runtime.t(lang, m)  # noqa: E731
    try:
        name = safe_file_name(document.file_name)
    except InstallError:
        runtime.store.audit(user_id, "upload", "refused: name", str(document.file_name))
        await message.reply_text(t(_("Send a .yaml file with a plain name, such as kitb.yaml.")))
        return
    if (document.file_size or 0) > MAX_UPLOAD_BYTES:
        runtime.store.audit(user_id, "upload", "refused: size", f"{name} {document.file_size}")
        await message.reply_text(t(_("The file is too large: at most {limit} bytes.")).format(limit=MAX_UPLOAD_BYTES))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    if len(data) > MAX_UPLOAD_BYTES:
        runtime.store.audit(user_id, "upload", "refused: size", f"{name} {len(data)}")
        await message.reply_text(t(_("The file is too large: at most {limit} bytes.")).format(limit=MAX_UPLOAD_BYTES))
        return
    try:
        decode_utf8(data)
    except YamlProblem as problem:
        runtime.store.audit(user_id, "upload", "refused: encoding", name)
        await message.reply_text(f"{name}:{problem.mark.line}:{problem.mark.column}: "
                                 + t(problem.message).format(**problem.params))
        return
    checked = await runtime.knowledge.check(runtime.knowledge.installer.sources_with(name, data))
    if checked.kb is None:
        runtime.store.audit(user_id, "upload", "refused: invalid", f"{name}: {len(checked.errors)} error(s)")
        await reply_long(message, outcome_text(runtime, lang, ReloadOutcome(False, checked.errors)))
        return
    from bot.knowledge.diff import diff
    changes = diff(runtime.engine.kb, checked.kb)
    token = secrets.token_hex(4)
    runtime.pending_uploads[user_id] = (token, name, data)
    runtime.store.audit(user_id, "upload", "awaiting confirmation", name)
    headline = t(_("{file} is valid. If you install it:")).format(file=name)
    preview = outcome_text(runtime, lang, ReloadOutcome(True, checked.warnings, changes, checked.kb.version), headline)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(_("Install")), callback_data=f"up:yes:{token}"),
        InlineKeyboardButton(t(_("Cancel")), callback_data=f"up:no:{token}"),
    ]])
    await message.reply_text(escape(preview, quote=False), parse_mode=ParseMode.HTML, reply_markup=keyboard)


@admin_only("upload-confirm")
async def on_upload_button(update: Update, context, runtime: Runtime, lang: str) -> None:
    query = update.callback_query
    _prefix, decision, token = query.data.split(":", 2)
    user_id = update.effective_user.id
    pending = take_pending(runtime.pending_uploads, user_id, token)
    if pending is None:
        await query.answer(runtime.t(lang, _("That upload is no longer waiting.")), show_alert=True)
        return
    name, data = pending
    await query.answer()
    if decision != "yes":
        runtime.store.audit(user_id, "upload", "cancelled", name)
        await query.edit_message_text(runtime.t(lang, _("Cancelled: nothing changed.")))
        return
    installer = runtime.knowledge.installer
    current = runtime.engine.kb.version
    await asyncio.to_thread(installer.install, name, data)
    outcome = await runtime.knowledge.reload(user_id, f"upload {name}")
    if not outcome.ok:      # the directory changed under us since the check: put the loaded version back
        kept = installer.folder_of(current)
        if kept is not None:
            await asyncio.to_thread(installer.rollback, kept)
    await query.edit_message_reply_markup(None)
    await reply_long(query.message, outcome_text(runtime, lang, outcome))


# -- learning from what people ask ----------------------------------------------------------------
UNANSWERED_DAYS = 30


@admin_only("unanswered")
async def on_unanswered(update: Update, context, runtime: Runtime, lang: str) -> None:
    t = lambda m: runtime.t(lang, m)  # noqa: E731
    recent = runtime.store.unanswered(limit=1000, since=time.time() - UNANSWERED_DAYS * 86400)
    groups = group_questions([(q.text, q.lang) for q in recent])
    runtime.store.audit(update.effective_user.id, "unanswered", "ok", f"{len(groups)} groups")
    if not groups:
        await update.effective_message.reply_text(t(_("No unanswered questions in the last {days} days.")).format(
            days=UNANSWERED_DAYS))
        return
    lines = [escape(t(_("Most frequent unanswered questions (last {days} days):")).format(days=UNANSWERED_DAYS))]
    for group in groups:
        lines.append(escape(f"{group.count}× [{group.lang}] {group.text}", quote=False))
    lines.append(escape(t(_("As phrasings to paste into an entry:")), quote=False))
    lines.append(f"<pre>{escape(yaml_snippet(groups), quote=False)}</pre>")
    await update.effective_message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


STATS_DAYS = 7


@admin_only("stats")
async def on_stats(update: Update, context, runtime: Runtime, lang: str) -> None:
    t = lambda m: runtime.t(lang, m)  # noqa: E731
    now = time.time()
    zone = _zone(runtime.settings.timezone)
    offset = int(zone.utcoffset(None).total_seconds()) if zone.utcoffset(None) is not None else 0
    stats = runtime.store.question_stats(now - STATS_DAYS * 86400, offset)
    total = stats["total"]
    share = lambda n: format_percent(n / total if total else 0, locale=lang)  # noqa: E731
    kinds = stats["per_kind"]
    lines = [t(_("Questions in the last {days} days: {total}")).format(days=STATS_DAYS, total=total)]
    lines += [f"  {day}: {count}" for day, count in stats["per_day"]]
    lines.append(t(_("Per language: {counts}")).format(
        counts=", ".join(f"{code} {count}" for code, count in stats["per_language"]) or "-"))
    lines.append(t(_("Answered {answered}, \"did you mean\" {clarified}, not known {refused}")).format(
        answered=share(kinds.get("answer", 0)), clarified=share(kinds.get("clarify", 0)),
        refused=share(kinds.get("fallback", 0))))
    lines.append(t(_("Most asked: {entries}")).format(
        entries=", ".join(f"{entry} ({count})" for entry, count in stats["top_entries"]) or "-"))
    lines.append(t(_("Last reload: {ago} ago.")).format(
        ago=format_timedelta(now - runtime.knowledge.loaded_at, locale=lang)))
    runtime.store.audit(update.effective_user.id, "stats", "ok")
    await reply_long(update.effective_message, "\n".join(lines))


def _zone(name: str):
    from zoneinfo import ZoneInfo
    return ZoneInfo(name)


# -- watching the knowledge directory -------------------------------------------------------------
def fingerprint(directory) -> tuple:
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in knowledge_files(directory))


def start_watching(application: Application) -> None:
    """Poll the directory every second; reload once it has stopped changing (debounce)."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    state = {"loaded": fingerprint(runtime.settings.knowledge_dir), "seen": None}

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        current = await asyncio.to_thread(fingerprint, runtime.settings.knowledge_dir)
        if current == state["loaded"]:
            state["seen"] = None
        elif current != state["seen"]:
            state["seen"] = current          # still changing (or just changed): wait one more tick
        else:
            state["loaded"], state["seen"] = current, None
            await reload_and_notify(application, "watch")

    application.job_queue.run_repeating(tick, interval=WATCH_INTERVAL_S, first=WATCH_INTERVAL_S, name="watch")


def handlers(private_chat) -> list:
    return [
        CommandHandler("reload", on_reload, filters=private_chat),
        CommandHandler("kbversion", on_kbversion, filters=private_chat),
        CommandHandler("rollback", on_rollback, filters=private_chat),
        CommandHandler("export", on_export, filters=private_chat),
        CommandHandler("unanswered", on_unanswered, filters=private_chat),
        CommandHandler("stats", on_stats, filters=private_chat),
        MessageHandler(private_chat & filters.Document.ALL, on_document),
        CallbackQueryHandler(on_upload_button, pattern=r"^up:"),
    ]
