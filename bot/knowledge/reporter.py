"""The reporting half of reading a knowledge file: problems at file:line, duplicates, and the
checks every section shares (texts, words, per-language mappings, keyed sections).

`bot.knowledge.builder.Builder` is a Reporter; the section readers it hands itself to
(`crosscheck`, `event_fields`) take a Reporter, so none of them imports the builder back."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from bot.knowledge.located import N_, LMap, Mark, Scalar
from bot.knowledge.problems import Msg, Problem
from bot.knowledge.scalars import KEY_PATTERN, Finding, not_text, text_findings

_DUPLICATE = {
    "entry": N_("duplicate entry id {key!r} (first defined at {where})"),
    "symbol": N_("{key!r} is defined twice as a fact, name, or synonym group (first at {where})"),
    "topic": N_("duplicate topic {key!r} (first defined at {where})"),
    "event": N_("duplicate event id {key!r} (first defined at {where})"),
}


class Reporter:
    def __init__(self, strict: bool = False) -> None:
        self.strict = strict                  # warnings count as errors
        self.problems: list[Problem] = []
        self.first_seen: dict[tuple[str, str], tuple[str, Mark]] = {}

    def problem(self, file: str, mark: Mark, message: str, warning: bool = False, **params: Any) -> None:
        self.problems.append(Problem(file, mark.line, mark.column, message, params,
                                     warning=warning and not self.strict))

    def report(self, file: str, mark: Mark, finding: Finding) -> None:
        self.problem(file, mark, finding.message, finding.warning, **finding.params)

    def once(self, kind: str, key: str, file: str, mark: Mark) -> bool:
        """True the first time (kind, key) is defined; otherwise report the duplicate."""
        if (kind, key) in self.first_seen:
            first_file, first_mark = self.first_seen[(kind, key)]
            self.problem(file, mark, _DUPLICATE[kind], key=key, where=f"{first_file}:{first_mark.line}")
            return False
        self.first_seen[(kind, key)] = (file, mark)
        return True

    def text(self, file: str, mark: Mark, value: Any, scalar: Scalar | None) -> bool:
        """Report a value that was meant as a text but is not one, or was cut by a comment.
        True when `value` is a non-empty text (possibly with a warning)."""
        findings = text_findings(value, scalar)
        for finding in findings:
            self.report(file, mark, finding)
        return isinstance(value, str) and bool(value.strip())

    def string(self, file: str, raw: LMap, key: str) -> bool:
        """For fields that hold a word (id, kind, topic, timezone): report a value YAML made into
        something else (`id: yes`, `id: 2024`). True when it is a text or absent."""
        finding = not_text(raw.get(key), raw.scalar_of(key)) if key in raw else None
        if finding is not None:
            self.report(file, raw.mark_of(key), finding)
        return finding is None

    def localized(self, file: str, value: Any, mark: Mark, what: Msg, languages: Iterable[str],
                  optional: bool = False) -> dict[str, Any]:
        """Check a {lang: value} mapping has exactly `languages`; return what is usable. With
        `optional`, a missing language is the caller's to report (a text not translated yet), but
        at least one is needed."""
        languages = tuple(languages)
        if not isinstance(value, LMap):
            self.problem(file, mark, N_("{what} must be a mapping of language to text ({expected})"),
                         what=what, expected=", ".join(languages))
            return {}
        missing = [lang for lang in languages if lang not in value]
        if optional and len(missing) == len(languages):
            self.problem(file, value.mark, N_("{what} needs at least one of the languages: {expected}"),
                         what=what, expected=", ".join(languages))
        elif missing and not optional:
            self.problem(file, value.mark, N_("{what}: no text for {missing}"),
                         what=what, missing=", ".join(missing))
        for key in value:
            if key not in languages:
                finding = not_text(key, value.key_scalars.get(key))
                if finding is not None:
                    self.report(file, value.key_marks[key], finding)
                    continue
                self.problem(file, value.key_marks[key],
                             N_("{what} has the language {lang!r}, which this file does not declare ({expected})"),
                             what=what, lang=key, expected=", ".join(languages))
        return {k: v for k, v in value.items() if k in languages}

    def texts(self, file: str, values: dict[str, Any], raw: Any, what: Msg) -> None:
        """Keep only the languages whose value is a usable text; report the others."""
        for lang, text in list(values.items()):
            mark = raw.mark_of(lang) if isinstance(raw, LMap) else Mark(1, 1)
            scalar = raw.scalar_of(lang) if isinstance(raw, LMap) else None
            errors = self.errors()
            if not self.text(file, mark, text, scalar):
                if self.errors() == errors:
                    self.problem(file, mark, N_("{what} needs a non-empty text in {lang!r}"), what=what, lang=lang)
                del values[lang]

    def keyed(self, file: str, section: Any, mark: Mark, not_a_mapping: str) -> Iterator[tuple[str, Any, Mark]]:
        """(key, value, key's mark) of a `name: value` section, reporting bad keys and non-mappings."""
        if not isinstance(section, LMap):
            self.problem(file, mark, not_a_mapping)
            return
        for key, value in section.items():
            where = section.key_marks[key]
            finding = not_text(key, section.key_scalars.get(key))
            if finding is not None:
                self.report(file, where, finding)
                continue
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                self.problem(file, where, N_("the name {key!r} must be lowercase letters, digits, and '_'"), key=key)
                continue
            yield key, value, where

    def errors(self) -> int:
        return sum(not p.warning for p in self.problems)
