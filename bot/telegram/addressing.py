"""How a message speaks to the bot: its text or caption, a leading /command, a mention of the bot.

Entity offsets and lengths count UTF-16 code units, and are read with python-telegram-bot's own
`Message.parse_entity` (`parse_caption_entity` for captions). Telegram never sends an entity that
runs past the text or splits a character in two, but a forged update can, and so can a client that
counts code points instead (`😀@Bot …` with the mention at offset 1). Such an entity is read again
in code points; if that does not give a value of its kind either (a mention is `@name`, a command
`/name`), it is ignored. Reading a message never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Message, MessageEntity

READ = (MessageEntity.BOT_COMMAND, MessageEntity.MENTION, MessageEntity.TEXT_MENTION)
_SHAPES = {
    MessageEntity.BOT_COMMAND: re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{1,32})?"),
    MessageEntity.MENTION: re.compile(r"@[A-Za-z0-9_]{1,32}"),
    MessageEntity.TEXT_MENTION: re.compile(r"\S.*", re.DOTALL),
}


@dataclass(frozen=True)
class Span:
    """An entity found in the text: its kind, where it is (code points, end excluded), its text,
    and for a text_mention the user it names."""

    type: str
    start: int
    end: int
    value: str
    user_id: int | None = None


def message_text(message: Message) -> tuple[str, tuple[MessageEntity, ...], Callable[[MessageEntity], str]]:
    """The text of a message or, for media, its caption (a caption is text), its entities, and
    python-telegram-bot's reader of their values."""
    if message.text is not None:
        return message.text, message.entities, message.parse_entity
    if message.caption is not None:
        return message.caption, message.caption_entities, message.parse_caption_entity
    return "", (), lambda entity: ""


def locate(text: str, entity: MessageEntity, parse: Callable[[MessageEntity], str]) -> Span | None:
    """Where `entity` is in `text` (read by `parse`), or None when its offsets fit neither UTF-16
    nor code points."""
    shape = _SHAPES.get(entity.type)
    user_id = entity.user.id if entity.user is not None else None
    if shape is None or (entity.type == MessageEntity.TEXT_MENTION and user_id is None):
        return None
    start, length = entity.offset, entity.length
    units = len(text.encode("utf-16-le")) // 2
    if start >= 0 and length > 0 and start + length <= units:
        try:
            value = parse(entity)
            prefix = text.encode("utf-16-le")[: 2 * start].decode("utf-16-le")
        except UnicodeDecodeError:       # the offsets split a surrogate pair: not Telegram's counting
            pass
        else:
            if shape.fullmatch(value):
                return Span(entity.type, len(prefix), len(prefix) + len(value), value, user_id)
    if start >= 0 and length > 0 and start + length <= len(text) and shape.fullmatch(text[start:start + length]):
        return Span(entity.type, start, start + length, text[start:start + length], user_id)
    return None


HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")     # letters to Unicode, blank on screen


def has_words(text: str) -> bool:
    """Whether `text` holds a letter or a digit: a message of only spaces, invisible characters
    (zero-width space, joiners, BOM, Hangul fillers), emoji or punctuation asks nothing."""
    return any(unicodedata.category(char)[0] in "LN" and char not in HANGUL_FILLERS for char in text)


@dataclass(frozen=True)
class Addressing:
    """command: the leading /command in lower case, without @BotName, when it is for this bot (None
    otherwise); mentioned: the message mentions the bot (@name, or a text_mention of its account);
    rest: the text without both, stripped, and "" when what is left holds no word (`has_words`)."""

    command: str | None
    mentioned: bool
    rest: str


def addressing(message: Message, username: str, bot_id: int | None = None) -> Addressing:
    """Read a message's text or caption. python-telegram-bot's CommandHandler reads texts only, so a
    command at the start of a caption is recognised here."""
    text, entities, parse = message_text(message)
    cut: list[Span] = []
    command = None
    mentioned = False
    for span in filter(None, (locate(text, entity, parse) for entity in entities if entity.type in READ)):
        if span.type == MessageEntity.BOT_COMMAND and span.start == 0:
            name, _at, bot_name = span.value[1:].partition("@")
            if not bot_name or bot_name.casefold() == username.casefold():
                command = name.lower()
                cut.append(span)
        elif not mentioned and (
                (span.type == MessageEntity.MENTION and span.value[1:].casefold() == username.casefold())
                or (span.type == MessageEntity.TEXT_MENTION and bot_id is not None and span.user_id == bot_id)):
            mentioned = True
            cut.append(span)
    rest = text
    for span in sorted(cut, key=lambda s: s.start, reverse=True):
        rest = rest[:span.start] + " " + rest[span.end:]
    rest = rest.strip()
    return Addressing(command, mentioned, rest if has_words(rest) else "")
