"""Validation of the `events:` section: ids, texts per language, times in their zone, reminders.

A time without a UTC offset is read in the event's time zone, so it must exist there exactly once:
02:30 on the night the clocks jump forward does not exist (an error), and 02:30 on the night they
go back happens twice (a warning; the first is used).
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from bot.knowledge.events import Event, parse_offset, wall_clock_issue, zone_or_none
from bot.knowledge.located import N_, LList, LMap, Mark
from bot.knowledge.problems import Msg
from bot.knowledge.reporter import Reporter
from bot.knowledge.scalars import ID_PATTERN

EVENT_KEYS = {"id", "title", "description", "start", "end", "timezone", "venue", "reminders"}


def add_events(reporter: Reporter, file: str, events: Any, mark: Mark,
               languages: tuple[str, ...]) -> list[tuple[Event, str, LMap]]:
    """The valid events of a file's `events:` list, each with its file and raw mapping; the problems
    of the others go to `reporter`."""
    if not isinstance(events, LList):
        reporter.problem(file, mark, N_("'events' must be a list"))
        return []
    found = []
    for raw, where in zip(events, events.item_marks):
        event = _event(reporter, file, raw, where, languages)
        if event is not None:
            found.append((event, file, raw))
    return found


def _event(b: Reporter, file: str, raw: Any, mark: Mark, languages: tuple[str, ...]) -> Event | None:
    if not isinstance(raw, LMap):
        b.problem(file, mark, N_("an event must be a mapping with id, title, start, and timezone"))
        return None
    for key in raw:
        if key not in EVENT_KEYS:
            b.problem(file, raw.key_marks[key], N_("unknown key {key!r} in an event; expected one of: {expected}"),
                      key=key, expected=", ".join(sorted(EVENT_KEYS)))
    event_id = raw.get("id")
    if not b.string(file, raw, "id"):
        return None
    if not isinstance(event_id, str) or not ID_PATTERN.match(event_id):
        b.problem(file, raw.mark_of("id"), N_("the id {id!r} must be 1–40 lowercase letters, digits, and '-'"),
                  id=event_id)
        return None
    ok = b.once("event", event_id, file, raw.mark_of("id"))
    texts: dict[str, dict[str, Any]] = {}
    for key, required in (("title", True), ("description", False), ("venue", False)):
        if key not in raw:
            if required:
                b.problem(file, raw.mark, N_("the event {id!r} has no {key!r}"), id=event_id, key=key)
            texts[key] = {}
            continue
        what = Msg(N_("the {key} of the event {id!r}"), {"key": key, "id": event_id})
        texts[key] = b.localized(file, raw[key], raw.mark_of(key), what, languages, optional=True)
        untranslated = [lang for lang in languages if lang not in texts[key]]
        if texts[key] and untranslated:
            b.problem(file, raw[key].mark, N_("{what} is not translated into: {missing}"), warning=True,
                      what=what, missing=", ".join(untranslated))
        b.texts(file, texts[key], raw[key], what)
    zone_name = raw.get("timezone")
    zone = zone_or_none(zone_name) if isinstance(zone_name, str) else None
    if zone is None and b.string(file, raw, "timezone"):
        b.problem(file, raw.mark_of("timezone") if "timezone" in raw else raw.mark,
                  N_("the event {id!r} needs a known 'timezone' such as Asia/Jakarta or Asia/Seoul (got {value!r})"),
                  id=event_id, value=zone_name)
    start = _time(b, file, raw, "start", event_id, zone, required=True)
    end = _time(b, file, raw, "end", event_id, zone, required=False)
    if start is not None and end is not None:
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            b.problem(file, raw.mark_of("end"), N_("the end of the event {id!r} must be a date when its start "
                                                   "is a date, and a time when its start is a time"), id=event_id)
            end = None
        elif end < start:
            b.problem(file, raw.mark_of("end"), N_("the event {id!r} ends before it starts"), id=event_id)
            end = None
    reminders = _reminders(b, file, raw, event_id, start)
    if not ok or start is None or zone is None or not isinstance(zone_name, str) or not texts["title"]:
        return None
    return Event(event_id, MappingProxyType(texts["title"]), MappingProxyType(texts["description"]), start, end,
                 zone_name, MappingProxyType(texts["venue"]), tuple(sorted(set(reminders), reverse=True)),
                 f"{file}:{raw.mark.line}")


def _reminders(b: Reporter, file: str, raw: LMap, event_id: str,
               start: dt.datetime | dt.date | None) -> list[dt.timedelta]:
    reminders = []
    raw_reminders = raw.get("reminders", LList())
    if not isinstance(raw_reminders, LList):
        b.problem(file, raw.mark_of("reminders"), N_("'reminders' must be a list such as [7d, 1d, 1h]"))
        raw_reminders = LList()
    for value, where, scalar in zip(raw_reminders, raw_reminders.item_marks, raw_reminders.item_scalars):
        text = scalar.text if scalar is not None else value       # 1:30 as written, not YAML's 90
        offset = parse_offset(value) if isinstance(value, str) else None
        if offset is None or offset <= dt.timedelta(0):
            b.problem(file, where, N_("the reminder {value!r} must be a number of days, hours, or minutes "
                                      "before the start, such as 7d, 1d, 1h, or 30m"), value=text)
        elif start is not None and not isinstance(start, dt.datetime) and offset % dt.timedelta(days=1):
            b.problem(file, where, N_("the event {id!r} lasts whole days, so its reminders must be whole "
                                      "days (such as 1d); {value!r} is not"), id=event_id, value=text)
        else:
            reminders.append(offset)
    return reminders


def _time(b: Reporter, file: str, raw: LMap, key: str, event_id: str, zone: ZoneInfo | None,
          required: bool) -> dt.datetime | dt.date | None:
    """A date, or a date and time made aware in `zone` (an explicit UTC offset is kept)."""
    if key not in raw:
        if required:
            b.problem(file, raw.mark, N_("the event {id!r} has no {key!r}"), id=event_id, key=key)
        return None
    value = raw[key]
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value
        if zone is None:
            return None
        issue = wall_clock_issue(value, zone)
        time = value.isoformat(sep=" ", timespec="minutes")
        if issue == "gap":
            b.problem(file, raw.mark_of(key), N_("the {key} of the event {id!r}, {time}, does not exist in {zone}: "
                                                 "the clocks jump forward over it that night; choose another time"),
                      key=key, id=event_id, time=time, zone=zone.key)
            return None
        if issue == "fold":
            b.problem(file, raw.mark_of(key), N_("the {key} of the event {id!r}, {time}, happens twice in {zone}: "
                                                 "the clocks go back over it that night, and the first is used; add "
                                                 "the UTC offset you mean, such as +02:00"), warning=True,
                      key=key, id=event_id, time=time, zone=zone.key)
        return value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return value
    b.problem(file, raw.mark_of(key), N_("the {key} of the event {id!r} must be a date (2023-07-07) or a date "
                                         "and time (2026-12-01 09:00)"), key=key, id=event_id)
    return None

