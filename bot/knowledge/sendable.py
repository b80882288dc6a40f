"""Warnings about knowledge that cannot be sent the way it is written: Telegram's limits.

What the base can push past a limit, and what the bot does then:
- an answer longer than one message (4,096 characters) arrives in parts, and inline mode sends its
  beginning with a link to the whole answer;
- a topic opened shows one button per entry, and an answer one per related entry; a message carries
  at most 100 buttons, so the ones after the hundredth are not offered.
Entry ids and topic keys need no check here: their validation (40 characters of a-z, 0-9 and - or _)
keeps every button's callback data within Telegram's 64 bytes and every deep link valid.
"""

from __future__ import annotations

from collections import defaultdict

from bot import MESSAGE_LIMIT
from bot.knowledge.located import N_
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.problems import Problem

MAX_BUTTONS = 100       # a message's inline keyboard (Telegram's; python-telegram-bot's TOTAL_BUTTON_NUMBER)


def unsendable(kb: KnowledgeBase) -> list[Problem]:
    """Every warning of this module, each at its entry's file:line."""
    return long_answers(kb) + crowded_keyboards(kb)


def _at(entry: Entry, message: str, params: dict[str, object]) -> Problem:
    file, _sep, line = entry.source.rpartition(":")
    return Problem(file or entry.source, int(line) if line.isdigit() else 1, 1, message, params, warning=True)


def long_answers(kb: KnowledgeBase, limit: int = MESSAGE_LIMIT) -> list[Problem]:
    """A warning for every answer that, with its facts filled in, is too long for one message."""
    problems = []
    for entry in kb.entries:
        for lang in entry.answer:
            length = len(kb.answer_text(entry, lang))
            if length > limit:
                problems.append(_at(entry, N_("the {lang!r} answer of {entry!r} is {length} characters long; one "
                                              "message holds {limit}, so it will arrive in parts"),
                                    {"lang": lang, "entry": entry.id, "length": length, "limit": limit}))
    return problems


def crowded_keyboards(kb: KnowledgeBase, limit: int = MAX_BUTTONS) -> list[Problem]:
    """A warning at the first entry of a topic that no longer gets a button when the topic is
    opened, and at every entry with more related entries than one message has buttons for."""
    problems = []
    by_topic: dict[str, list[Entry]] = defaultdict(list)
    for entry in kb.entries:
        if entry.topic is not None:
            by_topic[entry.topic].append(entry)
        if len(entry.related) > limit:
            problems.append(_at(entry, N_("{entry!r} lists {count} 'related' entries; a message carries at most "
                                          "{limit} buttons, so only the first {limit} are offered: shorten the list"),
                                {"entry": entry.id, "count": len(entry.related), "limit": limit}))
    for topic, entries in by_topic.items():
        if len(entries) > limit:
            problems.append(_at(entries[limit], N_(
                "the topic {topic!r} holds more entries than the {limit} buttons a message carries, so this entry "
                "and the ones after it get no button when the topic is opened: split the topic"),
                {"topic": topic, "limit": limit}))
    return problems
