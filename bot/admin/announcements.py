"""Announcements to subscribed groups: draft, confirm or discard, cancel, deliver, report.

Telegram-free: the outbox (bot/outbox.py) keeps them durable; sending and reporting are injected
by the caller (bot/telegram/announcements.py, or nothing at all for `python -m bot announce`, which
only writes to the outbox that the running bot delivers).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

from bot import LANGUAGES
from bot.admin.notice import Gettext, Notice
from bot.admin.pending import Pending
from bot.i18n import Catalogs, Translator, _
from bot.knowledge.events import Event, event_text
from bot.knowledge.model import KnowledgeBase
from bot.outbox import Outbox, Send, compose, deliver_pending
from bot.store import Store
from bot.text.dates import format_moment, language_names

_LANG_LINE = re.compile(r"^\s*(id|ko|en)\s*:\s*(.*)$", re.IGNORECASE)
_AT_LINE = re.compile(r"^\s*at\s*:\s*(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2})\s*([A-Za-z]+)?\s*$",
                      re.IGNORECASE)
USAGE = _("Write the announcement after /announce. One text for every language:\n/announce The seminar starts "
          "at 09:00.\nOr one text per language, and optionally a time (WIB or KST):\n/announce\nat: 2026-12-01 "
          "09:00 WIB\nid: Seminar dimulai pukul 09.00.\nko: 세미나는 9시에 시작합니다.\n"
          "en: The seminar starts at 09:00.")


def parse_announcement(text: str, default_zone: str,
                       zones: Mapping[str, str]) -> tuple[dict[str, str], dt.datetime | None]:
    """'at: 2026-12-01 09:00 WIB' (optional; a zone abbreviation from `zones`, else `default_zone`),
    then 'id: …', 'ko: …', 'en: …' or one text for all. Raises ValueError for an unreadable time."""
    lines = text.strip().splitlines()
    send_at = None
    if lines and (match := _AT_LINE.match(lines[0])):
        abbreviation = (match.group(2) or "").upper()
        if abbreviation and abbreviation not in zones:
            raise ValueError(f"unknown time zone {abbreviation!r}")
        zone = zones.get(abbreviation, default_zone)
        send_at = dt.datetime.fromisoformat(match.group(1).replace(" ", "T")).replace(tzinfo=ZoneInfo(zone))
        lines = lines[1:]
    texts: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if match := _LANG_LINE.match(line):
            current = match.group(1).lower()
            texts[current] = [match.group(2)]
        elif current:
            texts[current].append(line)
        else:
            texts.setdefault("*", []).append(line)
    joined = {lang: "\n".join(parts).strip() for lang, parts in texts.items()}
    if "*" in joined:
        everyone = joined.pop("*")
        if everyone:
            joined = {lang: joined.get(lang) or everyone for lang in LANGUAGES}
    return {lang: text for lang, text in joined.items() if text}, send_at


@dataclass(frozen=True)
class Draft:
    texts: dict[str, str]                       # language → text
    send_at: dt.datetime | None                 # None: now
    audiences: tuple[tuple[str, ...], ...]      # the language sets of the groups it goes to
    groups: int                                 # subscribed groups now
    token: str = ""                             # what the confirmation buttons carry


@dataclass(frozen=True)
class DeliveryReport:
    announcement_id: int
    created_by: int | None                      # None: an event reminder or the command line
    counts: dict[str, Any]                      # sent, pending, failed, reasons {reason: n}


Report = Callable[[DeliveryReport], Awaitable[None]]


class AnnouncementDesk:
    def __init__(self, outbox: Outbox, store: Store, *, timezone: str, zones: Mapping[str, str],
                 clock: Callable[[], float] = time.time) -> None:
        self.outbox = outbox
        self.store = store
        self.timezone = timezone
        self.zones = zones
        self.clock = clock
        self.drafts: Pending[Draft] = Pending()
        self._tick_lock = asyncio.Lock()

    # -- writing one --------------------------------------------------------------------------------
    def compose_draft(self, body: str) -> Draft | Notice:
        """Parse an announcement; a Notice says what is wrong with it."""
        if not body.strip():
            return Notice(USAGE)
        try:
            texts, send_at = parse_announcement(body, self.timezone, self.zones)
        except ValueError:
            return Notice(_("I could not read the time; write it as at: 2026-12-01 09:00 WIB"))
        if not texts:
            return Notice(_("The announcement has no text."))
        if send_at is not None and send_at.timestamp() <= self.clock():
            return Notice(_("That time has already passed."))
        subscribers = self.outbox.subscribers()
        audiences = tuple(sorted({g.languages for g in subscribers})) or tuple((code,) for code in LANGUAGES)
        return Draft(texts, send_at, audiences, len(subscribers))

    def draft(self, user_id: int, body: str) -> Draft | Notice:
        """A draft waiting for `confirm(user_id, draft.token)`; nothing is queued yet."""
        draft = self.compose_draft(body)
        if isinstance(draft, Notice):
            return draft
        token = self.drafts.put(user_id, draft)
        self.store.audit(user_id, "announce", "awaiting confirmation")
        return replace(draft, token=token)

    def confirm(self, user_id: int, token: str) -> int | None:
        """Queue the draft waiting under `token`; its announcement id, or None when nothing waited."""
        draft = self.drafts.take(user_id, token)
        return None if draft is None else self.schedule(user_id, draft)

    def schedule(self, user_id: int | None, draft: Draft) -> int:
        at = draft.send_at.timestamp() if draft.send_at else self.clock()
        announcement_id = self.outbox.schedule(draft.texts, at, user_id)
        assert announcement_id is not None, "only reminders are deduplicated"
        self.store.audit(user_id, "announce", "scheduled", f"#{announcement_id}")
        return announcement_id

    def discard(self, user_id: int, token: str) -> bool:
        if self.drafts.take(user_id, token) is None:
            return False
        self.store.audit(user_id, "announce", "cancelled")
        return True

    def cancel(self, user_id: int | None, announcement_id: int) -> bool:
        """Cancel a scheduled announcement; False once it has started going out (or never existed)."""
        cancelled = self.outbox.cancel(announcement_id)
        self.store.audit(user_id, "announcement-cancel", "ok" if cancelled else "too late", str(announcement_id))
        return cancelled

    def recent(self, user_id: int | None, limit: int = 10) -> list[dict[str, Any]]:
        self.store.audit(user_id, "announcements", "ok")
        return self.outbox.recent(limit)

    # -- delivering -------------------------------------------------------------------------------------
    async def tick(self, send: Send, report: Report) -> None:
        """Release due announcements, deliver, report the finished ones. One tick at a time: the
        repeating job and an immediate run after a confirmation never send the same row twice."""
        if self._tick_lock.locked():       # a tick is already delivering; it will see any new rows
            return
        async with self._tick_lock:
            self.outbox.release_due()
            while await deliver_pending(self.outbox, send):
                pass
            for announcement_id in self.outbox.finished_unreported():
                item = self.outbox.announcement(announcement_id)
                created_by = item["created_by"] if item else None
                await report(DeliveryReport(announcement_id, created_by, self.outbox.counts(announcement_id)))
                self.outbox.mark_reported(announcement_id)

    def sync_reminders(self, kb: KnowledgeBase, catalogs: Catalogs) -> dict[str, int]:
        """Make the scheduled event reminders match the knowledge base's events."""
        return self.outbox.sync_reminders(kb.events, lambda event, offset: reminder_texts(kb, catalogs, event, offset))


