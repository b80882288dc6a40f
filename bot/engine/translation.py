"""Answers not translated yet: the language an entry answers in, and the note that says so.

An entry may lack a language (`kb check` warns). Its reader then gets the answer in the language
they chose next (their /lang or Telegram's language), else the bot's default, else the entry's first
language, under one line in the reader's own language saying so.
"""

from __future__ import annotations

from babel import Locale

from bot.i18n import Catalogs, _
from bot.knowledge.model import Entry

UNTRANSLATED = _("This answer is not available in English yet, so here it is in {language}.")


def answer_language(entry: Entry, lang: str, preferred: str | None, default: str) -> str:
    """The language `entry` answers a reader of `lang` in: `lang` when it has it, else
    `preferred` (the reader's next choice), else `default`, else its first language."""
    for choice in (lang, preferred, default):
        if choice and choice in entry.answer:
            return choice
    return next(iter(entry.answer))


def untranslated_note(catalogs: Catalogs, lang: str, shown: str) -> str:
    """One line in `lang` saying the answer comes in `shown` instead (the language named in `lang`)."""
    name = Locale.parse(shown).get_display_name(lang) or shown
    return catalogs.gettext(lang, UNTRANSLATED).format(language=name)
