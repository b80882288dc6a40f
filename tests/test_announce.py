"""The outbox without Telegram: delivery policy, crash safety, reminders (real SQLite)."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import pytest

from bot.knowledge.events import Event
from bot.outbox import Migrated, Outbox, Removed, RetryLater, Transient, compose, deliver_pending
from bot.store import Store
from tests.telegram_harness import FakeClock

T0 = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def outbox(tmp_path):
    store = Store(tmp_path)
    box = Outbox(store, FakeClock(T0))
    yield box
    store.close()


def subscribe(box, chat_id, languages=("id", "ko", "en")):
    box.subscribe(chat_id, f"group {chat_id}", True)
    box.set_languages(chat_id, f"group {chat_id}", languages)


class Recorder:
    """A send function: records (chat, text) and fails as told."""

    def __init__(self, failures=None):
        self.sent: list[tuple[int, str]] = []
        self.failures = dict(failures or {})

    async def __call__(self, chat_id: int, text: str) -> int:
        failure = self.failures.get(chat_id)
        if isinstance(failure, list):
            failure = failure.pop(0) if failure else None
        if failure is not None:
            raise failure
        self.sent.append((chat_id, text))
        return len(self.sent)


def test_compose_one_or_several_languages():
    texts = {"id": "Halo", "ko": "안녕하세요", "en": "Hello"}
    assert compose(texts, ("ko",)) == "안녕하세요"
    assert compose(texts, ("id", "ko")) == "🇮🇩 Halo\n\n🇰🇷 안녕하세요"
    assert compose({"id": "Sama", "ko": "Sama", "en": "Sama"}, ("id", "ko", "en")) == "Sama"


async def test_each_subscribed_group_gets_its_languages_exactly_once(outbox):
    subscribe(outbox, -1, ("id",))
    subscribe(outbox, -2, ("ko",))
    subscribe(outbox, -3, ("id", "ko"))
    outbox.subscribe(-4, "not subscribed", False)
    announcement = outbox.schedule({"id": "Halo", "ko": "안녕하세요", "en": "Hello"}, T0, created_by=7)
    assert outbox.release_due() == [announcement]
    send = Recorder()
    while await deliver_pending(outbox, send):
        pass
    assert sorted(send.sent) == [(-3, "🇮🇩 Halo\n\n🇰🇷 안녕하세요"), (-2, "안녕하세요"), (-1, "Halo")]
    assert outbox.release_due() == [] and await deliver_pending(outbox, send) == 0
    assert outbox.finished_unreported() == [announcement] and outbox.finished_unreported() == []
    assert outbox.counts(announcement) == {"sent": 3, "pending": 0, "failed": 0, "reasons": {}}


async def test_a_scheduled_announcement_waits_for_its_time_and_can_be_cancelled(outbox):
    subscribe(outbox, -1)
    later = outbox.schedule({"en": "later"}, T0 + 3600, 7)
    cancelled = outbox.schedule({"en": "never"}, T0 + 3600, 7)
    assert outbox.release_due() == []
    assert outbox.cancel(cancelled)
    outbox.clock.advance(3600)
    assert outbox.release_due() == [later]
    assert not outbox.cancel(later)            # already going out


async def test_removed_migrated_rate_limited_and_network_errors(outbox):
    for chat in (-1, -2, -3, -4):
        subscribe(outbox, chat, ("en",))
    outbox.schedule({"en": "news"}, T0, 7)
    outbox.release_due()
    send = Recorder({-1: Removed("kicked"), -2: Migrated(-1002), -3: [RetryLater(30)],
                     -4: [Transient("timeout"), Transient("timeout")]})
    await deliver_pending(outbox, send)
    await deliver_pending(outbox, send)       # the migrated row, now under its new id
    assert (-1002, "news") in send.sent
    assert outbox.group(-1).member is False and outbox.group(-1002).subscribed is True
    assert outbox.group(-2) is None
    for _ in range(3):                        # -3 waits 30 s, -4 backs off 1 s then 2 s
        outbox.clock.advance(30)
        await deliver_pending(outbox, send)
    assert sorted(send.sent) == [(-1002, "news"), (-4, "news"), (-3, "news")]
    counts = outbox.counts(1)
    assert counts["sent"] == 3 and counts["failed"] == 1 and counts["reasons"] == {"removed from the group": 1}


async def test_network_errors_give_up_after_a_few_attempts(outbox):
    subscribe(outbox, -9, ("en",))
    outbox.schedule({"en": "x"}, T0, 7)
    outbox.release_due()
    send = Recorder({-9: [Transient("down")] * 10})
    for _ in range(8):
        await deliver_pending(outbox, send)
        outbox.clock.advance(60)
    assert outbox.counts(1)["failed"] == 1 and send.sent == []


async def test_a_crash_between_send_and_mark_resends_only_the_message_in_flight(tmp_path):
    store = Store(tmp_path)
    box = Outbox(store, FakeClock(T0))
    for chat in range(-1, -11, -1):
        subscribe(box, chat, ("en",))
    box.schedule({"en": "broadcast"}, T0, 7)
    box.release_due()
    sent = []

    class Crash(BaseException):
        pass

    async def crashing(chat_id, text):
        sent.append(chat_id)
        if len(sent) == 4:
            raise Crash()             # Telegram took the 4th message, the process died before marking it
        return len(sent)

    with pytest.raises(Crash):
        await deliver_pending(box, crashing)
    store.close()
    store = Store(tmp_path)           # the restart
    box = Outbox(store, FakeClock(T0))
    await deliver_pending(box, crashing_after(sent))
    store.close()
    assert sorted(set(sent)) == list(range(-10, 0))
    assert len(sent) == 11 and sent.count(sent[3]) == 2          # only the one in flight went twice


def crashing_after(sent):
    async def send(chat_id, text):
        sent.append(chat_id)
        return len(sent)
    return send


def event(start, reminders=(dt.timedelta(days=1), dt.timedelta(hours=1)), title="Seminar"):
    return Event("seminar", MappingProxyType({"en": title}), MappingProxyType({}), start, None, "Asia/Jakarta",
                 MappingProxyType({}), tuple(reminders))


def texts_for(ev, offset):
    return {"en": f"{ev.title['en']} in {offset}"}


async def test_reminders_follow_the_events_and_are_never_sent_twice(outbox):
    subscribe(outbox, -1, ("en",))
    start = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert outbox.sync_reminders([event(start)], texts_for)["added"] == 2
    assert outbox.sync_reminders([event(start)], texts_for) == {"added": 0, "cancelled": 0, "updated": 0}
    # The day-before reminder goes out.
    outbox.clock.now = (start - dt.timedelta(days=1)).timestamp()
    outbox.release_due()
    send = Recorder()
    await deliver_pending(outbox, send)
    assert send.sent == [(-1, "Seminar in 1 day, 0:00:00")]
    # The title changes: the pending reminder gets the new text, the sent one is left alone.
    assert outbox.sync_reminders([event(start, title="Workshop")], texts_for) == {"added": 0, "cancelled": 0,
                                                                                   "updated": 1}
    # The event moves a week later: the old hour-before reminder is cancelled, two new ones appear.
    moved = start + dt.timedelta(days=7)
    assert outbox.sync_reminders([event(moved)], texts_for) == {"added": 2, "cancelled": 1, "updated": 0}
    # The event is removed: its pending reminders are cancelled.
    assert outbox.sync_reminders([], texts_for) == {"added": 0, "cancelled": 2, "updated": 0}
    outbox.clock.now = moved.timestamp()
    assert outbox.release_due() == []
    assert send.sent == [(-1, "Seminar in 1 day, 0:00:00")]


@pytest.mark.parametrize("join_first", [True, False], ids=["join reported first", "migration reported first"])
def test_migration_moves_every_setting_and_introduces_at_most_once(outbox, join_first):
    outbox.joined(-5, "old group")
    assert outbox.claim_introduction(-5) and not outbox.claim_introduction(-5)
    subscribe(outbox, -5, ("ko", "en"))
    outbox.store.set_chat_language(-5, "ko")
    if join_first:
        outbox.joined(-1005, "old group")             # a fresh row: not subscribed, all languages
    outbox.migrated(-5, -1005)
    outbox.migrated(-5, -1005)                        # both service messages report the move
    if not join_first:
        outbox.joined(-1005, "old group")
    assert outbox.group(-5) is None and outbox.store.chat_language(-5) is None
    moved = outbox.group(-1005)
    assert (moved.member, moved.subscribed, moved.languages) == (True, True, ("ko", "en"))
    assert outbox.store.chat_language(-1005) == "ko"
    assert not outbox.claim_introduction(-1005)


def test_a_group_left_before_it_was_introduced_is_not_introduced(outbox):
    outbox.joined(-6, "brief")
    outbox.left(-6)
    assert not outbox.claim_introduction(-6)
