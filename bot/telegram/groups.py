"""Groups: answer /ask, mentions of the bot and replies to it (in texts and captions); never other
chatter, other bots or automatic forwards (see bot/telegram/senders.py)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import ChatMember, Message, Update
from telegram.error import TelegramError

from bot.i18n import _, language_name
from bot.telegram.addressing import addressing
from bot.telegram.callbacks import GroupLanguage
from bot.telegram.context import BotContext
from bot.telegram.conversation import MENTION_HINT, answer_question, ask_language, chosen_language, send_hint
from bot.telegram.runtime import Runtime
from bot.telegram.senders import Sender, sender_of
from bot.telegram.sending import answer_query, edit_pressed

log = logging.getLogger(__name__)
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def introduction(runtime: Runtime, lang: str) -> str:
    """What the bot says when it joins a group, and to /start in a group."""
    return runtime.t(lang, _(
        "Hello! I am Sahabat. I answer questions about the KITB – Chungbuk Technopark MoU and the Central Java – "
        "Chungcheongbuk-do partnership: write /ask and your question, mention me, or reply to my messages.\n"
        "Group administrators: /subscribe to receive event announcements here, /languages to choose their "
        "languages (for example /languages id ko), /unsubscribe to stop."))


def introduce_later(context: BotContext, chat_id: int, lang: str) -> None:
    """Introduce the bot in a group it just joined, after `introduction_delay` seconds: Telegram may
    report the bot's membership of a supergroup before the service message saying that it is an
    old group migrated, and a migrated group was introduced already (Outbox.claim_introduction)."""
    queue: Any = context.application.job_queue      # typed by the application's context, BotContext
    assert queue is not None, "python-telegram-bot[job-queue] is a dependency"
    queue.run_once(_introduce, context.runtime.settings.introduction_delay, chat_id=chat_id, data=lang,
                   name=f"introduce {chat_id}")


async def _introduce(context: BotContext) -> None:
    runtime = context.runtime
    job = context.job
    assert job is not None and job.chat_id is not None and isinstance(job.data, str)
    if not runtime.outbox.claim_introduction(job.chat_id):
        return
    lang = runtime.store.chat_language(job.chat_id) or job.data
    try:
        await context.bot.send_message(job.chat_id, introduction(runtime, lang))
    except TelegramError as error:       # removed again meanwhile, or not allowed to write there
        log.warning("could not introduce the bot in chat %s: %s", job.chat_id, error)


def addressed_question(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message (text or caption) addressed to the bot: after a mention of
    the bot, after `/ask` at the start of a caption, or the whole text of a reply to the bot. A
    bare mention in reply to someone else's message asks that message's question. "" for a bare
    mention with nothing to ask; None when the message is not for the bot, as a forwarded message
    never is (its mention was written for another chat)."""
    if message.forward_origin is not None:
        return None
    addressed = addressing(message, username, bot_id)
    if addressed.command is not None:
        return addressed.rest if addressed.command == "ask" else None
    replied = message.reply_to_message
    if addressed.mentioned:
        if not addressed.rest and replied is not None and (replied.from_user is None or replied.from_user.id != bot_id):
            return addressing(replied, username, bot_id).rest
        return addressed.rest
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id and addressed.rest:
        return addressed.rest
    return None


async def on_group_message(update: Update, context: BotContext) -> None:
    """A group message with text or a caption: answered only when it is addressed to the bot; a bare
    mention gets a hint. A plain reply to the bot (no mention, no /ask) that relates to nothing in the
    base ("👍", "ok") is a reaction, not a question: no "I don't know" for it."""
    message = update.effective_message
    if message is None:
        return
    question = addressed_question(message, context.bot.username, context.bot.id)
    if question is None:
        return
    if not question:
        await send_hint(update, context, MENTION_HINT, bot=context.bot.username)
        return
    addressed = addressing(message, context.bot.username, context.bot.id)
    only_replying = addressed.command is None and not addressed.mentioned
    await answer_question(update, context, question, quote=True, skip_noise=only_replying)


async def on_group_start(update: Update, context: BotContext) -> None:
    """`/start` or `/start@BotName` in a group: how to use the bot here."""
    runtime = context.runtime
    if update.effective_message is not None:
        await update.effective_message.reply_text(introduction(runtime, runtime.chat_language(update)))


async def is_chat_admin(update: Update, context: BotContext) -> bool:
    """Asked of Telegram every time: admin rights change without the bot being told."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def require_group_admin(update: Update, context: BotContext, refusal: str) -> bool:
    """True for a group administrator; anyone else gets `refusal` (a msgid): a reply to a command,
    an alert in their own language to a button.

    A message posted as the group itself comes from an anonymous administrator (only they can post
    so), and one posted as a channel is no proof of any right: neither asks Telegram about the
    placeholder account in `from`. A button press always shows the real person, who is asked about."""
    if update.callback_query is None and update.effective_message is not None:
        sender = sender_of(update.effective_message)
        allowed = sender is Sender.ANONYMOUS_ADMIN or (sender is Sender.PERSON and await is_chat_admin(update, context))
    else:
        allowed = (update.effective_user is not None and not update.effective_user.is_bot
                   and await is_chat_admin(update, context))
    if allowed:
        return True
    runtime = context.runtime
    if update.callback_query:
        await answer_query(update.callback_query, runtime.t(runtime.user_language(update), refusal), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(runtime.t(runtime.chat_language(update), refusal))
    return False


LANGUAGE_REFUSAL = _("Only the group's administrators can change the group's language.")


async def on_group_lang(update: Update, context: BotContext) -> None:
    if not await require_group_admin(update, context, LANGUAGE_REFUSAL):
        return
    runtime = context.runtime
    assert update.effective_message is not None
    await ask_language(update.effective_message, runtime, runtime.chat_language(update), GroupLanguage)


async def on_group_language_button(update: Update, context: BotContext) -> None:
    """`g:<lang>`: checked again on press; whoever presses must be an administrator now."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    lang = await chosen_language(update)
    if lang is None or not await require_group_admin(update, context, LANGUAGE_REFUSAL):
        return
    assert update.effective_chat is not None
    runtime.store.set_chat_language(update.effective_chat.id, lang)
    text = runtime.t(lang, _("The group's language is now {language}.")).format(language=language_name(lang))
    await answer_query(query, text)
    await edit_pressed(query, text)
