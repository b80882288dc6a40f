"""Checks across files, once every file is read: answer placeholders, and words claimed twice."""

from __future__ import annotations

from typing import Mapping

from bot.knowledge.located import N_, Mark
from bot.knowledge.model import Fact, Name
from bot.knowledge.problems import Msg
from bot.knowledge.reporter import Reporter
from bot.knowledge.template import TemplateError, placeholders
from bot.text.normalize import fold

NAME = N_("the name {key!r}")


def words_claimed_twice(b: Reporter, words: list[tuple[str, Msg, str, Mark]]) -> None:
    """A word may belong to one synonym group or name only: the matcher folds every spelling
    (NFKC, casefold, with and without spaces) to one token, and the first group would take it.
    Two names sharing a spelling is allowed (a name may be another's alias)."""
    owners: dict[str, tuple[str, Msg, str, Mark]] = {}
    for word, group, file, mark in words:
        folded = fold(word)
        for form in dict.fromkeys((folded, folded.replace(" ", ""))):
            if not form:
                continue
            first_word, first_group, first_file, first_mark = owners.setdefault(form, (word, group, file, mark))
            if first_group == group or (first_group.message == group.message == NAME):
                continue
            b.problem(file, mark, N_("{word!r} in {group} is also {other_word!r} in {other} ({where}); a word "
                                     "can belong to one synonym group or name only"),
                      word=word, group=group, other_word=first_word, other=first_group,
                      where=f"{first_file}:{first_mark.line}")
            break


def template(b: Reporter, facts: Mapping[str, Fact], names: Mapping[str, Name], file: str, mark: Mark,
             entry_id: str, lang: str, template: str) -> None:
    try:
        found = placeholders(template)
    except TemplateError as exc:
        b.problem(file, mark, N_("the {lang!r} answer of {entry!r} has a stray brace at character {pos}; "
                                 "write {{{{ or }}}} for a literal brace"),
                  lang=lang, entry=entry_id, pos=exc.offset + 1)
        return
    for ph in found:
        if ph.name in facts:
            allowed = facts[ph.name].styles()
        elif ph.name in names:
            allowed = {None}
        else:
            b.problem(file, mark, N_("the {lang!r} answer of {entry!r} uses {{{name}}}, but no fact or "
                                     "name is called {name!r}"), lang=lang, entry=entry_id, name=ph.name)
            continue
        if ph.style not in allowed:
            b.problem(file, mark, N_("{{{name}:{style}}} in the {lang!r} answer of {entry!r}: {name!r} has no "
                                     "style {style!r} (styles: {expected})"),
                      name=ph.name, style=ph.style, lang=lang, entry=entry_id,
                      expected=", ".join(sorted(s for s in allowed if s)) or "-")
