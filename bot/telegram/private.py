"""Private chats: every text is a question; /start, /help, /lang, /topics."""

from __future__ import annotations

from telegram import Update

from bot.i18n import _
from bot.telegram.addressing import addressing
from bot.telegram.callbacks import UserLanguage
from bot.telegram.context import BotContext
from bot.telegram.conversation import (
    ASK_HINT,
    MENTION_HINT,
    answer_question,
    ask_language,
    send_hint,
    send_reply,
    send_topic,
    send_topics,
)
from bot.telegram.runtime import Runtime

MEDIA_HINT = _("I can only read text: please type your question.")
UNKNOWN_COMMAND_HINT = _("I do not know that command. /help shows what I can do.")
WORDS_HINT = _("Please type your question in words, for example: How big is KITB?")


async def on_text(update: Update, context: BotContext) -> None:
    """Every private text, and every caption, is a question. A leading /ask or a mention of the bot
    is not part of it; a message with nothing else (or no word at all: only emoji, punctuation or
    invisible characters) gets a hint instead of a guess, and stays out of the unanswered log."""
    message = update.effective_message
    if message is None:
        return
    addressed = addressing(message, context.bot.username, context.bot.id)
    if addressed.command is not None and addressed.command != "ask":
        await on_unknown_command(update, context)       # a command in a caption
        return
    if not addressed.rest:
        hint = ASK_HINT if addressed.command else MENTION_HINT if addressed.mentioned else WORDS_HINT
        await send_hint(update, context, hint, bot=context.bot.username)
        return
    await answer_question(update, context, addressed.rest)


async def on_media(update: Update, context: BotContext) -> None:
    """A sticker, voice message, photo without caption...: the bot reads text only, and says so."""
    await send_hint(update, context, MEDIA_HINT)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    await send_hint(update, context, UNKNOWN_COMMAND_HINT)


def greeting(runtime: Runtime, lang: str) -> str:
    return runtime.t(lang, _("Hello! I am Sahabat. I answer questions about the MoU between KITB (Grand Batang "
                             "City) and Chungbuk Technopark and about the sister-province partnership of Central "
                             "Java and Chungcheongbuk-do, in Bahasa Indonesia, 한국어 or English. Just type your "
                             "question, or choose a topic:"))


async def on_start(update: Update, context: BotContext) -> None:
    """`/start`, or `/start <topic>` / `/start <entry-id>` from a deep link."""
    runtime = context.runtime
    lang = runtime.user_language(update)
    message = update.effective_message
    assert message is not None
    payload = context.args[0] if context.args else ""
    if payload:
        if await send_topic(message, runtime, lang, payload.replace("-", "_")):
            return
        reply = runtime.engine.answer_by_id(payload, lang)
        if reply is not None:
            await send_reply(message, runtime, reply)
            return
    await send_topics(message, runtime, lang, greeting(runtime, lang))


def help_text(runtime: Runtime, lang: str) -> str:
    return runtime.t(lang, _("Ask me in your own words, for example \"How big is KITB?\" or \"When was the MoU "
                             "signed?\". I answer in the language you write in.\n\n"
                             "/topics – browse what I know\n/lang – choose your language\n"
                             "In groups: /ask followed by your question, mention me, or reply to my message."))


async def on_help(update: Update, context: BotContext) -> None:
    runtime = context.runtime
    assert update.effective_message is not None
    await update.effective_message.reply_text(help_text(runtime, runtime.chat_language(update)))


async def on_lang(update: Update, context: BotContext) -> None:
    runtime = context.runtime
    assert update.effective_message is not None
    await ask_language(update.effective_message, runtime, runtime.user_language(update), UserLanguage)


async def on_topics(update: Update, context: BotContext) -> None:
    runtime = context.runtime
    assert update.effective_message is not None
    await send_topics(update.effective_message, runtime, runtime.chat_language(update))
