"""Typed-scalar checks: what PyYAML made of a value, against what the author wrote and the schema wants.

PyYAML follows YAML 1.1, which guesses a type from unquoted text: `1:30` is the base-60 number 90,
`0777` is octal 511, `yes`/`on` are booleans, `2024` in an answer is an int, `4.300` is 4.3. Each
function here looks at both the value and its literal text (`Scalar`) and returns a `Finding` (an
untranslated message with its parameters) when the two disagree, or when the text suggests the
author meant something else.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, NamedTuple

from babel.numbers import format_decimal

from bot.knowledge.located import N_, LMap, Scalar
from bot.knowledge.model import Fact
from bot.knowledge.problems import Msg

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")        # entries and events
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")        # facts, names, synonyms, topics
YEAR_NAME = re.compile(r"(^|_)year$")          # a fact so named holds a year: never grouped (2026, not 2,026)
YEAR_LIKE = range(1000, 3000)
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_HEX_OR_BINARY = re.compile(r"^[-+]?0[xXbB]")
_THREE_DECIMALS = re.compile(r"^[-+]?[0-9]+\.[0-9]{3}$")   # 4.300: Indonesian (and German) 4,300
_GROUPED = re.compile(r"^[-+]?[0-9]{1,3}([.,][0-9]{3})+$")   # 4,300 / 1.234.567
_DECIMAL_COMMA = re.compile(r"^[-+]?[0-9]+,[0-9]+$")        # 4,3
_LOOSE_DATE = re.compile(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4})$")
_NUMERIC_TEXT = re.compile(r"^[-+]?[0-9][0-9_]*(\.[0-9_]*)?$")
_FACT_FORMS = Msg(N_("a fact must be a number (4300 or 4.3), a date (2023-07-07) or {{year: 2024}}"), {})


class Finding(NamedTuple):
    message: str                # an English msgid with {placeholders}
    params: dict[str, Any]
    warning: bool = False


def yaml_spelling(value: Any) -> str:
    """How YAML writes a resolved value back: true, 90, 4.3, 2023-07-07, null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def not_text(value: Any, scalar: Scalar | None) -> Finding | None:
    """Why `value`, found where a text belongs, is not one (None when it is a text, or not a scalar)."""
    if isinstance(value, str) or scalar is None:
        return None
    params = {"raw": scalar.text, "value": yaml_spelling(value)}
    if isinstance(value, bool):
        return Finding(N_("{raw} is read as the yes/no value {value}, not as text; put it in quotes: \"{raw}\""),
                       params)
    if isinstance(value, (int, float)):
        return Finding(N_("{raw} is read as the number {value}, not as text; put it in quotes: \"{raw}\""), params)
    if isinstance(value, (dt.date, dt.datetime)):
        return Finding(N_("{raw} is read as the date {value}, not as text; put it in quotes: \"{raw}\""), params)
    if value is None and scalar.text:
        return Finding(N_("{raw} is read as an empty value (null), not as text; put it in quotes: \"{raw}\""),
                       params)
    return None


def cut_by_comment(scalar: Scalar | None) -> Finding | None:
    """A plain text followed by ' #...' on its line: YAML dropped the rest as a comment."""
    if scalar is None or not scalar.plain or scalar.comment is None:
        return None
    return Finding(N_("the text {text!r} ends where {comment!r} begins: ' #' starts a comment in YAML; if it "
                      "belongs to the text, put the whole text in quotes"),
                   {"text": scalar.text, "comment": scalar.comment}, warning=True)


def text_findings(value: Any, scalar: Scalar | None) -> list[Finding]:
    return [f for f in (not_text(value, scalar), cut_by_comment(scalar)) if f is not None]


def fact_of(key: str, value: Any, scalar: Scalar | None) -> tuple[Fact | None, list[Finding]]:
    """The fact `key: value`, typed, with what is wrong or doubtful about it.

    Forms: a number, a date, `{year: 2024}`, `{number: 2026}` (a number the author confirms, e.g. a
    count that looks like a year, or 4.125 meant as a decimal). A plain integer under a name ending
    in `year` is a year. Returns (None, errors) when the value cannot be used.
    """
    if isinstance(value, LMap) and len(value) == 1 and next(iter(value)) in ("year", "number"):
        kind = next(iter(value))
        inner, inner_scalar = value[kind], value.scalar_of(kind)
        if kind == "year":
            if type(inner) is not int:
                return None, [Finding(N_("the fact {key!r}: {{year: ...}} needs a whole number such as 2024"),
                                      {"key": key})]
            return Fact(key, "year", inner), _literal_findings(key, inner, inner_scalar)
        fact, findings = _number(key, inner, inner_scalar, confirmed=True)
        return fact, findings
    if isinstance(value, dt.datetime):
        return None, [Finding(N_("the fact {key!r} has a time; write a date such as 2023-07-07"), {"key": key})]
    if isinstance(value, dt.date):
        if YEAR_NAME.search(key):
            return None, [Finding(N_("the fact {key!r} is named as a year but holds the date {value}; write the "
                                     "year alone, such as 2024"), {"key": key, "value": value.isoformat()})]
        return Fact(key, "date", value), []
    return _number(key, value, scalar, confirmed=False)


