"""Replies → Telegram HTML and inline keyboards. Every user- or data-derived text is escaped."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardMarkupLimit

from bot import LANGUAGES, MESSAGE_LIMIT
from bot.engine.answer import Choice, Reply
from bot.i18n import _, language_name
from bot.telegram.callbacks import Answer, GroupLanguage, Topic, UserLanguage

BUTTON_TEXT_LIMIT = 60
MAX_BUTTONS = InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER    # 100: Telegram's, though the Bot API does not say it
FLAGS = {"id": "🇮🇩", "ko": "🇰🇷", "en": "🇬🇧"}


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split raw text so that each escaped part fits `limit`, at paragraph, line or word breaks."""
    parts: list[str] = []
    rest = text
    while len(escape(rest, quote=False)) > limit:
        cut = _fit(rest, limit)
        for separator in ("\n\n", "\n", " "):
            at = rest.rfind(separator, 0, cut)
            if at > cut // 2:
                cut = at
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return [escape(part, quote=False) for part in parts]


def _fit(text: str, limit: int) -> int:
    """The longest prefix length whose escaped form fits `limit`."""
    total = 0
    for index, char in enumerate(text):
        total += len(escape(char, quote=False))
        if total > limit:
            return max(index, 1)
    return len(text)


def shorten(text: str, limit: int) -> str:
    """`text` if it fits `limit` characters, else cut at a word break (or, failing that, anywhere
    in its second half) and ended with "…", `limit` characters at most."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut <= limit // 2:
        cut = limit - 1
    return text[:cut].rstrip() + "…"


def _short(text: str) -> str:
    return shorten(text, BUTTON_TEXT_LIMIT)


def choice_buttons(choices: tuple[Choice, ...] | list[Choice], lang: str) -> list[list[InlineKeyboardButton]]:
    return [[InlineKeyboardButton(_short(c.text), callback_data=Answer(lang, c.entry_id).encode())] for c in choices]


def reply_html(reply: Reply, gettext: Callable[[str], str]) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """Message parts (HTML) and the keyboard that goes under the last part."""
    lines = [reply.text]
    rows: list[list[InlineKeyboardButton]] = []
    if reply.kind == "clarify":
        rows = choice_buttons(reply.choices, reply.lang)
    elif reply.kind == "answer" and reply.choices:       # a probable answer: the close entries under it
        lines += ["", gettext(_("Not what you asked?"))]
        rows = choice_buttons(reply.choices, reply.lang)
    elif reply.kind in ("answer", "partial") and reply.related:
        rows = choice_buttons(reply.related, reply.lang)
    elif reply.kind == "fallback":
        if reply.examples:
            lines.append("")
            lines.append(gettext(_("You could ask, for example:")))
            lines += [f"• {example}" for example in reply.examples]
        rows = [[InlineKeyboardButton(gettext(_("Browse topics")), callback_data=Topic(reply.lang, "").encode())]]
    parts = split_message("\n".join(lines))
    return parts, keyboard(rows)


def keyboard(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """The rows as a keyboard, None when empty; only the first rows when they hold more than the
    100 buttons a message can carry (`kb check` warns about a topic with more entries than that)."""
    kept: list[list[InlineKeyboardButton]] = []
    count = 0
    for row in rows:
        if count + len(row) > MAX_BUTTONS:
            break
        kept.append(row)
        count += len(row)
    return InlineKeyboardMarkup(kept) if kept else None


def language_keyboard(button: type[UserLanguage] | type[GroupLanguage]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"{FLAGS[lang]} {language_name(lang)}",
                                                       callback_data=button(lang).encode())] for lang in LANGUAGES])
