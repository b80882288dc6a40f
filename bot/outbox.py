"""Announcements to subscribed groups through a durable outbox in SQLite.

The order of operations is what makes it safe:
1. An announcement is a row (`scheduled`) before anything is sent.
2. When it is due, one row per subscribed group is written in one transaction (`queued`).
3. Each delivery is sent, then marked `sent` with Telegram's message id.
A crash at any point leaves rows that are still `pending`; they are sent after the restart. Only a
message that Telegram accepted in the instant before a crash, before its row was marked, is sent a
second time: deliveries go one at a time, so that is at most one message.

Nothing here imports telegram: the sending function is injected and reports Telegram's answers
as the exceptions below.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable

from bot.config import Settings
from bot.knowledge.events import Event, offset_label
from bot.store import Store

FLAGS = {"id": "🇮🇩", "ko": "🇰🇷", "en": "🇬🇧"}


class Removed(Exception):
    """The bot is no longer in the group (Telegram answered 403)."""


class Migrated(Exception):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int):
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id


class RetryLater(Exception):
    """Telegram asked to wait (429 retry_after)."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class Transient(Exception):
    """A network error or time-out: try again with backoff."""


@dataclass(frozen=True)
class Delivery:
    id: int
    announcement_id: int
    chat_id: int
    languages: tuple[str, ...]
    attempts: int
    texts: dict[str, str]


@dataclass(frozen=True)
class Group:
    chat_id: int
    title: str
    member: bool
    subscribed: bool
    languages: tuple[str, ...]


def compose(texts: dict[str, str], languages: Iterable[str]) -> str:
    """The message one group gets: its languages in order, flagged when there are several."""
    chosen = [lang for lang in languages if lang in texts] or list(texts)[:1]
    distinct = list(dict.fromkeys(texts[lang] for lang in chosen))
    if len(distinct) == 1:
        return distinct[0]
    return "\n\n".join(f"{FLAGS.get(lang, lang)} {texts[lang]}" for lang in chosen)


