"""Groups: answer /ask, mentions of the bot and replies to it; never other chatter or other bots."""

from __future__ import annotations

import logging

from telegram import ChatMember, MessageEntity, Update

from bot.i18n import _, language_name
from bot.telegram.callbacks import GroupLanguage
from bot.telegram.context import BotContext
from bot.telegram.conversation import answer_question, ask_language, chosen_language

log = logging.getLogger(__name__)
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def _answer_in_group(update: Update, context: BotContext, question: str) -> None:
    runtime = context.runtime
    if not runtime.group_limit.allow(update.effective_chat.id):
        log.info("per-chat answer limit reached in chat %s; question ignored", update.effective_chat.id)
        return
    await answer_question(update, context, question, quote=True)


async def on_ask(update: Update, context: BotContext) -> None:
    """`/ask <question>` (also `/ask@BotName`)."""
    if update.effective_user.is_bot:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        runtime = context.runtime
        await update.effective_message.reply_text(
            runtime.t(runtime.chat_language(update), _("Write your question after /ask, for example: "
                                                       "/ask How big is KITB?")))
        return
    await _answer_in_group(update, context, question)


def _mentions_bot(update: Update, username: str) -> str | None:
    """The message text without the mention when it mentions the bot, else None."""
    message = update.effective_message
    text = message.text or ""
    for entity in message.entities or ():
        if entity.type == MessageEntity.MENTION:
            mention = message.parse_entity(entity)
            if mention.lstrip("@").casefold() == username.casefold():
                return (text[: entity.offset] + text[entity.offset + entity.length:]).strip()
    return None


async def on_group_text(update: Update, context: BotContext) -> None:
    """A plain group message: answered only when it mentions the bot or replies to the bot."""
    message = update.effective_message
    if message.from_user is None or message.from_user.is_bot:
        return
    question = _mentions_bot(update, context.bot.username)
    replied = message.reply_to_message
    if question is None and replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        question = message.text
    if question:
        await _answer_in_group(update, context, question)


async def is_chat_admin(update: Update, context: BotContext) -> bool:
    """Asked of Telegram every time: admin rights change without the bot being told."""
    member = await context.bot.get_chat_member(update.effective_chat.id, update.effective_user.id)
    return member.status in ADMIN_STATUSES


async def require_group_admin(update: Update, context: BotContext, refusal: str) -> bool:
    """True for a group administrator; anyone else gets `refusal` (a msgid): a reply to a command,
    an alert in their own language to a button."""
    if update.effective_user and not update.effective_user.is_bot and await is_chat_admin(update, context):
        return True
    runtime = context.runtime
    if update.callback_query:
        await update.callback_query.answer(runtime.t(runtime.user_language(update), refusal), show_alert=True)
    else:
        await update.effective_message.reply_text(runtime.t(runtime.chat_language(update), refusal))
    return False


LANGUAGE_REFUSAL = _("Only the group's administrators can change the group's language.")


async def on_group_lang(update: Update, context: BotContext) -> None:
    if not await require_group_admin(update, context, LANGUAGE_REFUSAL):
        return
    runtime = context.runtime
    await ask_language(update.effective_message, runtime, runtime.chat_language(update), GroupLanguage)


async def on_group_language_button(update: Update, context: BotContext) -> None:
    """`g:<lang>`: checked again on press; whoever presses must be an administrator now."""
    query = update.callback_query
    runtime = context.runtime
    lang = await chosen_language(update)
    if lang is None or not await require_group_admin(update, context, LANGUAGE_REFUSAL):
        return
    runtime.store.set_chat_language(update.effective_chat.id, lang)
    text = runtime.t(lang, _("The group's language is now {language}.")).format(language=language_name(lang))
    await query.answer()
    await query.edit_message_text(text)
