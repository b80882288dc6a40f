"""build_application: the one place where handlers are wired, in the order they are tried."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from telegram import MessageEntity, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.admin.knowledge_service import KnowledgeService
from bot.config import Settings
from bot.engine.answer import Engine
from bot.i18n import Catalogs
from bot.store import Store
from bot.telegram import admin, announcements, announcing, authoring, groups, inline, private
from bot.telegram.callbacks import STALE, Answer, GroupLanguage, Topic, UserLanguage
from bot.telegram.context import CONTEXT_TYPES, BotContext
from bot.telegram.conversation import on_answer_button, on_ask, on_topic_button, on_user_language_button
from bot.telegram.errors import on_error
from bot.telegram.fetching import build_bot
from bot.telegram.gate import gate_handlers
from bot.telegram.menus import set_command_menus
from bot.telegram.runtime import RUNTIME_KEY, Runtime
from bot.telegram.sending import answer_query
from bot.telegram.stopping import UpdateTracker

log = logging.getLogger(__name__)


def build_application(settings: Settings, engine: Engine, store: Store, catalogs: Catalogs,
                      clock: Callable[[], float] = time.time) -> Application[Any, Any, Any, Any, Any, Any]:
    knowledge = KnowledgeService(settings.live_knowledge_dir, settings.data_dir, engine, catalogs, store,
                                 settings.default_language, clock)
    runtime = Runtime(settings, store, catalogs, knowledge, clock)

    async def flush_logs(_context: BotContext) -> None:
        store.flush_logs()

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # Telegram first, then local set-up: serve() runs this again while Telegram cannot be reached.
        await set_command_menus(application.bot, catalogs, settings.admins)
        assert application.job_queue is not None
        application.job_queue.run_repeating(flush_logs, interval=store.LOG_BATCH_AGE_S, name="flush logs")
        if settings.watch_knowledge:
            admin.start_watching(application)
        announcing.start(application)

    application = (
        ApplicationBuilder()
        # Token, API URL, defaults and Telegram's flood limits (a handler's message never waits for its
        # chat: bot/telegram/limiter.py); skips updates the library cannot read.
        .bot(build_bot(settings, runtime.limiter))
        .context_types(CONTEXT_TYPES)
        # Which updates are being handled, so a stop can save those it must cut short.
        .concurrent_updates(UpdateTracker(settings.concurrent_updates))
        .post_init(post_init)
        .persistence(authoring.persistence(settings.data_dir))     # the states of /edit, /new and /event
        .build()
    )
    application.bot_data[RUNTIME_KEY] = runtime

    private_chat = filters.ChatType.PRIVATE
    group_chat = filters.ChatType.GROUPS
    text = filters.TEXT & ~filters.COMMAND | filters.CAPTION          # a caption is text
    addressed = (filters.Entity(MessageEntity.MENTION) | filters.CaptionEntity(MessageEntity.MENTION)
                 | filters.Entity(MessageEntity.TEXT_MENTION) | filters.CaptionEntity(MessageEntity.TEXT_MENTION)
                 | filters.CaptionEntity(MessageEntity.BOT_COMMAND) | filters.REPLY)
    bot_admins = filters.User(user_id=settings.admins)
    for handler, group in gate_handlers():
        # Before everything: updates delivered twice, other bots, automatic forwards, button presses without
        # data, and presses and inline queries over their budget (bot/telegram/gate.py).
        application.add_handler(handler, group)
    handlers = [
        # Private chats: a document with a caption from anyone but a bot administrator is a question;
        # any other document is a knowledge-base upload (administrators only, refusals audited).
        MessageHandler(private_chat & filters.Document.ALL & filters.CAPTION & ~bot_admins, private.on_text),
        # Bot administrators (BOT_ADMINS), private chats only; each handler checks the sender itself.
        # First the guided changes (/edit, /new, /event): while one is open, its texts are its own.
        *authoring.handlers(private_chat, settings.authoring_timeout),
        *admin.handlers(private_chat),
        # Private chats: commands first, then every other text or caption is a question, and other media a hint.
        CommandHandler("start", private.on_start, filters=private_chat),
        CommandHandler("lang", private.on_lang, filters=private_chat),
        CommandHandler("help", private.on_help),
        CommandHandler("topics", private.on_topics),
        CommandHandler("ask", on_ask),
        MessageHandler(private_chat & text, private.on_text),
        MessageHandler(private_chat & filters.ATTACHMENT, private.on_media),
        # Groups: /start, administrators' /lang, and texts or captions that mention or reply to the bot.
        CommandHandler("start", groups.on_group_start, filters=group_chat),
        CommandHandler("lang", groups.on_group_lang, filters=group_chat),
        MessageHandler(group_chat & text & addressed, groups.on_group_message),
        # Buttons (bot/telegram/callbacks.py): answers, topics, the user's and the group's language.
        CallbackQueryHandler(on_answer_button, pattern=Answer.pattern()),
        CallbackQueryHandler(on_topic_button, pattern=Topic.pattern()),
        CallbackQueryHandler(on_user_language_button, pattern=UserLanguage.pattern()),
        CallbackQueryHandler(groups.on_group_language_button, pattern=GroupLanguage.pattern()),
        # Inline mode in any chat.
        InlineQueryHandler(inline.on_inline_query),
        # Events, group subscriptions (group administrators), announcements (bot administrators).
        *announcements.handlers(group_chat),
        *announcing.handlers(private_chat),
        # Any other button: old (from a retired version) or forged data gets a polite answer.
        CallbackQueryHandler(on_stale_button),
        # Last: a command nothing above knows, in a private chat, gets a hint (in groups it may be another bot's).
        MessageHandler(private_chat & filters.COMMAND, private.on_unknown_command),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(on_error)
    return application


async def on_stale_button(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    await answer_query(update.callback_query, context.t(STALE), alert=True)
