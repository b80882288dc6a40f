"""Handlers shared by private and group chats: answering, buttons, topics, language."""

from __future__ import annotations

import logging

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.engine.answer import Reply
from bot.i18n import _, language_name
from bot.ratelimit import Verdict
from bot.telegram.addressing import addressing
from bot.telegram.authoring import with_edit_button
from bot.telegram.callbacks import Answer, GroupLanguage, Topic, UserLanguage
from bot.telegram.context import BotContext
from bot.telegram.render import BUTTON_TEXT_LIMIT, choice_buttons, keyboard, language_keyboard, reply_html, shorten
from bot.telegram.runtime import Runtime
from bot.telegram.sending import answer_query, edit_pressed, reply_long

log = logging.getLogger(__name__)


async def send_reply(message: Message, runtime: Runtime, reply: Reply, quote: bool = False) -> None:
    parts, keyboard = reply_html(reply, lambda m: runtime.t(reply.lang, m))
    keyboard = with_edit_button(keyboard, reply, message, runtime)      # ✏️ for a bot administrator
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=keyboard if last else None,
                                 do_quote=quote and index == 0)


ASK_HINT = _("Write your question after /ask, for example: /ask How big is KITB?")
MENTION_HINT = _("Write your question after my name, for example: @{bot} How big is KITB?")
FLOOD_NOTICE = _("You are asking faster than I can answer. Please wait a minute, then ask again.")


async def within_budget(update: Update, context: BotContext) -> bool:
    """Whether this update may be answered: it spends its chat's budget (per user in private chats,
    per chat in groups; bot/telegram/limiter.py's Turn, charged once per update), and a group must
    be able to take a message now. A private flood gets one notice per minute; a group flood gets
    silence. Call it before working on the answer: questions over the budget never reach the
    engine or the unanswered log."""
    turn, message = context.turn, update.effective_message
    assert turn is not None and message is not None, "questions come in messages, while handling them"
    verdict = turn.spend()
    if verdict is Verdict.ALLOWED and (turn.chat_id is None or context.runtime.limiter.can_send(turn.chat_id)):
        return True
    if verdict is Verdict.FIRST_REFUSAL and message.chat.type == Chat.PRIVATE:
        turn.notice = True
        await message.reply_text(context.t(FLOOD_NOTICE))
    log.log(turn.log_level, "update %s: chat %s is over its answer budget or busy; not answered", update.update_id,
            turn.chat_id)
    return False


async def send_hint(update: Update, context: BotContext, hint: str, **fields: str) -> None:
    """A one-line hint (a msgid) in the chat's language, within the same budget as answers, so that
    a flood of stickers or bare mentions gets no more replies than a flood of questions."""
    message = update.effective_message
    if message is not None and await within_budget(update, context):
        await message.reply_text(context.t(hint, context.chat_lang).format(**fields))


async def answer_question(update: Update, context: BotContext, question: str,
                          quote: bool = False, skip_noise: bool = False) -> None:
    """Answer `question`. With `skip_noise`, a message that relates to nothing in the base (the
    engine found no candidate at all: "👍", "ok", "wkwk") gets no reply and is not logged: in a
    group, a reply to the bot is often just a reaction to its answer."""
    runtime = context.runtime
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or not await within_budget(update, context):
        return
    engine = runtime.engine          # one snapshot for the whole question, even if a reload happens
    reply = engine.ask(question, preferred=runtime.user_language(update), now=runtime.now())
    if skip_noise and reply.kind == "fallback" and not reply.candidates:
        log.info("a reply to the bot in chat %s relates to nothing in the base; not answered", chat.id)
        return
    runtime.store.log_question(reply.lang, reply.kind, reply.entry_id, chat.type)
    if reply.kind in ("fallback", "partial"):      # a partial reply names a detail the base lacks
        runtime.store.log_unanswered(question, reply.lang, chat.type, reply.score)
    await send_reply(message, runtime, reply, quote=quote)