def _render(kb: KnowledgeBase, text: str, lang: str) -> str:
    return kb.render(text, lang)


def reminder_texts(kb: KnowledgeBase, catalogs: Catalogs, event: Event, offset: dt.timedelta) -> dict[str, str]:
    texts = {}
    for lang in LANGUAGES:
        when = format_timedelta(offset, add_direction=True, locale=lang)
        header = catalogs.gettext(lang, _("⏰ Reminder: {when}")).format(when=when)
        texts[lang] = header + "\n" + event_text(event, lang, functools.partial(_render, kb, lang=lang))
    return texts


def language_list(codes: tuple[str, ...] | list[str], lang: str) -> str:
    """The languages named in the reader's language, for a sentence: 'Indonesia dan Korea' (after
    "bahasa"), '인도네시아어 및 한국어', 'Indonesian and Korean'."""
    return language_names(codes, lang)


STATUSES = {"scheduled": _("scheduled"), "queued": _("sending"), "done": _("finished"), "cancelled": _("canceled")}
# Why a delivery failed, as the outbox records it (bot/outbox.py deliver_pending and migrated).
REASONS = {"removed from the group": _("the bot is no longer in the group"),
           "moved to the new group id": _("the group moved to a new id")}
NETWORK_PREFIX = "network: "


