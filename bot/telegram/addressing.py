"""How a message speaks to the bot: its text or caption, a leading /command, a mention of the bot."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, MessageEntity


def message_text(message: Message) -> tuple[str, dict[MessageEntity, str]]:
    """The text of a message or, for media, its caption (a caption is text), with its entities."""
    if message.text is not None:
        return message.text, message.parse_entities()
    if message.caption is not None:
        return message.caption, message.parse_caption_entities()
    return "", {}


def without_entities(text: str, *entities: MessageEntity) -> str:
    """`text` with `entities` cut out, stripped; entity offsets count UTF-16 code units, as Telegram's do."""
    encoded = text.encode("utf-16-le")
    for entity in sorted(entities, key=lambda e: e.offset, reverse=True):
        start, end = 2 * entity.offset, 2 * (entity.offset + entity.length)
        encoded = encoded[:start] + " ".encode("utf-16-le") + encoded[end:]
    return encoded.decode("utf-16-le").strip()


@dataclass(frozen=True)
class Addressing:
    """command: the leading /command in lower case, without @BotName, when it is for this bot (None
    otherwise); mentioned: the message mentions the bot; rest: the text without both."""

    command: str | None
    mentioned: bool
    rest: str


def addressing(message: Message, username: str) -> Addressing:
    """Read a message's text or caption. python-telegram-bot's CommandHandler reads texts only, so a
    command at the start of a caption is recognised here."""
    text, entities = message_text(message)
    cut: list[MessageEntity] = []
    command = None
    mentioned = False
    for entity, value in entities.items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            name, _at, bot_name = value[1:].partition("@")
            if not bot_name or bot_name.casefold() == username.casefold():
                command = name.lower()
                cut.append(entity)
        elif (entity.type == MessageEntity.MENTION and not mentioned
              and value[1:].casefold() == username.casefold()):
            mentioned = True
            cut.append(entity)
    return Addressing(command, mentioned, without_entities(text, *cut))
