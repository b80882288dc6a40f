"""Guided events (/event, `event add`): title (translations optional), time zone, date, a time or a
whole day, venue, reminders; or an existing event changed or cancelled.

Each step catches its own mistakes: a date that does not exist ("31/02"), a past date or time, a
time the clocks jump over in that zone, an end before the start. Installed events are scheduled by
the outbox like those written in events.yaml (the reminders follow every reload).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from bot import LANGUAGES
from bot.admin.drafts import Draft, DraftDesk, Preview, check_template, slug, visible
from bot.admin.kb_yaml import append_event, has_events, remove_event, update_event
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.notice import Notice
from bot.admin.yaml_edit import EditError
from bot.i18n import _
from bot.knowledge.events import Event, offset_label, parse_offset, wall_clock_issue
from bot.text.dates import format_day

EVENTS_FILE = "events.yaml"           # where a new event goes when no file has an `events:` list yet
REMINDERS = ("7d", "1d", "1h")        # the reminder buttons
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$")
_TIMES = re.compile(r"^(\d{1,2})[:.](\d{2})(?:\s*[-–—~]\s*(\d{1,2})[:.](\d{2}))?$")


@dataclass
class EventDraft(Draft):
    title: dict[str, str] = field(default_factory=dict)
    current: str = ""                         # the language whose title is awaited
    offered: list[str] = field(default_factory=list)
    zone: str | None = None                   # a time zone abbreviation (WIB, KST, or a configured one)
    day: dt.date | None = None
    start: dt.time | None = None              # None: a whole day
    end: dt.time | None = None
    end_day: dt.date | None = None            # the last day of a whole-day event of several days
    venue: dict[str, str] = field(default_factory=dict)     # language → venue
    reminders: list[str] = field(default_factory=list)
    event_id: str | None = None               # an existing event being changed or cancelled
    part: str | None = None                   # which part of an existing event is being changed


def day_text(day: dt.date, lang: str) -> str:
    """'Rabu, 10 Maret 2027' / '2027년 3월 10일 수요일' / 'Wednesday, March 10, 2027'."""
    return format_day(day, lang, weekday=True)


def time_text(moment: dt.time, lang: str) -> str:
    """'09.00' / '오전 9:00' / '9:00 AM' (never seconds)."""
    return format_time(moment, "short", locale=lang)


class EventDesk(DraftDesk):
    def __init__(self, admin: KnowledgeAdmin, *, zones: Mapping[str, str], timezone: str,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(admin)
        self.zones = dict(zones) or {"WIB": timezone}
        self.default_zone = next((abbr for abbr, name in self.zones.items() if name == timezone),
                                 next(iter(self.zones)))
        self.clock = clock

    def zone(self, draft: EventDraft) -> ZoneInfo:
        return ZoneInfo(self.zones[draft.zone or self.default_zone])

    def now(self, zone: ZoneInfo) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), zone)

    # -- starting ---------------------------------------------------------------------------------------
    def begin_event(self, user_id: int, lang: str) -> EventDraft:
        self.store.audit(user_id, "event", "started")
        return self.start(user_id, EventDraft(lang, current=lang))

    def begin_change(self, user_id: int, lang: str, event_id: str) -> EventDraft | Notice:
        """A draft holding the event `event_id` as it is, to change one part of it or cancel it."""
        event = next((e for e in self.kb.events if e.id == event_id), None)
        if event is None:
            return Notice(_("There is no event {event}."), {"event": event_id})
        zone = next((abbr for abbr, name in self.zones.items() if name == event.timezone), None)
        if zone is None:                          # a zone written by hand that has no abbreviation here
            zone = event.timezone
            self.zones.setdefault(zone, event.timezone)
        local = ZoneInfo(event.timezone)
        start = event.start.astimezone(local) if isinstance(event.start, dt.datetime) else None
        end = event.end.astimezone(local) if isinstance(event.end, dt.datetime) else None
        draft = EventDraft(lang, title=dict(event.title), current=lang, offered=list(LANGUAGES), zone=zone,
                           day=start.date() if start else event.start,
                           start=start.time() if start else None, end=end.time() if end else None,
                           end_day=event.end if not start and isinstance(event.end, dt.date) else None,
                           venue=dict(event.venue), reminders=[offset_label(offset) for offset in event.reminders],
                           event_id=event_id)
        self.store.audit(user_id, "event", "started", event_id)
        return self.start(user_id, draft)

    def event_of(self, draft: EventDraft) -> Event | None:
        return next((e for e in self.kb.events if e.id == draft.event_id), None)

    # -- the steps ------------------------------------------------------------------------------------------
    def set_title(self, draft: EventDraft, text: str) -> Notice | None:
        text = text.strip()
        problem = check_template(self.kb, text)
        if problem is None:
            draft.title[draft.current] = text
        return problem

    def next_title_language(self, draft: EventDraft) -> str | None:
        for lang in LANGUAGES:
            if lang != draft.lang and lang not in draft.offered:
                draft.offered.append(lang)
                draft.current = lang
                return lang
        draft.current = draft.lang
        return None

    def set_zone(self, draft: EventDraft, abbreviation: str) -> Notice | None:
        if abbreviation not in self.zones:
            return Notice(_("Choose one of the time zones: {zones}."), {"zones": ", ".join(self.zones)})
        draft.zone = abbreviation
        return None

    def set_day(self, draft: EventDraft, text: str, lang: str) -> Notice | None:
        """2027-03-10, 10/03/2027 or 10/03 (the next 10 March). Refuses a day that does not exist
        ("31/02") and a day before today in the event's zone."""
        text = visible(text)
        today = self.now(self.zone(draft)).date()
        iso, dmy = _ISO.match(text), _DMY.match(text)
        if iso:
            year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
        elif dmy:
            day, month = int(dmy.group(1)), int(dmy.group(2))
            year = int(dmy.group(3)) if dmy.group(3) else today.year
        else:
            return Notice(_("{value} is not a date I can read. Write it as 2027-03-10 or 10/03/2027."),
                          {"value": text or "-"})
        if not 1 <= month <= 12:
            return Notice(_("{value} is not a date: there is no month {month}. Write it as 2027-03-10 or "
                            "10/03/2027."), {"value": text, "month": month})
        try:
            chosen = dt.date(year, month, day)
        except ValueError:
            return Notice(_("{month} has no day {day}. Send another date."),
                          {"month": format_skeleton("yMMMM", dt.date(year, month, 1), locale=lang), "day": day})
        if dmy and not dmy.group(3) and chosen < today:
            try:
                chosen = chosen.replace(year=year + 1)            # 10/03 in December: next March
            except ValueError:
                return Notice(_("{month} has no day {day}. Send another date."),
                              {"month": format_skeleton("yMMMM", dt.date(year + 1, month, 1), locale=lang),
                               "day": day})
        if chosen < today:
            return Notice(_("{day} has already passed (today is {today} in {zone}). Send a later date."),
                          {"day": day_text(chosen, lang), "today": day_text(today, lang), "zone": draft.zone})
        draft.day, draft.end_day = chosen, None
        return None

    def set_times(self, draft: EventDraft, text: str | None, lang: str) -> Notice | None:
        """'09:00', '09:00-12:00' (an end), or None for a whole day. Refuses a time the clocks jump
        over that day in the zone, a start already past, and an end not after the start."""
        assert draft.day is not None
        if text is None:
            draft.start = draft.end = None
            draft.reminders = [r for r in draft.reminders if r.endswith("d")]      # a whole day: whole days
            return None
        text = visible(text)
        found = _TIMES.match(text)
        if not found:
            return Notice(_("{value} is not a time I can read. Write it as 09:00, or 09:00-12:00 with an end."),
                          {"value": text or "-"})
        numbers = [int(n) for n in found.groups() if n is not None]
        pairs = list(zip(numbers[::2], numbers[1::2]))
        if any(not (0 <= h <= 23 and 0 <= m <= 59) for h, m in pairs):
            return Notice(_("{value} is not a time of day: hours go from 0 to 23 and minutes from 0 to 59."),
                          {"value": text})
        zone = self.zone(draft)
        times = [dt.time(h, m) for h, m in pairs]
        for moment in times:
            if wall_clock_issue(dt.datetime.combine(draft.day, moment), zone) == "gap":
                return Notice(_("{time} does not exist on {day} in {zone}: the clocks jump forward over it that "
                                "night. Send another time."),
                              {"time": time_text(moment, lang), "day": day_text(draft.day, lang), "zone": draft.zone})
        start = dt.datetime.combine(draft.day, times[0], zone)
        if start <= self.now(zone):
            return Notice(_("{day} at {time} has already passed. Send a later time."),
                          {"day": day_text(draft.day, lang), "time": time_text(times[0], lang)})
        if len(times) == 2 and times[1] <= times[0]:
            return Notice(_("The end time ({end}) must be after the start time ({start}). Send the times again."),
                          {"end": time_text(times[1], lang), "start": time_text(times[0], lang)})
        draft.start, draft.end = times[0], (times[1] if len(times) == 2 else None)
        return None

    def elsewhere(self, draft: EventDraft) -> list[tuple[str, dt.datetime]]:
        """The start in every other configured zone, for the administrator to confirm."""
        assert draft.day is not None and draft.start is not None
        start = dt.datetime.combine(draft.day, draft.start, self.zone(draft))
        return [(abbr, start.astimezone(ZoneInfo(name))) for abbr, name in self.zones.items()
                if abbr != draft.zone and ZoneInfo(name) != self.zone(draft)]

    def set_venue(self, draft: EventDraft, text: str | None) -> Notice | None:
        """The venue (a place's name, written once for every language of the title), or None: none."""
        if text is None:
            draft.venue = {}
            return None
        text = text.strip()
        problem = check_template(self.kb, text)
        if problem is None:
            draft.venue = {lang: text for lang in LANGUAGES if lang in draft.title}
        return problem

    def reminder_choices(self, draft: EventDraft) -> list[str]:
        """The reminder offsets that fit: whole days for a whole-day event, and still in the future."""
        event = self._event(draft, draft.event_id or "draft")
        now = self.clock()
        choices = []
        for label in REMINDERS:
            offset = parse_offset(label)
            if offset is None or (draft.start is None and offset % dt.timedelta(days=1)):
                continue
            at = dict(replace(event, reminders=(offset,)).reminder_times())[offset]
            if at.timestamp() > now:
                choices.append(label)
        return choices

    def toggle_reminder(self, draft: EventDraft, label: str) -> None:
        if label in draft.reminders:
            draft.reminders.remove(label)
        elif label in self.reminder_choices(draft):
            draft.reminders.append(label)
        draft.reminders.sort(key=lambda r: parse_offset(r) or dt.timedelta(0), reverse=True)

    # -- previews ---------------------------------------------------------------------------------------------
    def _event(self, draft: EventDraft, event_id: str) -> Event:
        assert draft.day is not None
        zone_name = self.zones[draft.zone or self.default_zone]
        zone = ZoneInfo(zone_name)
        start: dt.date = dt.datetime.combine(draft.day, draft.start, zone) if draft.start else draft.day
        end: dt.date | None = (dt.datetime.combine(draft.day, draft.end, zone) if draft.start and draft.end
                               else None if draft.start else draft.end_day)
        offsets = tuple(o for o in (parse_offset(r) for r in draft.reminders) if o is not None)
        return Event(event_id, dict(draft.title), {}, start, end, zone_name, dict(draft.venue), offsets)

    def _fields(self, draft: EventDraft, event_id: str) -> dict[str, Any]:
        """The event's YAML keys, in the order events.yaml writes them."""
        assert draft.day is not None
        event = self._event(draft, event_id)
        at = (lambda moment: f"{draft.day.isoformat()} {moment.strftime('%H:%M')}")  # noqa: E731
        return {"id": event_id,
                "title": {lang: draft.title[lang] for lang in LANGUAGES if lang in draft.title},
                "start": at(draft.start) if draft.start else draft.day,
                "end": at(draft.end) if draft.start and draft.end else None if draft.start else draft.end_day,
                "timezone": event.timezone,
                "venue": {lang: draft.venue[lang] for lang in LANGUAGES if lang in draft.venue} or None,
                "reminders": tuple(draft.reminders) or None}

    async def preview_event(self, user_id: int | None, draft: EventDraft) -> Preview | Notice:
        """A new event (appended to the file that holds the events), or the changed parts of an
        existing one written in place."""
        if draft.day is None or not draft.title:
            return Notice(_("The event needs a title and a date first."))
        if draft.event_id is None:
            taken = {e.id for e in self.kb.events}
            event_id = slug(draft.title.get(draft.lang, next(iter(draft.title.values()))), taken.__contains__,
                            "event", f"-{draft.day.isoformat()}")
            fields = self._fields(draft, event_id)

            def add(texts: Mapping[str, str]) -> dict[str, str]:
                file = next((name for name in sorted(texts) if has_events(texts[name])), EVENTS_FILE)
                return {file: append_event(texts.get(file, ""), fields)}
            return await self.preview(user_id, draft, f"event {event_id}", add)
        event = self.event_of(draft)
        if event is None:
            return Notice(_("There is no event {event}."), {"event": draft.event_id})
        wanted = self._fields(draft, event.id)
        wanted.pop("id")
        current = _written(event)
        changes = {key: value for key, value in wanted.items() if value != current.get(key)}
        if not changes:
            return Notice(_("Nothing would change: this is the event as it already is."))
        file = event.source.rsplit(":", 1)[0]

        def change(texts: Mapping[str, str]) -> dict[str, str]:
            if file not in texts:
                raise EditError(_("the event {event} is not in this file"), event=event.id)
            return {file: update_event(texts[file], event.id, changes)}
        return await self.preview(user_id, draft, f"event {event.id}", change)

    async def preview_cancel(self, user_id: int | None, draft: EventDraft) -> Preview | Notice:
        event = self.event_of(draft)
        if event is None:
            return Notice(_("There is no event {event}."), {"event": draft.event_id})
        file = event.source.rsplit(":", 1)[0]

        def remove(texts: Mapping[str, str]) -> dict[str, str]:
            if file not in texts:
                raise EditError(_("the event {event} is not in this file"), event=event.id)
            return {file: remove_event(texts[file], event.id)}
        return await self.preview(user_id, draft, f"event cancel {event.id}", remove)


def _written(event: Event) -> dict[str, Any]:
    """An existing event's keys as `EventDesk._fields` would write them (to see what changed)."""
    zone = ZoneInfo(event.timezone)

    def at(moment: dt.datetime | dt.date | None) -> Any:
        if isinstance(moment, dt.datetime):
            return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return moment
    return {"title": dict(event.title), "start": at(event.start), "end": at(event.end), "timezone": event.timezone,
            "venue": dict(event.venue) or None,
            "reminders": tuple(offset_label(o) for o in event.reminders) or None}
