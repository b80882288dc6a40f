"""Dates, times and language names as each language writes them: one pattern per language, used by
answers, event lists, reminders, previews and reports alike (Babel's CLDR data, never hand-made).

    day            7 Juli 2023 / 2023년 7월 7일 / July 7, 2023
    day, weekday   Jumat, 7 Juli 2023 / 2023년 7월 7일 금요일 / Friday, July 7, 2023
    clock          09.00 / 오전 9:00 / 9:00 AM          (Babel's short time: never seconds)
    moment         1 Desember 2026 pukul 09.00 WIB / 2026년 12월 1일 오전 9:00 WIB /
                   December 1, 2026 at 9:00 AM WIB
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time, get_date_format
from babel.lists import format_list

_ZERO_PADDED_DAY = re.compile(r"(?<![d'])dd(?![d'])")


@lru_cache(maxsize=None)
def _weekday_pattern(lang: str) -> str:
    """The locale's full date pattern with the day unpadded, as its long pattern writes it
    (Indonesian "EEEE, dd MMMM y" would give "Jumat, 07 Juli 2023" next to answers' "7 Juli 2023")."""
    return _ZERO_PADDED_DAY.sub("d", get_date_format("full", locale=lang).pattern)


@lru_cache(maxsize=None)
def _joiner(lang: str) -> str:
    """How the language joins a day and a time: CLDR's "at" pattern where it has one (Indonesian
    "{1} pukul {0}", English "{1} at {0}"), else its standard one (Korean "{1} {0}")."""
    locale = Locale.parse(lang)
    pattern = locale.datetime_formats_relative.get("long") or locale.datetime_formats["long"]
    return str(pattern).replace("'", "")


def format_day(value: dt.date, lang: str, *, weekday: bool = False) -> str:
    """A day in `lang`'s long pattern, optionally with its weekday; a datetime gives its own date."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return format_date(day, _weekday_pattern(lang) if weekday else "long", locale=lang)


def format_clock(value: dt.datetime, lang: str) -> str:
    """The time of day of an aware (or naive) datetime as it stands, in Babel's short format."""
    return format_time(value.replace(tzinfo=None), "short", locale=lang)


def join_day_and_time(day: str, time: str, lang: str) -> str:
    """'1 Desember 2026' + '09.00' → '1 Desember 2026 pukul 09.00' (the language's own joiner)."""
    return _joiner(lang).replace("{1}", day).replace("{0}", time)


def zone_name(value: dt.datetime) -> str:
    """The abbreviation the time-zone database gives (WIB, KST, UTC), else the UTC offset (+07)."""
    return value.tzname() or value.strftime("%z")


def format_moment(value: dt.datetime, lang: str, zone: dt.tzinfo | None = None, *, weekday: bool = False) -> str:
    """A day and a time in `zone` (default: the value's own), followed by the zone's abbreviation.

    `value` must be aware; a naive one is read as UTC."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    local = aware.astimezone(zone) if zone else aware
    text = join_day_and_time(format_day(local, lang, weekday=weekday), format_clock(local, lang), lang)
    return f"{text} {zone_name(local)}"


def format_span(start: dt.datetime, end: dt.datetime | None, lang: str, zone: dt.tzinfo, *,
                weekday: bool = False, with_day: bool = True) -> str:
    """From `start` to `end` in `zone`: '10 Maret 2027 pukul 09.00–12.00 WIB' on one day, each end a
    full moment across days; `with_day=False` drops the day of a one-day span ('11.00–14.00 KST'),
    for a second zone shown after a first."""
    first = start.astimezone(zone)
    last = end.astimezone(zone) if end is not None else None
    if last is not None and last.date() != first.date():
        return (f"{format_moment(first, lang, weekday=weekday)} – "
                f"{format_moment(last, lang, weekday=weekday)}")
    clock = format_clock(first, lang) + (f"–{format_clock(last, lang)}" if last is not None else "")
    text = join_day_and_time(format_day(first, lang, weekday=weekday), clock, lang) if with_day else clock
    return f"{text} {zone_name(first)}"


def language_names(codes: tuple[str, ...] | list[str], lang: str) -> str:
    """Languages named in `lang` as a list the way `lang` writes one: 'Indonesia, Korea, dan Inggris'
    (after "bahasa"), '인도네시아어, 한국어 및 영어', 'Indonesian, Korean, and English'."""
    names = Locale.parse(lang).languages
    return format_list([names.get(code, code) for code in codes], locale=lang)
