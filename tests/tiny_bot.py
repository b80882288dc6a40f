"""A tiny python-telegram-bot bot for testing the fake Bot API server itself, and its fixtures
(`bot_app`: initialized, not polling; `polling`: the tiny bot polling). Loaded by tests/conftest.py."""

from __future__ import annotations

import hashlib
from html import escape

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeTelegram


def build_app(server: FakeTelegram, token: str | None = None) -> Application:
    return (Application.builder().token(token or server.token)
            .base_url(f"{server.root}/bot").base_file_url(f"{server.root}/file/bot").build())


@pytest.fixture
async def bot_app(server):
    """Initialized, not polling: for calling app.bot directly."""
    app = build_app(server)
    await app.initialize()
    yield app
    await app.shutdown()


# --- a tiny bot ---------------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        "Halo! Saya Sahabat.",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Topik", callback_data="t:id:")]]))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("ask:" + " ".join(context.args))


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    replied = message.reply_to_message
    prefix = "reply-to-bot" if replied and replied.from_user and replied.from_user.id == context.bot.id else "echo"
    await message.reply_html(f"<b>{prefix}</b>: {escape(message.text)}")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("ok")
    await query.edit_message_text(f"chosen {query.data}")


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    q = update.inline_query.query
    await update.inline_query.answer(
        [InlineQueryResultArticle(id="1", title=q, input_message_content=InputTextMessageContent(q))],
        cache_time=0)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    document = update.effective_message.document
    data = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
    await update.effective_message.reply_text(
        f"got {len(data)} bytes {document.file_name} {document.mime_type} "
        f"{hashlib.sha256(data).hexdigest()[:12]} caption={update.effective_message.caption}")


async def my_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    context.bot_data.setdefault("membership", []).append(
        (change.chat.id, change.chat.type, change.old_chat_member.status, change.new_chat_member.status))


def add_handlers(app: Application, errors: list) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("ask", ask))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(InlineQueryHandler(inline))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(ChatMemberHandler(my_member, ChatMemberHandler.MY_CHAT_MEMBER))

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app.add_error_handler(on_error)


@pytest.fixture
async def polling(server):
    """The tiny bot, polling the fake server. Yields (app, errors)."""
    app = build_app(server)
    errors: list = []
    add_handlers(app, errors)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    yield app, errors
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert errors == []
