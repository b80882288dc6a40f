"""Offices are dated: an answer that gives someone's office says when it was held.

The base says who held which office: a name's `office:` is the synonym group of its title
(`kim_young_hwan: {office: governor, ...}`, `governor: [gubernur, 지사, governor, ...]`). Whoever holds
an office today may not be who held it at the time of the source, so every sentence of an answer or
event text that uses a word of such a group must also carry a date: a date fact (`{mou_date}`,
`{report_date:month}`) or the language's word for "at that time" (yang saat itu menjabat…, 당시 …였던,
then President Director…). Otherwise `kb check` warns at the text's file:line (an error with --strict).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.knowledge.located import N_, Mark
from bot.knowledge.model import Fact, Name
from bot.knowledge.reporter import Reporter
from bot.knowledge.template import TemplateError, placeholders, render

# Words that place a statement in the past, per language ("saat itu": at that time). A date fact in
# the same sentence does too.
THEN = {
    "id": ("saat itu", "ketika itu", "waktu itu", "pada saat itu", "kala itu"),
    "ko": ("당시", "그때"),
    "en": ("then", "at the time", "at that time"),
}
# How a dated office reads, shown in the warning as an example in the text's own language.
EXAMPLE = {"id": "yang saat itu menjabat …", "ko": "당시 …였던", "en": "then …"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _mentions(word: str, text: str) -> bool:
    """A Latin word as a whole word in any case; Hangul anywhere (Korean glues titles to names: 충청북도지사)."""
    if _HANGUL.search(word):
        return word in text
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE) is not None


def office_words(names: Mapping[str, Name], synonyms: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Every spelling of an office some name held → the office (its synonym group)."""
    offices = {name.office for name in names.values() if name.office is not None and name.office in synonyms}
    return {word: office for office in sorted(offices) for word in synonyms[office]}


def undated_offices(template: str, lang: str, words: Mapping[str, str], facts: Mapping[str, Fact],
                    names: Mapping[str, Name]) -> list[str]:
    """The office words of `template` (in `lang`) that stand in a sentence without a date, in order."""
    found: list[str] = []
    for sentence in _SENTENCE_END.split(template):
        try:
            parts = placeholders(sentence)
        except TemplateError:
            return []                       # reported by the placeholder check
        if any(ph.name in facts and facts[ph.name].kind == "date" for ph in parts):
            continue
        shown = render(sentence, lambda name, style: _display(names, name, lang))
        if any(_mentions(marker, shown) for marker in THEN.get(lang, ())):
            continue
        # the longest spelling first, so "wakil gubernur" is named rather than the "gubernur" inside it
        word = next((w for w in sorted(words, key=len, reverse=True) if _mentions(w, shown)), None)
        if word is not None and word not in found:
            found.append(word)
    return found


def _display(names: Mapping[str, Name], key: str, lang: str) -> str:
    name = names.get(key)
    return (name.display.get(lang) or next(iter(name.display.values()), "")) if name else ""


def check(b: Reporter, names: Mapping[str, Name], synonyms: Mapping[str, tuple[str, ...]],
          facts: Mapping[str, Fact], texts: Iterable[tuple[str, Mark, str, str, str]]) -> None:
    """Warn about each text `(file, mark, owner id, lang, template)` that gives an office without a date."""
    words = office_words(names, synonyms)
    if not words:
        return
    for file, mark, owner, lang, template in texts:
        undated = undated_offices(template, lang, words, facts, names)
        if undated:
            b.problem(file, mark, N_("the {lang!r} text of {owner!r} gives an office without a date ({words}); "
                                     "who holds an office changes, so say when it was held: {example}"),
                      warning=True, lang=lang, owner=owner, words=", ".join(repr(w) for w in undated),
                      example=EXAMPLE.get(lang, "…"))