def _number(key: str, value: Any, scalar: Scalar | None, confirmed: bool) -> tuple[Fact | None, list[Finding]]:
    raw = scalar.text if scalar is not None else str(value)
    params = {"key": key, "raw": raw, "value": yaml_spelling(value)}
    if isinstance(value, bool):
        return None, [Finding(N_("the fact {key!r}: {raw} is read as the yes/no value {value}; {forms}"),
                              {**params, "forms": _FACT_FORMS})]
    if value is None:
        return None, [Finding(N_("the fact {key!r} has no value; {forms}"), {**params, "forms": _FACT_FORMS})]
    if isinstance(value, str):
        return None, [_text_as_fact(key, value, scalar)]
    if type(value) not in (int, float):
        return None, [Finding(N_("the fact {key!r} must be a number, a date (2023-07-07) or {{year: 2024}}"),
                              {"key": key})]
    findings = _literal_findings(key, value, scalar)
    if any(not f.warning for f in findings):
        return None, findings
    if YEAR_NAME.search(key) and not confirmed:
        if type(value) is not int:
            return None, [Finding(N_("the fact {key!r} is named as a year, so it must be a whole number such as "
                                     "2024 (got {raw})"), params)]
        return Fact(key, "year", value), findings
    if not confirmed and scalar is not None and scalar.plain:
        if _THREE_DECIMALS.match(raw):
            thousands = raw.replace(".", "").lstrip("+")
            findings.append(Finding(N_("the fact {key!r}: {raw} is read as {value}; if the dot separates "
                                       "thousands, write {thousands}; if it is a decimal, write {{number: {raw}}}"),
                                    {**params, "thousands": thousands}))
            return None, findings
        if type(value) is int and value in YEAR_LIKE and not findings:
            findings.append(Finding(N_("the fact {key!r} is {value}, which looks like a year and would be shown as "
                                       "{shown}; write {{year: {value}}} for a year, or {{number: {value}}} for an "
                                       "amount"), {**params, "shown": format_decimal(value, locale="en")},
                                    warning=True))
    return Fact(key, "number", value), findings


def _literal_findings(key: str, value: Any, scalar: Scalar | None) -> list[Finding]:
    """Numbers whose text YAML 1.1 reads in a way the author rarely means."""
    if scalar is None or not scalar.plain:
        return []
    raw = scalar.text
    params = {"key": key, "raw": raw, "value": yaml_spelling(value)}
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return [Finding(N_("the fact {key!r}: {raw} is not a finite number"), params)]
    if _SEXAGESIMAL.match(raw):
        return [Finding(N_("the fact {key!r}: {raw} is read as the base-60 number {value} (1:30 = 90); write "
                           "the number you mean without ':'"), params)]
    if _HEX_OR_BINARY.match(raw):
        return [Finding(N_("the fact {key!r}: {raw} is read as the hexadecimal or binary number {value}; write "
                           "it in decimal digits"), params)]
    if _OCTAL.match(raw):
        return [Finding(N_("the fact {key!r}: {raw} is read as the octal number {value} because of its leading "
                           "0; write it without the leading 0"), params)]
    if "_" in raw:
        return [Finding(N_("the fact {key!r}: {raw} is read as {value} (YAML ignores '_'); write {value}"),
                        params, warning=True)]
    return []


def _text_as_fact(key: str, value: str, scalar: Scalar | None) -> Finding:
    raw = value.strip()
    params = {"key": key, "raw": raw}
    if scalar is not None and not scalar.plain and (_NUMERIC_TEXT.match(raw) or _date_or_none(raw)):
        return Finding(N_("the fact {key!r} is {raw!r} in quotes, which makes it a text; remove the quotes"),
                       params)
    if _GROUPED.match(raw):
        return Finding(N_("the fact {key!r}: write {raw} without thousands separators, as {digits}"),
                       {**params, "digits": re.sub(r"[.,]", "", raw)})
    if _DECIMAL_COMMA.match(raw):
        return Finding(N_("the fact {key!r}: write the decimal {raw} with a dot, as {fixed}"),
                       {**params, "fixed": raw.replace(",", ".")})
    if _LOOSE_DATE.match(raw):
        return Finding(N_("the fact {key!r}: write the date {raw} as year-month-day with two digits each, such "
                          "as 2023-07-07"), params)
    return Finding(N_("the fact {key!r} is the text {raw!r}; {forms}"), {**params, "forms": _FACT_FORMS})


def _date_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
