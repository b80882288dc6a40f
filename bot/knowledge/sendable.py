"""Warnings about knowledge that cannot be sent the way it is written (a reply over one message)."""

from __future__ import annotations

from bot import MESSAGE_LIMIT
from bot.knowledge.located import N_
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.problems import Problem


def long_answers(kb: KnowledgeBase, limit: int = MESSAGE_LIMIT) -> list[Problem]:
    """A warning for every answer that, with its facts filled in, is too long for one message."""
    problems = []
    for entry in kb.entries:
        file, _sep, line = entry.source.rpartition(":")
        for lang in entry.answer:
            length = len(kb.answer_text(entry, lang))
            if length > limit:
                problems.append(Problem(file or entry.source, int(line) if line.isdigit() else 1, 1,
                                        N_("the {lang!r} answer of {entry!r} is {length} characters long; one "
                                           "message holds {limit}, so it will arrive in parts"),
                                        {"lang": lang, "entry": entry.id, "length": length, "limit": limit},
                                        warning=True))
    return problems
