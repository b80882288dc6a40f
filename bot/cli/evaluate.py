"""`kb eval`: run a labelled question file and measure the engine against it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from bot import LANGUAGES
from bot.engine.answer import Engine
from bot.knowledge.located import N_, LList, LMap, YamlProblem, parse_yaml
from bot.knowledge.problems import Gettext, Msg, Problem
from bot.knowledge.scalars import not_text
from bot.text.language import detect_language

# Spellings of "nothing" that YAML reads as text, not null: `expect: none` would be taken as an id.
_NULL_LOOKALIKES = {"none", "null", "nil", "n/a", "-", "", "off-topic", "offtopic"}


@dataclass(frozen=True)
class Case:
    question: str
    lang: str
    expect: str | None
    line: int = 0


class EvalFileError(ValueError):
    """Every problem of an evaluation file; str() is the English text, `render` translates."""
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.render() for p in problems))
        self.problems = problems

    def render(self, gettext: Gettext) -> str:
        return "\n".join(p.render(gettext) for p in self.problems)


def read_cases(path: Path, entry_ids: Iterable[str] | None = None) -> list[Case]:
    """The cases of a YAML list of {q, lang, expect} items. With `entry_ids`, an `expect` must be
    one of them or null. Raises EvalFileError with every problem, each at file:line:column."""
    name = str(path)
    try:
        doc = parse_yaml(Path(path).read_bytes())
    except YamlProblem as exc:
        raise EvalFileError([Problem(name, exc.mark.line, exc.mark.column, exc.message, exc.params)]) from None
    if not isinstance(doc, LList):
        mark = getattr(doc, "mark", None)
        raise EvalFileError([Problem(name, mark.line if mark else 1, mark.column if mark else 1,
                                     N_("expected a YAML list of {{q, lang, expect}} items"))])
    known = set(entry_ids) if entry_ids is not None else None
    cases, problems = [], []
    for item, mark in zip(doc, doc.item_marks):
        def problem(where: Any, message: str, **params: Any) -> None:
            problems.append(Problem(name, where.line, where.column, message, params))
        if not isinstance(item, LMap) or not isinstance(item.get("q"), str) or item.get("lang") not in LANGUAGES:
            finding = not_text(item.get("q"), item.scalar_of("q")) if isinstance(item, LMap) else None
            if finding is not None:
                problem(item.mark_of("q"), finding.message, **finding.params)
            else:
                problem(mark, N_("each item needs q (text), lang (id, ko, or en), and expect (an entry id or null)"))
            continue
        expect = item.get("expect")
        where = item.mark_of("expect") if "expect" in item else item.mark
        if "expect" not in item:
            problem(where, N_("the item has no 'expect': write an entry id, or null for a question the bot "
                              "must not answer"))
            continue
        if expect is not None and not isinstance(expect, str):
            problem(where, N_("'expect' must be an entry id or null, not {value!r}"), value=expect)
            continue
        if isinstance(expect, str) and expect.strip().lower() in _NULL_LOOKALIKES:
            problem(where, N_("'expect' is the text {value!r}; write null (without quotes) for a question the "
                              "bot must not answer"), value=expect)
            continue
        if expect is not None and known is not None and expect not in known:
            close = difflib.get_close_matches(expect, sorted(known), n=1)
            problem(where, N_("'expect' names no entry: {value!r}{hint}"), value=expect,
                    hint=Msg(N_(" (did you mean {id!r}?)"), {"id": close[0]}) if close else "")
            continue
        cases.append(Case(item["q"], item["lang"], expect, mark.line))
    if problems:
        raise EvalFileError(problems)
    return cases


@dataclass
class Report:
    total: int = 0
    per_language: dict[str, dict[str, int]] = field(default_factory=dict)
    offtopic_total: int = 0
    offtopic_refused: int = 0          # fallback, or a "did you mean" (no answer given)
    answered_wrongly: int = 0          # an answer from a wrong entry (or any answer to off-topic)
    clarified: int = 0
    language_correct: int = 0
    misses: list[dict] = field(default_factory=list)

    def accuracy(self, lang: str) -> float:
        """Share of `lang`'s answerable questions answered outright from the expected entry."""
        row = self.per_language.get(lang, {})
        return row.get("correct", 0) / row["answerable"] if row.get("answerable") else 1.0

    def reach(self, lang: str) -> float:
        """Share answered right, or offered in a "did you mean" (one tap away)."""
        row = self.per_language.get(lang, {})
        return (row.get("correct", 0) + row.get("offered", 0)) / row["answerable"] if row.get("answerable") else 1.0

    @property
    def wrong_rate(self) -> float:
        """Wrong answers per answerable question (off-topic answers included)."""
        answerable = sum(row["answerable"] for row in self.per_language.values())
        return self.answered_wrongly / answerable if answerable else 0.0

    @property
    def offtopic_refusal_rate(self) -> float:
        return self.offtopic_refused / self.offtopic_total if self.offtopic_total else 1.0

    @property
    def language_accuracy(self) -> float:
        return self.language_correct / self.total if self.total else 1.0

    def as_dict(self) -> dict:
        return {
            "questions": self.total,
            "top1_accuracy": {lang: round(self.accuracy(lang), 4) for lang in self.per_language},
            "answered_or_offered": {lang: round(self.reach(lang), 4) for lang in self.per_language},
            "answerable": {lang: row["answerable"] for lang, row in self.per_language.items()},
            "offtopic": self.offtopic_total,
            "offtopic_refused": self.offtopic_refused,
            "offtopic_refusal_rate": round(self.offtopic_refusal_rate, 4),
            "answered_wrongly": self.answered_wrongly,
            "clarified": self.clarified,
            "language_accuracy": round(self.language_accuracy, 4),
            "misses": self.misses,
        }


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    """Top-1 accuracy counts only confident answers from the expected entry."""
    report = Report()
    for case in cases:
        report.total += 1
        reply = engine.ask(case.question)
        detected = detect_language(case.question)
        if reply.lang == case.lang:
            report.language_correct += 1
        row = report.per_language.setdefault(case.lang, {"answerable": 0, "correct": 0, "offered": 0})
        if reply.kind == "clarify":
            report.clarified += 1
        ok = False
        if case.expect is None:
            report.offtopic_total += 1
            ok = reply.kind != "answer"
            report.offtopic_refused += ok
        else:
            row["answerable"] += 1
            ok = reply.kind == "answer" and reply.entry_id == case.expect
            row["correct"] += ok
            row["offered"] += reply.kind == "clarify" and any(c.entry_id == case.expect for c in reply.choices)
        if reply.kind == "answer" and reply.entry_id != case.expect:
            report.answered_wrongly += 1
        if not ok or reply.lang != case.lang:
            report.misses.append({
                "q": case.question, "lang": case.lang, "got_lang": reply.lang, "detected": detected,
                "expect": case.expect, "got": reply.entry_id, "kind": reply.kind, "score": round(reply.score, 3),
                "choices": [c.entry_id for c in reply.choices],
            })
    return report


def format_report(report: Report) -> str:
    lines = [f"questions: {report.total}"]
    for lang in LANGUAGES:
        if lang in report.per_language:
            row = report.per_language[lang]
            lines.append(f"top-1 accuracy [{lang}]: {row['correct']}/{row['answerable']} = "
                         f"{report.accuracy(lang):.1%}; "
                         f"answered or offered in \"did you mean\": {report.reach(lang):.1%}")
    lines += [
        f"off-topic refused: {report.offtopic_refused}/{report.offtopic_total} = {report.offtopic_refusal_rate:.1%}",
        f"answered wrongly: {report.answered_wrongly}",
        f"needed \"did you mean\": {report.clarified}",
        f"language detection: {report.language_correct}/{report.total} = {report.language_accuracy:.1%}",
    ]
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for miss in report.misses:
            lines.append(f"  [{miss['lang']}→{miss['got_lang']}] {miss['q']!r}: expected {miss['expect']}, got "
                         f"{miss['kind']} {miss['got'] or ''} {miss['choices'] or ''} ({miss['score']})")
    return "\n".join(lines)
