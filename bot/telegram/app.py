"""build_application: the one place where handlers are wired, in the order they are tried."""

from __future__ import annotations

import logging
import time

from telegram import MessageEntity, Update
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler,
                          ContextTypes, Defaults, InlineQueryHandler, MessageHandler, filters)

from bot.answer import Engine
from bot.config import Settings
from bot.i18n import Catalogs, _
from bot.knowledge_service import KnowledgeService
from bot.store import Store
from bot.telegram import admin, announcements, groups, inline, private
from bot.telegram.conversation import on_answer_button, on_ask, on_topic_button, on_user_language_button
from bot.telegram.gate import gate_handlers
from bot.telegram.menus import set_command_menus
from bot.telegram.runtime import RUNTIME_KEY, Runtime, runtime_of

log = logging.getLogger(__name__)


def build_application(settings: Settings, engine: Engine, store: Store, catalogs: Catalogs,
                      clock=time.time) -> Application:
    knowledge = KnowledgeService(settings.knowledge_dir, settings.data_dir, engine, catalogs, store,
                                 settings.default_language, clock)
    runtime = Runtime(settings, store, catalogs, knowledge, clock)

    async def flush_logs(_context: ContextTypes.DEFAULT_TYPE) -> None:
        store.flush_logs()

    async def post_init(application: Application) -> None:
        await set_command_menus(application.bot, catalogs, settings.admins)
        application.job_queue.run_repeating(flush_logs, interval=store.LOG_BATCH_AGE_S, name="flush logs")
        if settings.watch_knowledge:
            admin.start_watching(application)
        announcements.start(application)

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        # A reply goes out even when the question was deleted meanwhile (Telegram would refuse it).
        .defaults(Defaults(parse_mode=None, tzinfo=_zone(settings.timezone), allow_sending_without_reply=True))
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.messages_per_second, max_retries=2))
        .concurrent_updates(16)
        .post_init(post_init)
        .build()
    )
    application.bot_data[RUNTIME_KEY] = runtime

    private_chat = filters.ChatType.PRIVATE
    group_chat = filters.ChatType.GROUPS
    text = filters.TEXT & ~filters.COMMAND | filters.CAPTION          # a caption is text
    addressed = (filters.Entity(MessageEntity.MENTION) | filters.CaptionEntity(MessageEntity.MENTION)
                 | filters.CaptionEntity(MessageEntity.BOT_COMMAND) | filters.REPLY)
    bot_admins = filters.User(user_id=settings.admins)
    for handler, group in gate_handlers():
        # Before everything: updates delivered twice, other bots, automatic forwards (bot/telegram/gate.py).
        application.add_handler(handler, group)
    handlers = [
        # Private chats: a document with a caption from anyone but a bot administrator is a question;
        # any other document is a knowledge-base upload (administrators only, refusals audited).
        MessageHandler(private_chat & filters.Document.ALL & filters.CAPTION & ~bot_admins, private.on_text),
        # Bot administrators (BOT_ADMINS), private chats only; each handler checks the sender itself.
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
        # Buttons: a:<lang>:<entry> answers, t:<lang>:<topic> topics, l:<lang> user, g:<lang> group language.
        CallbackQueryHandler(on_answer_button, pattern=r"^a:"),
        CallbackQueryHandler(on_topic_button, pattern=r"^t:"),
        CallbackQueryHandler(on_user_language_button, pattern=r"^l:"),
        CallbackQueryHandler(groups.on_group_language_button, pattern=r"^g:"),
        # Inline mode in any chat.
        InlineQueryHandler(inline.on_inline_query),
        # Events, group subscriptions (group administrators), announcements (bot administrators).
        *announcements.handlers(private_chat, group_chat),
        # Last: a command nothing above knows, in a private chat, gets a hint (in groups it may be another bot's).
        MessageHandler(private_chat & filters.COMMAND, private.on_unknown_command),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(on_error)
    return application


def _zone(name: str):
    from zoneinfo import ZoneInfo
    return ZoneInfo(name)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        runtime = runtime_of(context)
        try:
            await context.bot.send_message(update.effective_chat.id, runtime.t(
                runtime.user_language(update), _("Sorry, something went wrong. Please try again.")))
        except Exception:   # noqa: BLE001 - the error report itself must not raise
            log.warning("could not tell the user about the error")
