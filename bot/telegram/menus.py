"""Command menus per scope and per language, set once at start-up (names ASCII, descriptions localized)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.constants import BotCommandLimit
from telegram.error import TelegramError

from bot.i18n import Catalogs, _
from bot.telegram.render import shorten

DESCRIPTIONS = {
    "start": _("Start and see what I know"),
    "help": _("How to ask me"),
    "lang": _("Choose the language"),
    "topics": _("Browse the topics"),
    "ask": _("Ask a question in this group"),
    "events": _("Upcoming events"),
    "subscribe": _("Receive event announcements here"),
    "unsubscribe": _("Stop event announcements here"),
    "languages": _("Languages of the announcements"),
    "announce": _("Write an announcement to the groups"),
    "announcements": _("Recent and scheduled announcements"),
    "reload": _("Reload the knowledge base"),
    "kbversion": _("Show the knowledge base version"),
    "rollback": _("Go back to the previous version"),
    "export": _("Send the knowledge files"),
    "unanswered": _("Frequent unanswered questions"),
    "stats": _("Usage statistics"),
    "edit": _("Change an answer or a fact"),
    "new": _("Add an entry"),
    "event": _("Schedule, change, or cancel an event"),
    "cancel": _("Stop the change in progress"),
}
ADMIN_MENU = ("start", "topics", "events", "lang", "help", "announce", "announcements", "reload", "kbversion",
              "rollback", "export", "unanswered", "stats", "edit", "new", "event", "cancel")
log = logging.getLogger(__name__)

MENUS = (
    (BotCommandScopeAllPrivateChats(), ("start", "topics", "events", "lang", "help")),
    (BotCommandScopeAllGroupChats(), ("ask", "topics", "events", "help")),
    (BotCommandScopeAllChatAdministrators(), ("ask", "topics", "events", "subscribe", "unsubscribe", "languages",
                                              "lang", "help")),
)


def commands_for(catalogs: Catalogs, lang: str, names: Iterable[str]) -> list[BotCommand]:
    """The menu entries, each description within Telegram's 256 characters (a translation longer
    than that is shortened rather than refused, which would leave the whole menu unset)."""
    return [BotCommand(name, shorten(catalogs.gettext(lang, DESCRIPTIONS[name]), BotCommandLimit.MAX_DESCRIPTION))
            for name in names]


async def set_command_menus(bot: Bot, catalogs: Catalogs, admins: Iterable[int] = ()) -> None:
    # English is the default menu (no language_code); Indonesian and Korean users get their own.
    for scope, names in MENUS:
        await _set(bot, catalogs, scope, names)
    # Administrator commands appear only in each administrator's own chat with the bot.
    for admin_id in sorted(admins):
        try:
            await _set(bot, catalogs, BotCommandScopeChat(admin_id), ADMIN_MENU)
        except TelegramError as exc:   # an administrator who never opened a chat with the bot
            log.warning("no command menu for administrator %s: %s", admin_id, exc)


async def _set(bot: Bot, catalogs: Catalogs, scope: BotCommandScope, names: Iterable[str]) -> None:
    await bot.set_my_commands(commands_for(catalogs, "en", names), scope=scope)
    for lang in ("id", "ko"):
        await bot.set_my_commands(commands_for(catalogs, lang, names), scope=scope, language_code=lang)
