"""Command menus per scope and per language, set once at start-up (names ASCII, descriptions localized)."""

from __future__ import annotations

from telegram import (Bot, BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeAllGroupChats,
                      BotCommandScopeAllPrivateChats)

from bot.i18n import Catalogs, _

DESCRIPTIONS = {
    "start": _("Start and see what I know"),
    "help": _("How to ask me"),
    "lang": _("Choose the language"),
    "topics": _("Browse the topics"),
    "ask": _("Ask a question in this group"),
}

MENUS = (
    (BotCommandScopeAllPrivateChats(), ("start", "topics", "lang", "help")),
    (BotCommandScopeAllGroupChats(), ("ask", "topics", "help")),
    (BotCommandScopeAllChatAdministrators(), ("ask", "topics", "lang", "help")),
)


def commands_for(catalogs: Catalogs, lang: str, names) -> list[BotCommand]:
    return [BotCommand(name, catalogs.gettext(lang, DESCRIPTIONS[name])) for name in names]


async def set_command_menus(bot: Bot, catalogs: Catalogs) -> None:
    # English is the default menu (no language_code); Indonesian and Korean users get their own.
    for scope, names in MENUS:
        await bot.set_my_commands(commands_for(catalogs, "en", names), scope=scope)
        for lang in ("id", "ko"):
            await bot.set_my_commands(commands_for(catalogs, lang, names), scope=scope, language_code=lang)