def status_text(status: str, t: Gettext) -> str:
    return t(STATUSES[status]) if status in STATUSES else status


def reason_text(reason: str | None, t: Gettext) -> str:
    """A failure reason in words; Telegram's own error text, which has no translation, is quoted."""
    reason = reason or ""
    if reason in REASONS:
        return t(REASONS[reason])
    if reason.startswith(NETWORK_PREFIX):
        return t(_("network or Telegram error: {detail}")).format(detail=reason[len(NETWORK_PREFIX):])
    return t(_("other error: {detail}")).format(detail=reason)


def groups_text(count: int, t: Translator) -> str:
    return t.ngettext("{count} group", "{count} groups", count).format(count=count)


def preview_text(draft: Draft, t: Translator, lang: str) -> str:
    """What each kind of group will see, in the reader's language (may exceed one Telegram message)."""
    if draft.send_at is None:
        head = t.ngettext("Preview. It goes out now to {count} subscribed group.",
                          "Preview. It goes out now to {count} subscribed groups.", draft.groups)
    else:
        head = t.ngettext("Preview. It goes out on {when} to {count} subscribed group.",
                          "Preview. It goes out on {when} to {count} subscribed groups.", draft.groups)
    when = format_moment(draft.send_at, lang) if draft.send_at else ""
    parts = [head.format(when=when, count=draft.groups)]
    for languages in draft.audiences:
        parts.append(t(_("Groups that receive {languages} see:")).format(languages=language_list(languages, lang)))
        parts.append(compose(draft.texts, languages))
    return "\n\n".join(parts)


def report_text(report: DeliveryReport, t: Translator) -> str:
    counts = report.counts
    line = t(_("Delivery report for #{id}: sent to {sent}, not delivered to {failed}.")).format(
        id=report.announcement_id, sent=groups_text(counts["sent"], t), failed=groups_text(counts["failed"], t))
    reasons = [f"{reason_text(reason, t)} ({n})" for reason, n in counts["reasons"].items()]
    return "\n".join([line, *reasons])


def listing_lines(items: list[dict[str, Any]], t: Translator, lang: str, zone: ZoneInfo) -> list[str]:
    """One line per announcement (most recent listing of /announcements and `announce --list`)."""
    lines = []
    for item in items:
        counts = item["counts"]
        when = format_moment(dt.datetime.fromtimestamp(item["send_at"], zone), lang)
        first = next(iter(item["texts"].values()))[:60]
        kind = "⏰" if item["reminder"] else "📣"
        lines.append(t(_("{kind} #{id}, {status}, {when}: sent {sent}, pending {pending}, failed {failed} — "
                         "{text}")).format(kind=kind, id=item["id"], status=status_text(item["status"], t),
                                           when=when, sent=counts["sent"], pending=counts["pending"],
                                           failed=counts["failed"], text=first))
    return lines
