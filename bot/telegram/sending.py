"""Sending text of any length: split under Telegram's 4,096 characters, the keyboard on the last part;
answering a pressed button (200 characters at most); editing the message of a pressed button."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import CallbackQueryLimit, ParseMode
from telegram.error import BadRequest

from bot.telegram.render import shorten, split_message

log = logging.getLogger(__name__)


async def reply_long(message: Message, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Message:
    """Reply with plain `text` (escaped and sent as HTML) in as many messages as it needs; returns the last."""
    parts = split_message(text)
    sent = message
    for index, part in enumerate(parts):
        sent = await message.reply_text(part, parse_mode=ParseMode.HTML,
                                        reply_markup=keyboard if index == len(parts) - 1 else None)
    return sent


async def send_long(bot: Bot, chat_id: int, text: str) -> Message:
    """Send plain `text` to a chat in as many messages as it needs; returns the last."""
    parts = split_message(text)
    sent: Message | None = None
    for part in parts:
        sent = await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
    assert sent is not None, "split_message returns at least one part"
    return sent


async def reply_pre(message: Message, text: str) -> None:
    """Reply with preformatted `text` (a YAML snippet), each part in its own <pre> block."""
    for part in split_message(text, limit=4096 - len("<pre></pre>")):
        await message.reply_text(f"<pre>{part}</pre>", parse_mode=ParseMode.HTML)


async def edit_pressed(query: CallbackQuery, text: str | None = None) -> bool:
    """Replace the text of the message whose button was pressed with `text` (None: only remove its
    buttons). A message the bot can no longer reach (very old or deleted: Telegram sends an
    InaccessibleMessage, or refuses the edit) or one already showing it (a double tap sends two
    presses before the first edit lands) is left as it is. True when edited."""
    # python-telegram-bot reads an inaccessible message as a Message dated 0: ask, do not isinstance.
    if query.inline_message_id is None and (query.message is None or not query.message.is_accessible):
        return False
    try:
        if text is None:
            await query.edit_message_reply_markup(None)
        else:
            await query.edit_message_text(text)
    except BadRequest as error:
        if not any(reason in error.message.lower() for reason in _UNEDITABLE):
            raise
        log.info("pressed message not edited: %s", error.message)
        return False
    return True


_UNEDITABLE = ("message is not modified", "message to edit not found", "message can't be edited")


async def answer_query(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Answer a pressed button with `text` as a toast (or an `alert`), shortened to the 200
    characters Telegram takes; None only stops the button's progress indicator."""
    limit = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
    await query.answer(shorten(text, limit) if text else None, show_alert=alert)
