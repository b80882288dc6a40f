"""Who sent a message, and what the bot does for each kind of sender.

A message can come from a chat instead of a person: `sender_chat` is set and `from` is a
placeholder account. The decision for every kind:

| kind               | how Telegram shows it                               | questions | group administrator? |
|--------------------|-----------------------------------------------------|-----------|----------------------|
| person             | `from` a user, no `sender_chat`                     | answered  | ask getChatMember    |
| anonymous admin    | `from` GroupAnonymousBot, `sender_chat` the group   | answered  | yes, without asking  |
| posting as channel | `from` Channel_Bot, `sender_chat` a channel         | answered  | no                   |
| automatic forward  | `is_automatic_forward`, `from` Telegram (777000)    | never     | no                   |
| bot                | `from.is_bot`, no `sender_chat`                     | never     | no                   |

Only administrators can post as the group, so an anonymous administrator needs no check (and the
placeholder account could not be checked anyway); posting as a channel proves no right in the group.
Anonymous administrators and channel posters are people behind a placeholder, so their questions
are answered; automatic forwards are the linked channel's posts copied into its discussion group,
and other bots are never answered (two bots must not talk to each other forever).
"""

from __future__ import annotations

from enum import Enum

from telegram import Chat, Message
from telegram.ext import filters

GROUP_ANONYMOUS_BOT_ID = 1087968824     # the `from` of an anonymous group administrator's message
TELEGRAM_SERVICE_ID = 777000            # "Telegram": the `from` of automatic forwards from a linked channel


class Sender(Enum):
    PERSON = "person"
    ANONYMOUS_ADMIN = "anonymous administrator"
    CHANNEL = "posting as a channel"
    AUTOMATIC_FORWARD = "automatic forward"
    BOT = "bot"


ANSWERED = frozenset({Sender.PERSON, Sender.ANONYMOUS_ADMIN, Sender.CHANNEL})


def sender_of(message: Message) -> Sender:
    """The kind of sender of `message` (see the module docstring)."""
    user = message.from_user
    if message.is_automatic_forward or (user is not None and user.id == TELEGRAM_SERVICE_ID):
        return Sender.AUTOMATIC_FORWARD
    sender_chat = message.sender_chat
    if sender_chat is not None and message.chat.type != Chat.CHANNEL:
        return Sender.ANONYMOUS_ADMIN if sender_chat.id == message.chat.id else Sender.CHANNEL
    if user is None or user.is_bot:
        return Sender.BOT
    return Sender.PERSON


class _Answered(filters.MessageFilter):
    """Messages from a sender whose questions the bot answers."""

    def filter(self, message: Message) -> bool:
        return sender_of(message) in ANSWERED


ANSWERED_SENDERS = _Answered(name="ANSWERED_SENDERS")
