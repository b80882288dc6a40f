"""No raw word or format reaches a reader: statuses, failure reasons, install actions and language
names are translated; times never show seconds; a day is written the same way in answers, event
lists, previews and reports. Statuses and reasons come from a real outbox driven through every
state (real SQLite), actions from the code that records them, texts from the real catalogs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import LANGUAGES
from bot.admin.announcements import (
    STATUSES,
    DeliveryReport,
    Draft,
    listing_lines,
    preview_text,
    reason_text,
    report_text,
)
from bot.admin.knowledge import KeptVersion, VersionReport
from bot.admin.reports import action_text, history_text, version_text
from bot.knowledge.events import Event, when_text
from bot.outbox import Outbox, Removed, Transient, deliver_pending
from bot.store import Store
from bot.text.dates import format_day, language_names
from tests.telegram_harness import FakeClock

WIB = ZoneInfo("Asia/Jakarta")
T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc).timestamp()          # 09:00 WIB
SECONDS = re.compile(r"\d{1,2}[:.]\d{2}[:.]\d{2}")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ROOT = Path(__file__).resolve().parent.parent


def english_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


@pytest.fixture
def outbox(tmp_path):
    store = Store(tmp_path)
    yield Outbox(store, FakeClock(T0))
    store.close()


async def outbox_in_every_state(box: Outbox) -> list[int]:
    """Announcements that are done (one delivery failed each way the outbox records), scheduled,
    cancelled and still sending."""
    for chat in (-1, -2, -3, -1002):
        box.subscribe(chat, f"group {chat}", True)
    done = box.schedule({"en": "Seminar tomorrow."}, T0, 7)
    box.release_due()
    box.migrated(-2, -1002)                  # -1002 already has its row: -2's cannot move
    send_failures = {-1: Removed("Forbidden: bot was kicked"), -3: Transient("Timed out")}

    async def send(chat_id: int, text: str) -> int:
        if chat_id in send_failures:
            raise send_failures[chat_id]
        return 1

    for _ in range(10):                      # -3 is retried, then given up
        await deliver_pending(box, send)
        box.clock.advance(120)
    box.finished_unreported()
    box.clock.now = T0
    scheduled = box.schedule({"en": "Later."}, T0 + 86400, 7)
    cancelled = box.schedule({"en": "Never."}, T0 + 86400, 7)
    box.cancel(cancelled)
    sending = box.schedule({"en": "Going out."}, T0, 7)
    box.release_due()
    return [done, scheduled, cancelled, sending]


async def test_every_status_an_announcement_goes_through_is_translated(outbox, catalogs):
    ids = await outbox_in_every_state(outbox)
    items = outbox.recent(10)
    assert {item["status"] for item in items} == set(STATUSES), "a status the outbox records is not translated"
    assert len(items) == len(ids)
    for lang in ("id", "ko"):
        lines = listing_lines(items, catalogs.for_language(lang), lang, WIB)
        raw = [line for line in lines if english_words(line) & set(STATUSES)]
        assert raw == [], lang
    english = listing_lines(items, catalogs.for_language("en"), "en", WIB)
    assert not any("cancelled" in line or "queued" in line or "done" in line for line in english)


async def test_every_failure_reason_the_outbox_records_is_in_words(outbox, catalogs):
    await outbox_in_every_state(outbox)
    counts = outbox.counts(1)
    assert counts["failed"] == 3 and len(counts["reasons"]) == 3
    report = DeliveryReport(1, 7, counts)
    for lang in ("id", "ko"):
        text = report_text(report, catalogs.for_language(lang))
        for reason in counts["reasons"]:
            assert reason not in text, (lang, reason)
        assert "Timed out" in text, "Telegram's own words are quoted, not hidden"
    assert "the bot is no longer in the group (1)" in report_text(report, catalogs.for_language("en"))


def test_an_unknown_reason_is_labelled_not_shown_bare(catalogs):
    assert reason_text("disk full", catalogs.for_language("id")) == "kesalahan lain: disk full"


ARGUMENTS = r"(?:[^()]|\([^()]*\))*?"         # call arguments, with one level of nested calls


def recorded_actions() -> set[str]:
    """The actions the code records for an installed version: literal ones ("watch"), and the verb of
    formatted ones ("upload {name}" → "upload x")."""
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(rf"(?:reload|reload_and_notify|record_version|_apply|install)\({ARGUMENTS},"
                                rf"\s*\"([a-z-]+)\"[,)]", source))
        # Formatted ones, in every call that names the action of a change (install, change, preview).
        formatted = rf"(?:install|change|preview)\({ARGUMENTS},\s*f\"([a-z]+(?: [a-z]+)?) \{{"
        found |= {f"{verb} x" for verb in re.findall(formatted, source)}
    return found


def test_every_install_action_is_said_in_words(catalogs):
    """Each action the code records has its own words in every language: not the raw action, not the
    English words, not the catch-all for an action nobody described."""
    actions = recorded_actions()
    assert {"start", "reload", "sighup", "watch", "rollback", "upgrade", "upload x", "teach x", "edit x", "edit fact x",
            "new x", "event x", "event cancel x"} <= actions
    english = catalogs.for_language("en")
    for action in actions:
        assert not action_text(action, english).startswith("other change"), action
        for lang in ("id", "ko"):
            text = action_text(action, catalogs.for_language(lang))
            assert text not in (action, action_text(action, english)), (lang, action, text)


def version(installed_by: int | None = 4242) -> VersionReport:
    return VersionReport("abc123", 1, {"core.yaml": "0f"}, T0, installed_by, "watch", 65.0)


def timed_event() -> Event:
    start = dt.datetime(2027, 3, 10, 9, 0, tzinfo=WIB)
    return Event("seminar", {"en": "Seminar"}, {}, start, start + dt.timedelta(hours=3), "Asia/Jakarta", {}, ())


async def test_no_time_shown_anywhere_has_seconds(outbox, catalogs):
    await outbox_in_every_state(outbox)
    draft = Draft({"en": "x"}, dt.datetime(2026, 12, 1, 9, 0, 30, tzinfo=WIB), (("en",),), 1)
    for lang in LANGUAGES:
        t = catalogs.for_language(lang)
        texts = [preview_text(draft, t, lang), *listing_lines(outbox.recent(10), t, lang, WIB),
                 version_text(version(), t, lang, WIB), version_text(version(None), t, lang, WIB),
                 history_text([KeptVersion("abc123", T0 + 30, 1, Path("."))], "abc123", t, lang, WIB),
                 when_text(timed_event(), lang)]
        with_seconds = [text for text in texts if SECONDS.search(text)]
        assert with_seconds == [], lang


@pytest.mark.parametrize("lang, moment", [
    ("id", "1 Desember 2026 pukul 09.00 WIB"),
    ("ko", "2026년 12월 1일 오전 9:00 WIB"),
    ("en", "December 1, 2026 at 9:00\u202fAM WIB"),
])
def test_a_moment_is_one_pattern_everywhere(catalogs, lang, moment):
    t = catalogs.for_language(lang)
    draft = Draft({"en": "x"}, dt.datetime(2026, 12, 1, 9, 0, tzinfo=WIB), (("en",),), 2)
    assert moment in preview_text(draft, t, lang)
    assert moment in version_text(version(), t, lang, WIB)
    assert moment in history_text([KeptVersion("abc123", T0, 1, Path("."))], "abc123", t, lang, WIB)


def test_indonesian_puts_pada_before_a_date_in_a_sentence(catalogs):
    t = catalogs.for_language("id")
    draft = Draft({"id": "x"}, dt.datetime(2026, 12, 1, 9, 0, tzinfo=WIB), (("id",),), 2)
    assert "dikirim pada 1 Desember 2026 pukul 09.00 WIB ke 2 grup" in preview_text(draft, t, "id")
    assert "Diterapkan pada 1 Desember 2026 pukul 09.00 WIB oleh administrator 4242" in version_text(
        version(), t, "id", WIB)


def test_a_day_is_written_alike_in_answers_and_in_the_event_list(bundled_kb):
    """The bundled event is the MoU signing: its day in the list is the answers' {mou_date}, with its
    weekday as {mou_date:full} writes it (no zero-padded 'Jumat, 07 Juli 2023')."""
    (event,) = bundled_kb.events
    for lang in LANGUAGES:
        listed = when_text(event, lang)
        assert listed == bundled_kb.facts["mou_date"].format(lang, "full")
        assert bundled_kb.facts["mou_date"].format(lang) in listed
        assert format_day(event.start, lang, weekday=True) == listed
    assert when_text(event, "id") == "Jumat, 7 Juli 2023"


@pytest.mark.parametrize("lang, expected", [
    ("id", "Rabu, 10 Maret 2027 pukul 09.00–12.00 WIB / 11.00–14.00 KST"),
    ("ko", "2027년 3월 10일 수요일 오전 9:00–오후 12:00 WIB / 오전 11:00–오후 2:00 KST"),
    ("en", "Wednesday, March 10, 2027 at 9:00\u202fAM–12:00\u202fPM WIB / 11:00\u202fAM–2:00\u202fPM KST"),
])
def test_a_timed_event_shows_its_day_once_and_each_zones_range(lang, expected):
    assert when_text(timed_event(), lang) == expected


def test_a_timed_event_names_the_korean_day_when_it_differs():
    late = dt.datetime(2027, 3, 10, 23, 0, tzinfo=WIB)                 # 01:00 the next day in Seoul
    event = Event("late", {"en": "Late"}, {}, late, None, "Asia/Jakarta", {}, ())
    assert when_text(event, "en") == ("Wednesday, March 10, 2027 at 11:00\u202fPM WIB / "
                                      "Thursday, March 11, 2027 at 1:00\u202fAM KST")


@pytest.mark.parametrize("lang, expected, foreign", [
    ("id", "Indonesia, Korea, dan Inggris", re.compile(r"English|[\uac00-\ud7a3]")),
    ("ko", "인도네시아어, 한국어 및 영어", re.compile(r"[A-Za-z]")),
    ("en", "Indonesian, Korean, and English", re.compile(r"[\uac00-\ud7a3]|Bahasa")),
])
def test_languages_inside_a_sentence_are_named_in_the_readers_language(catalogs, lang, expected, foreign):
    assert language_names(("id", "ko", "en"), lang) == expected
    sentence = catalogs.for_language(lang)("Announcements here will be in {languages}.").format(
        languages=language_names(("id", "ko"), lang))
    assert not foreign.search(sentence.replace("/", "")), sentence
