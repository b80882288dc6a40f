"""The knowledge base as immutable values: built once by the loader, shared by reference."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from bot.knowledge.template import render
from bot.text.dates import format_day

DATE_STYLES = {"long": "long", "full": "full", "medium": "medium", "short": "short", "weekday": "EEEE"}
# Styles that need the locale's own order of fields, so they are skeletons, not patterns:
# "month" is the month and year only (Juli 2023 / 2023년 7월 / July 2023), for dating a source.
DATE_SKELETONS = {"month": "yMMMM"}
FACT_KINDS = ("number", "date", "year")


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str                       # one of FACT_KINDS
    value: int | float | dt.date

    def styles(self) -> set[str | None]:
        return {None, *DATE_STYLES, *DATE_SKELETONS} if self.kind == "date" else {None}

    def format(self, lang: str, style: str | None = None) -> str:
        value = self.value
        if isinstance(value, dt.date):
            if style in DATE_SKELETONS:
                return format_skeleton(DATE_SKELETONS[style], value, locale=lang)
            if style in (None, "long", "full"):     # the patterns event lists and announcements use too
                return format_day(value, lang, weekday=style == "full")
            return format_date(value, DATE_STYLES[style or "long"], locale=lang)
        if self.kind == "year":
            return str(value)
        return format_decimal(value, locale=lang)


@dataclass(frozen=True)
class Name:
    key: str
    display: Mapping[str, str]      # language → how answers write it
    aliases: tuple[str, ...]        # every other spelling people type
    office: str | None = None       # the synonym group of the office this person held (dated in answers)

    def spellings(self) -> tuple[str, ...]:
        return (*self.display.values(), *self.aliases)


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str                                   # "fact" or "smalltalk"
    topic: str | None
    questions: Mapping[str, tuple[str, ...]]    # language → phrasings
    answer: Mapping[str, str]                   # language → template
    related: tuple[str, ...] = ()
    source: str = ""                            # "file:line", for messages


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    facts: Mapping[str, Fact]
    names: Mapping[str, Name]
    topics: Mapping[str, Mapping[str, str]]
    version: str                                # content hash of all files
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # concept → words for it
    events: tuple = ()                          # bot.knowledge.events.Event, in file order
    files: Mapping[str, str] = field(default_factory=dict)   # file name → content hash
    by_id: Mapping[str, Entry] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))

    @property
    def languages(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for entry in self.entries:
            seen.update(dict.fromkeys(entry.answer))
        return tuple(seen)

    def resolve(self, name: str, style: str | None, lang: str) -> str:
        if name in self.facts:
            return self.facts[name].format(lang, style)
        display = self.names[name].display
        return display.get(lang) or next(iter(display.values()))

    def render(self, template: str, lang: str) -> str:
        return render(template, lambda name, style: self.resolve(name, style, lang))

    def answer_text(self, entry: Entry, lang: str) -> str:
        """The entry's answer in `lang`, or in the first language it has."""
        template = entry.answer.get(lang) or next(iter(entry.answer.values()))
        return self.render(template, lang if lang in entry.answer else next(iter(entry.answer)))

    def question_text(self, entry: Entry, lang: str) -> str:
        """The entry's first phrasing in `lang` (what a "did you mean" button shows)."""
        phrasings = entry.questions.get(lang) or next(iter(entry.questions.values()))
        return phrasings[0]
