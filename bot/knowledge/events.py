"""Events: typed, time-zoned, with reminder offsets; parsing (with validation) and formatting.

A start is either a date (the article gives no time for the MoU signing, so the bundled event is a
whole day) or a date and time in the event's time zone. Every time shown is formatted by Babel
for the reader's language, in both WIB (Asia/Jakarta) and KST (Asia/Seoul).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.text.dates import format_day, format_span

WIB = ZoneInfo("Asia/Jakarta")
KST = ZoneInfo("Asia/Seoul")
ALL_DAY_REMINDER_HOUR = 9          # a whole-day event's reminders go out at 09:00 in its time zone
_OFFSET = re.compile(r"^(\d{1,3})\s*([dhm])$")


@dataclass(frozen=True)
class Event:
    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    start: dt.datetime | dt.date              # aware datetime, or a date for a whole-day event
    end: dt.datetime | dt.date | None
    timezone: str
    venue: Mapping[str, str]
    reminders: tuple[dt.timedelta, ...]
    source: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    def starts_at(self) -> dt.datetime:
        """The moment the event starts (a whole-day event: midnight in its time zone)."""
        if not isinstance(self.start, dt.datetime):
            return dt.datetime.combine(self.start, dt.time(0), ZoneInfo(self.timezone))
        return self.start

    def ends_at(self) -> dt.datetime:
        if self.end is None:
            return self.starts_at() + (dt.timedelta(days=1) if self.all_day else dt.timedelta(hours=2))
        if isinstance(self.end, dt.datetime):
            return self.end
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), ZoneInfo(self.timezone))

    def reminder_times(self) -> list[tuple[dt.timedelta, dt.datetime]]:
        """(offset, moment) of each reminder. A timed event's reminder is exactly `offset` before
        its start in real time: aware-datetime arithmetic in one zone is wall-clock arithmetic,
        which on the night the clocks change would put "1h before 03:30" at 02:30, an hour that
        does not exist there (and is read as the start itself)."""
        zone = ZoneInfo(self.timezone)
        times = []
        for offset in self.reminders:
            if self.all_day:
                day = self.start - dt.timedelta(days=offset.days)
                at = dt.datetime.combine(day, dt.time(ALL_DAY_REMINDER_HOUR), zone)
            else:
                at = (self.starts_at().astimezone(dt.timezone.utc) - offset).astimezone(zone)
            times.append((offset, at))
        return times


def parse_offset(text: str) -> dt.timedelta | None:
    match = _OFFSET.match(str(text).strip())
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return {"d": dt.timedelta(days=amount), "h": dt.timedelta(hours=amount), "m": dt.timedelta(minutes=amount)}[unit]


def offset_label(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"


def zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def when_text(event: Event, lang: str) -> str:
    """'Jumat, 7 Juli 2023' for a whole day; 'Rabu, 10 Maret 2027 pukul 09.00–12.00 WIB / 11.00–14.00 KST'
    for a time (the KST day is named too when it differs from the WIB one). The patterns are those of
    bot/text/dates.py, the same as answers and announcements use."""
    if event.all_day:
        text = format_day(event.start, lang, weekday=True)
        if event.end and event.end != event.start:
            text += " – " + format_day(event.end, lang, weekday=True)
        return text
    start = event.starts_at()
    end = event.end if isinstance(event.end, dt.datetime) else None
    same_day = start.astimezone(WIB).date() == start.astimezone(KST).date()
    return (f"{format_span(start, end, lang, WIB, weekday=True)} / "
            f"{format_span(start, end, lang, KST, weekday=True, with_day=not same_day)}")


def event_text(event: Event, lang: str, render: Callable[[str], str] = lambda text: text) -> str:
    """Title, time in WIB and KST, venue and description, in `lang` (the event's first language
    when it has not that one)."""
    def pick(texts: Mapping[str, str]) -> str:
        return render(texts.get(lang) or next(iter(texts.values()), ""))
    lines = [pick(event.title), "🗓 " + when_text(event, lang)]
    if event.venue:
        lines.append("📍 " + pick(event.venue))
    if event.description:
        lines.append(pick(event.description))
    return "\n".join(lines)


def upcoming(events: Iterable[Event], now: dt.datetime) -> list[Event]:
    return sorted((e for e in events if e.ends_at() > now), key=lambda e: e.starts_at())


def past(events: Iterable[Event], now: dt.datetime) -> list[Event]:
    return sorted((e for e in events if e.ends_at() <= now), key=lambda e: e.starts_at(), reverse=True)


def wall_clock_issue(local: dt.datetime, zone: ZoneInfo) -> str | None:
    """'gap' when the naive `local` time never happens in `zone` (the clocks jump over it), 'fold'
    when it happens twice (the clocks go back over it), else None."""
    aware = local.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(dt.timezone.utc).astimezone(zone).replace(tzinfo=None)
    if back != local:
        return "gap"
    if local.replace(tzinfo=zone, fold=1).utcoffset() != aware.utcoffset():
        return "fold"
    return None