class Outbox:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time,
                 max_attempts: int = Settings.model_fields["delivery_attempts"].default) -> None:
        self.store = store
        self.db = store.db
        self.clock = clock
        self.max_attempts = max_attempts      # network failures before a delivery is given up

    # -- groups ---------------------------------------------------------------------------------
    def group(self, chat_id: int) -> Group | None:
        row = self.db.execute("SELECT chat_id, title, member, subscribed, languages FROM groups WHERE chat_id = ?",
                              (chat_id,)).fetchone()
        return Group(row[0], row[1], bool(row[2]), bool(row[3]), tuple(row[4].split(","))) if row else None

    def joined(self, chat_id: int, title: str) -> None:
        """The bot is in the group (a new group is not introduced yet, see `claim_introduction`)."""
        self.db.execute("INSERT INTO groups(chat_id, title, member, introduced, updated_at) VALUES (?, ?, 1, 0, ?) "
                        "ON CONFLICT(chat_id) DO UPDATE SET title = excluded.title, member = 1, "
                        "updated_at = excluded.updated_at", (chat_id, title or "", self.clock()))

    def claim_introduction(self, chat_id: int) -> bool:
        """True exactly once per group, for the caller who should introduce the bot there now."""
        cursor = self.db.execute("UPDATE groups SET introduced = 1 WHERE chat_id = ? AND introduced = 0 AND member = 1",
                                 (chat_id,))
        return cursor.rowcount == 1

    def left(self, chat_id: int) -> None:
        """The bot was removed: stop sending there (the subscription is kept if it is added back)."""
        self.db.execute("UPDATE groups SET member = 0, updated_at = ? WHERE chat_id = ?", (self.clock(), chat_id))

    def migrated(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscription, announcement languages, interface language
        and pending deliveries follow the new id, in whatever order Telegram reports the move.

        Telegram may report the bot's membership of the new id before the migration itself; that
        row then holds nothing chosen yet, so the old group's settings win, and a subscription on
        either side stays. The bot was introduced in the old group, so the new id counts as
        introduced. Calling it again for the same pair (both service messages) changes nothing."""
        now = self.clock()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            old = self.db.execute("SELECT title, subscribed, languages FROM groups WHERE chat_id = ?",
                                  (old_chat_id,)).fetchone()
            if old is None:        # the second service message of the pair, or a group we never saw
                self.db.execute("INSERT INTO groups(chat_id, member, introduced, updated_at) VALUES (?, 1, 1, ?) "
                                "ON CONFLICT(chat_id) DO UPDATE SET member = 1, introduced = 1", (new_chat_id, now))
            else:
                title, subscribed, languages = old
                self.db.execute(
                    "INSERT INTO groups(chat_id, title, member, subscribed, languages, introduced, updated_at) "
                    "VALUES (?, ?, 1, ?, ?, 1, ?) ON CONFLICT(chat_id) DO UPDATE SET member = 1, introduced = 1, "
                    "subscribed = MAX(subscribed, excluded.subscribed), languages = excluded.languages, "
                    "title = COALESCE(NULLIF(title, ''), excluded.title), updated_at = excluded.updated_at",
                    (new_chat_id, title, subscribed, languages, now))
            self.db.execute("DELETE FROM groups WHERE chat_id = ?", (old_chat_id,))
            # The group's interface language, unless the new id already has one.
            self.db.execute("INSERT OR IGNORE INTO chats(chat_id, lang, updated_at) "
                            "SELECT ?, lang, ? FROM chats WHERE chat_id = ?", (new_chat_id, now, old_chat_id))
            self.db.execute("DELETE FROM chats WHERE chat_id = ?", (old_chat_id,))
            self.db.execute("UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
                            (new_chat_id, old_chat_id))
            # Left behind only when the new id already has its own row for the same announcement.
            self.db.execute("UPDATE deliveries SET status = 'failed', error = 'moved to the new group id' "
                            "WHERE chat_id = ? AND status = 'pending'", (old_chat_id,))
            self.db.execute("COMMIT")

    def subscribe(self, chat_id: int, title: str, on: bool) -> None:
        self.joined(chat_id, title)
        self.db.execute("UPDATE groups SET subscribed = ?, updated_at = ? WHERE chat_id = ?",
                        (int(on), self.clock(), chat_id))

    def set_languages(self, chat_id: int, title: str, languages: Iterable[str]) -> None:
        self.joined(chat_id, title)
        self.db.execute("UPDATE groups SET languages = ?, updated_at = ? WHERE chat_id = ?",
                        (",".join(languages), self.clock(), chat_id))

    def subscribers(self) -> list[Group]:
        rows = self.db.execute("SELECT chat_id, title, member, subscribed, languages FROM groups "
                               "WHERE subscribed = 1 AND member = 1 ORDER BY chat_id").fetchall()
        return [Group(r[0], r[1], True, True, tuple(r[4].split(","))) for r in rows]

    # -- announcements ------------------------------------------------------------------------------
    def schedule(self, texts: dict[str, str], send_at: float, created_by: int | None,
                 dedupe_key: str | None = None) -> int | None:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO announcements(created_at, created_by, send_at, texts, status, dedupe_key) "
            "VALUES (?, ?, ?, ?, 'scheduled', ?)",
            (self.clock(), created_by, send_at, json.dumps(texts, ensure_ascii=False), dedupe_key))
        return cursor.lastrowid if cursor.rowcount else None

    def cancel(self, announcement_id: int) -> bool:
        """Only an announcement that has not started going out can be cancelled."""
        cursor = self.db.execute("UPDATE announcements SET status = 'cancelled' WHERE id = ? AND status = 'scheduled'",
                                 (announcement_id,))
        return cursor.rowcount == 1

    def release_due(self) -> list[int]:
        """Due announcements become one pending delivery per subscribed group, all in one step."""
        now = self.clock()
        released = []
        due = self.db.execute("SELECT id FROM announcements WHERE status = 'scheduled' AND send_at <= ? "
                              "ORDER BY send_at, id", (now,)).fetchall()
        for (announcement_id,) in due:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute(
                    "INSERT OR IGNORE INTO deliveries(announcement_id, chat_id, languages, status, updated_at) "
                    "SELECT ?, chat_id, languages, 'pending', ? FROM groups WHERE subscribed = 1 AND member = 1",
                    (announcement_id, now))
                self.db.execute("UPDATE announcements SET status = 'queued' WHERE id = ? AND status = 'scheduled'",
                                (announcement_id,))
                self.db.execute("COMMIT")
            released.append(announcement_id)
        return released

    def pending(self, limit: int = 100) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT d.id, d.announcement_id, d.chat_id, d.languages, d.attempts, a.texts FROM deliveries d "
            "JOIN announcements a ON a.id = d.announcement_id "
            "WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.id LIMIT ?",
            (self.clock(), limit)).fetchall()
        return [Delivery(r[0], r[1], r[2], tuple(r[3].split(",")), r[4], json.loads(r[5])) for r in rows]

    def mark_sent(self, delivery_id: int, message_id: int) -> None:
        self.db.execute("UPDATE deliveries SET status = 'sent', message_id = ?, updated_at = ? WHERE id = ?",
                        (message_id, self.clock(), delivery_id))

    def mark_failed(self, delivery_id: int, reason: str) -> None:
        self.db.execute("UPDATE deliveries SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                        (reason, self.clock(), delivery_id))

    def retry_at(self, delivery_id: int, at: float, count_attempt: bool, reason: str) -> None:
        self.db.execute("UPDATE deliveries SET next_attempt_at = ?, attempts = attempts + ?, error = ?, updated_at = ? "
                        "WHERE id = ?", (at, int(count_attempt), reason, self.clock(), delivery_id))

    def finished_unreported(self) -> list[int]:
        """Queued announcements with no pending delivery left: mark them done and return them once."""
        rows = self.db.execute(
            "SELECT a.id FROM announcements a WHERE a.status = 'queued' AND NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.announcement_id = a.id AND d.status = 'pending')").fetchall()
        ids = [r[0] for r in rows]
        for announcement_id in ids:
            self.db.execute("UPDATE announcements SET status = 'done' WHERE id = ?", (announcement_id,))
        return ids

    def mark_reported(self, announcement_id: int) -> None:
        self.db.execute("UPDATE announcements SET reported = 1 WHERE id = ?", (announcement_id,))

    def counts(self, announcement_id: int) -> dict:
        """sent, pending and failed deliveries, and the failures' reasons."""
        rows = self.db.execute("SELECT status, error, COUNT(*) FROM deliveries WHERE announcement_id = ? "
                               "GROUP BY status, error", (announcement_id,)).fetchall()
        counts: dict[str, Any] = {"sent": 0, "pending": 0, "failed": 0}
        reasons: dict[str, int] = {}
        for status, error, n in rows:
            counts[status] = counts.get(status, 0) + n
            if status == "failed":
                reasons[error] = reasons.get(error, 0) + n
        return counts | {"reasons": reasons}

    def announcement(self, announcement_id: int) -> dict | None:
        row = self.db.execute("SELECT id, created_by, send_at, texts, status, dedupe_key FROM announcements "
                              "WHERE id = ?", (announcement_id,)).fetchone()
        if row is None:
            return None
        return {"id": row[0], "created_by": row[1], "send_at": row[2], "texts": json.loads(row[3]),
                "status": row[4], "reminder": row[5] is not None}

    def recent(self, limit: int = 10) -> list[dict]:
        """Scheduled announcements (soonest first), then the latest others."""
        ids = [r[0] for r in self.db.execute(
            "SELECT id FROM announcements WHERE status = 'scheduled' ORDER BY send_at LIMIT ?", (limit,))]
        ids += [r[0] for r in self.db.execute(
            "SELECT id FROM announcements WHERE status != 'scheduled' ORDER BY id DESC LIMIT ?", (limit,))]
        found = ((i, self.announcement(i)) for i in ids[:limit])
        return [item | {"counts": self.counts(i)} for i, item in found if item is not None]

    # -- event reminders -----------------------------------------------------------------------------
    def sync_reminders(self, events: Iterable[Event], texts_for: Callable[[Event, dt.timedelta], dict]) -> dict:
        """Make the scheduled reminders match the events: add the missing ones, update the texts,
        cancel those of removed or moved events. A reminder already released is never touched,
        so none is sent twice."""
        now = self.clock()
        wanted: dict[str, tuple[float, dict]] = {}
        for event in events:
            for offset, at in event.reminder_times():
                if at.timestamp() > now:
                    key = f"{event.id}|{offset_label(offset)}|{event.starts_at().isoformat()}"
                    wanted[key] = (at.timestamp(), texts_for(event, offset))
        added = cancelled = updated = 0
        existing = {key: (i, status, texts) for i, key, status, texts in self.db.execute(
            "SELECT id, dedupe_key, status, texts FROM announcements WHERE dedupe_key IS NOT NULL")}
        for key, (announcement_id, status, texts) in existing.items():
            if status == "scheduled" and key not in wanted:
                self.db.execute("UPDATE announcements SET status = 'cancelled' WHERE id = ?", (announcement_id,))
                cancelled += 1
        for key, (when, texts) in wanted.items():
            encoded = json.dumps(texts, ensure_ascii=False)
            if key not in existing:
                self.schedule(texts, when, None, key)
                added += 1
                continue
            announcement_id, status, old_texts = existing[key]
            if status in ("scheduled", "cancelled") and (status == "cancelled" or old_texts != encoded):
                self.db.execute("UPDATE announcements SET status = 'scheduled', texts = ?, send_at = ? WHERE id = ?",
                                (encoded, when, announcement_id))
                updated += 1
        return {"added": added, "cancelled": cancelled, "updated": updated}


Send = Callable[[int, str], Awaitable[int]]


async def deliver_pending(outbox: Outbox, send: Send, limit: int = 100) -> int:
    """Send what is pending, one message at a time (so a crash leaves at most one in flight)."""
    handled = 0
    for delivery in outbox.pending(limit):
        text = compose(delivery.texts, delivery.languages)
        try:
            message_id = await send(delivery.chat_id, text)
        except Removed:
            outbox.left(delivery.chat_id)
            outbox.mark_failed(delivery.id, "removed from the group")
        except Migrated as moved:
            outbox.migrated(delivery.chat_id, moved.new_chat_id)    # the row now points at the new id
        except RetryLater as wait:
            outbox.retry_at(delivery.id, outbox.clock() + wait.seconds, False, "rate limited")
        except Transient as error:
            if delivery.attempts + 1 >= outbox.max_attempts:
                outbox.mark_failed(delivery.id, f"network: {error}")
            else:
                outbox.retry_at(delivery.id, outbox.clock() + 2 ** delivery.attempts, True, f"network: {error}")
        else:
            outbox.mark_sent(delivery.id, message_id)
        handled += 1
    return handled
