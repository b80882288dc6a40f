"""Events and group subscriptions on Telegram (administrators' announcements: bot/telegram/announcing.py)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Chat, ChatMember, ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters
from telegram.ext.filters import BaseFilter

from bot import LANGUAGES
from bot.admin.announcements import language_list
from bot.i18n import _, language_name, negotiate
from bot.telegram.callbacks import AnnouncementLanguages
from bot.telegram.context import BotContext
from bot.telegram.groups import introduce_later, require_group_admin
from bot.telegram.runtime import Runtime
from bot.telegram.sending import reply_long

log = logging.getLogger(__name__)
IN_GROUP = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)
LANGUAGE_CHOICES = (("id",), ("ko",), ("en",), ("id", "ko"), ("id", "en"), ("ko", "en"), ("id", "ko", "en"))


# -- the bot joins, leaves, or its group moves --------------------------------------------------------
async def on_my_chat_member(update: Update, context: BotContext) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    runtime = context.runtime
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


async def on_migration(update: Update, context: BotContext) -> None:
    message = update.effective_message
    runtime = context.runtime
    if message is None:
        return
    if message.migrate_to_chat_id:
        runtime.outbox.migrated(message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        runtime.outbox.migrated(message.migrate_from_chat_id, message.chat.id)


# -- group administrators: subscription and languages -------------------------------------------------
def _chat_and_message(update: Update) -> tuple[Chat, Message]:
    """The chat and the message to answer: the handlers below are registered for updates that have both."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None, "registered for messages and buttons in chats"
    return chat, message


async def _group_admin(update: Update, context: BotContext) -> bool:
    return await require_group_admin(update, context, _("Sorry, only the group's administrators can change that."))


async def on_subscribe(update: Update, context: BotContext) -> None:
    if not await _group_admin(update, context):
        return
    runtime = context.runtime
    chat, message = _chat_and_message(update)
    runtime.outbox.subscribe(chat.id, chat.title or "", True)
    group = runtime.outbox.group(chat.id)
    assert group is not None, "subscribed just now"
    lang = runtime.chat_language(update)
    await message.reply_text(runtime.t(lang, _(
        "Subscribed: this group will receive event announcements in {languages}. Change with /languages, stop "
        "with /unsubscribe.")).format(languages=language_list(group.languages, lang)))


async def on_unsubscribe(update: Update, context: BotContext) -> None:
    if not await _group_admin(update, context):
        return
    runtime = context.runtime
    chat, message = _chat_and_message(update)
    runtime.outbox.subscribe(chat.id, chat.title or "", False)
    await message.reply_text(runtime.t(runtime.chat_language(update), _(
        "Unsubscribed: no more announcements here. /subscribe to receive them again.")))


async def on_languages(update: Update, context: BotContext) -> None:
    """`/languages id ko` sets the announcement languages; without codes, buttons."""
    if not await _group_admin(update, context):
        return
    runtime = context.runtime
    lang = runtime.chat_language(update)
    codes = [code.lower() for code in context.args or []]
    if codes and all(code in LANGUAGES for code in codes):
        await _set_languages(update, runtime, tuple(dict.fromkeys(codes)), lang)
        return
    rows = [[InlineKeyboardButton(" + ".join(language_name(c) for c in choice),
                                  callback_data=AnnouncementLanguages(choice).encode())] for choice in LANGUAGE_CHOICES]
    _chat, message = _chat_and_message(update)
    await message.reply_text(
        runtime.t(lang, _("In which languages should announcements come here? (or: /languages id ko)")),
        reply_markup=InlineKeyboardMarkup(rows))


async def on_languages_button(update: Update, context: BotContext) -> None:
    if not await _group_admin(update, context):
        return
    runtime = context.runtime
    query = update.callback_query
    assert query is not None
    button = await context.pressed(AnnouncementLanguages)
    if button is None:
        return
    await query.answer()
    await _set_languages(update, runtime, button.languages, runtime.chat_language(update))


async def _set_languages(update: Update, runtime: Runtime, codes: tuple[str, ...], lang: str) -> None:
    chat, message = _chat_and_message(update)
    runtime.outbox.set_languages(chat.id, chat.title or "", codes)
    await message.reply_text(runtime.t(lang, _("Announcements here will be in {languages}.")).format(
        languages=language_list(codes, lang)))


# -- /events ------------------------------------------------------------------------------------------
async def on_events(update: Update, context: BotContext) -> None:
    runtime = context.runtime
    lang = runtime.chat_language(update)
    args = context.args or []
    show_past = bool(args) and args[0].lower() in ("past", "lalu", "지난", "sebelumnya")
    kind = "past_events" if show_past else "events"
    header = runtime.t(lang, _("Past events:") if show_past else _("Upcoming events:"))
    text = runtime.engine.events_text(header, kind, lang, runtime.now())
    if not show_past:
        text += "\n\n" + runtime.t(lang, _("Past events: /events past"))
    _chat, message = _chat_and_message(update)
    await reply_long(message, text)


def handlers(group_chat: BaseFilter) -> list[BaseHandler[Any, Any, Any]]:
    return [
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration),
        CommandHandler("subscribe", on_subscribe, filters=group_chat),
        CommandHandler("unsubscribe", on_unsubscribe, filters=group_chat),
        CommandHandler("languages", on_languages, filters=group_chat),
        CallbackQueryHandler(on_languages_button, pattern=AnnouncementLanguages.pattern()),
        CommandHandler("events", on_events),
    ]