async def on_ask(update: Update, context: BotContext) -> None:
    """`/ask <question>` (also `/ask@BotName`), in groups and in private chats."""
    message = update.effective_message
    if message is None:
        return
    question = addressing(message, context.bot.username, context.bot.id).rest
    if not question:
        await send_hint(update, context, ASK_HINT)
        return
    await answer_question(update, context, question, quote=message.chat.type != Chat.PRIVATE)


async def on_answer_button(update: Update, context: BotContext) -> None:
    """`a:<lang>:<entry>`: a "did you mean" choice or a follow-up was pressed."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    button = Answer.decode(query.data)
    reply = (runtime.engine.answer_by_id(button.entry_id, button.lang, now=runtime.now(),
                                         preferred=runtime.user_language(update)) if button else None)
    if reply is None:   # the entry disappeared in a reload since the button was sent
        await answer_query(query, runtime.t(runtime.user_language(update), _("That question is no longer available.")),
                           alert=True)
        return
    # The reply first, then the press's answer: a reply refused because the chat is busy leaves the
    # press open, and the error handler answers it "please wait" (bot/telegram/errors.py).
    if isinstance(query.message, Message):     # else too old for the bot to reply to
        await send_reply(query.message, runtime, reply)
    await query.answer()


def topics_keyboard(runtime: Runtime, lang: str) -> InlineKeyboardMarkup | None:
    kb = runtime.engine.kb
    rows = [[InlineKeyboardButton(shorten(titles.get(lang) or titles["en"], BUTTON_TEXT_LIMIT),
                                  callback_data=Topic(lang, key).encode())]
            for key, titles in kb.topics.items() if any(e.topic == key for e in kb.entries)]
    return keyboard(rows)


async def send_topics(message: Message, runtime: Runtime, lang: str, text: str | None = None) -> None:
    await reply_long(message, text or runtime.t(lang, _("Choose a topic:")), topics_keyboard(runtime, lang))


async def send_topic(message: Message, runtime: Runtime, lang: str, topic: str) -> bool:
    engine = runtime.engine
    entries = engine.entries_of_topic(topic)
    if not entries:
        return False
    title = engine.kb.topics[topic].get(lang) or topic
    choices = [engine.choice(entry, lang) for entry in entries]
    await reply_long(message, runtime.t(lang, _("{topic}: what would you like to know?")).format(topic=title),
                     keyboard(choice_buttons(choices, lang)))
    return True


async def on_topic_button(update: Update, context: BotContext) -> None:
    """`t:<lang>:<topic>` shows the topic's questions; `t:<lang>:` lists the topics."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    button = Topic.decode(query.data)
    lang, topic = (button.lang, button.topic) if button else (runtime.user_language(update), "")
    message = query.message
    if isinstance(message, Message) and (not topic or not await send_topic(message, runtime, lang, topic)):
        await send_topics(message, runtime, lang)      # (a message too old to reply to is left alone)
    await query.answer()                # after the reply, as for answer buttons


async def chosen_language(update: Update) -> str | None:
    """The language of a user- or group-language button; a forged value is answered and dropped."""
    query = update.callback_query
    assert query is not None
    button = UserLanguage.decode(query.data) or GroupLanguage.decode(query.data)
    if button is not None:
        return button.lang
    await query.answer()
    return None


async def on_user_language_button(update: Update, context: BotContext) -> None:
    """`l:<lang>` sets the user's own language (private chats)."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    lang = await chosen_language(update)
    if lang is None:
        return
    runtime.store.set_user_language(query.from_user.id, lang)
    text = runtime.t(lang, _("Language: {language}")).format(language=language_name(lang))
    await answer_query(query, text)
    await edit_pressed(query, text)


async def ask_language(message: Message, runtime: Runtime, lang: str,
                       button: type[UserLanguage] | type[GroupLanguage]) -> None:
    await message.reply_text(runtime.t(lang, _("Choose your language:")), reply_markup=language_keyboard(button))
