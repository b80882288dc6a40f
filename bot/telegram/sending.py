"""Sending text of any length: split under Telegram's 4,096 characters, the keyboard on the last part."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.telegram.render import split_message


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
