"""The administration services without Telegram: a real SQLite file, real knowledge files."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import textwrap
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.admin.announcements import AnnouncementDesk, DeliveryReport, Draft, parse_announcement
from bot.admin.knowledge import KnowledgeAdmin, UploadPreview
from bot.admin.knowledge_service import KnowledgeService
from bot.admin.notice import Notice
from bot.admin.teach import Taught, Teacher
from bot.admin.yaml_edit import EditError, add_phrasing
from bot.engine.answer import Engine
from bot.knowledge.loader import load_directory
from bot.outbox import Outbox
from bot.store import DATABASE_NAME, Store
from tests.conftest import MINIMAL_KB, write_kb
from tests.telegram_harness import FakeClock

ADMIN = 7
NOW = dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def store(tmp_path, clock):
    opened = Store(tmp_path / "data", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def admin(tmp_path, store, catalogs, clock):
    kb_dir = write_kb(tmp_path / "kb", MINIMAL_KB)
    engine = Engine(load_directory(kb_dir).kb, catalogs)
    knowledge = KnowledgeService(kb_dir, tmp_path / "data", engine, catalogs, store, clock=clock)
    return KnowledgeAdmin(knowledge, store, max_upload_bytes=10_000, unanswered_days=30, stats_days=7, clock=clock)


def audit(store):
    return [(user, action, outcome) for _at, user, action, outcome, _detail in reversed(store.audit_log())]


NEW = textwrap.dedent("""
    entries:
      - id: canteen
        questions: {id: ["Ada kantin?"], ko: ["구내식당 있어요?"], en: ["Is there a canteen?"]}
        answer: {id: "Ada.", ko: "있어요.", en: "There is."}
""").encode()


async def test_an_upload_is_previewed_then_installed_and_rolled_back(admin, store):
    preview = await admin.preview_upload(ADMIN, "canteen.yaml", NEW)
    assert isinstance(preview, UploadPreview) and preview.token and preview.outcome.diff.added == ("canteen",)
    assert not (admin.knowledge.knowledge_dir / "canteen.yaml").exists()
    assert await admin.confirm_upload(ADMIN, "00000000") is None           # a forged token does nothing
    outcome = await admin.confirm_upload(ADMIN, preview.token)
    assert outcome.ok and "canteen" in admin.knowledge.engine.kb.by_id
    assert await admin.confirm_upload(ADMIN, preview.token) is None        # used once
    rolled = await admin.rollback(ADMIN)
    assert rolled.ok and rolled.diff.removed == ("canteen",)
    assert await admin.rollback(ADMIN) is None
    assert audit(store) == [(ADMIN, "upload", "awaiting confirmation"), (ADMIN, "upload canteen.yaml", "ok"),
                            (ADMIN, "rollback", "ok"), (ADMIN, "rollback", "nothing to restore")]


async def test_installing_a_checked_upload_reuses_the_engine_built_for_the_check(admin, monkeypatch):
    import bot.engine.cache
    built = []
    real = bot.engine.cache.build_engine
    monkeypatch.setattr(bot.engine.cache, "build_engine", lambda *a, **k: built.append(1) or real(*a, **k))
    preview = await admin.preview_upload(ADMIN, "canteen.yaml", NEW)
    assert isinstance(preview, UploadPreview) and len(built) == 1
    outcome = await admin.confirm_upload(ADMIN, preview.token)
    assert outcome.ok and "canteen" in admin.knowledge.engine.kb.by_id
    assert len(built) == 1                                  # the reload found the checked engine
    assert admin.knowledge.engine.ask("Is there a canteen?").entry_id == "canteen"
    rolled = await admin.rollback(ADMIN)                    # back to the start-up version: built once
    assert rolled.ok and len(built) == 2
    again = await admin.confirm_upload(ADMIN, (await admin.preview_upload(ADMIN, "canteen.yaml", NEW)).token)
    assert again.ok and len(built) == 2                     # both versions are in the cache now


@pytest.mark.parametrize("name, size, data, expected", [
    ("../x.yaml", 10, NEW, "plain name"),
    ("big.yaml", 20_000, NEW, "too large"),
    ("big.yaml", 10, NEW * 400, "too large"),
    ("latin.yaml", 10, "entries: café".encode("latin-1"), "not UTF-8"),
])
async def test_refused_uploads_say_why_and_are_audited(admin, store, name, size, data, expected):
    admitted = admin.admit_upload(ADMIN, name, size)
    result = admitted if isinstance(admitted, Notice) else await admin.preview_upload(ADMIN, admitted, data)
    assert isinstance(result, Notice) and expected in result.render(lambda s: s)
    assert audit(store)[-1][2].startswith("refused")


async def test_an_invalid_upload_returns_its_errors_and_waits_for_nothing(admin):
    preview = await admin.preview_upload(ADMIN, "bad.yaml", b"entries:\n  - id: x\n")
    assert isinstance(preview, UploadPreview) and preview.token is None and not preview.outcome.ok


@pytest.mark.parametrize("zone, local_days", [
    ("Asia/Jakarta", {dt.date(2026, 3, 28): 1, dt.date(2026, 3, 29): 2}),
    ("Asia/Seoul", {dt.date(2026, 3, 29): 3}),
    ("UTC", {dt.date(2026, 3, 28): 3}),
    # Berlin moved its clocks on 29 March 2026 at 02:00: the day has 23 hours, and the offset changes.
    ("Europe/Berlin", {dt.date(2026, 3, 28): 1, dt.date(2026, 3, 29): 2}),
])
def test_stats_days_are_calendar_days_in_the_given_zone(admin, store, clock, zone, local_days):
    utc = dt.timezone.utc
    for at in (dt.datetime(2026, 3, 28, 16, 30, tzinfo=utc), dt.datetime(2026, 3, 28, 22, 30, tzinfo=utc),
               dt.datetime(2026, 3, 28, 23, 30, tzinfo=utc)):
        clock.now = at.timestamp()
        store.log_question("id", "answer", "kitb-area", "private")
    clock.now = NOW
    if zone == "Asia/Jakarta":      # 23:30 and 05:30, 06:30 WIB
        local_days = {dt.date(2026, 3, 28): 1, dt.date(2026, 3, 29): 2}
    if zone == "Europe/Berlin":     # 17:30 CET, 23:30 CET, 01:30 CET on the 29th
        local_days = {dt.date(2026, 3, 28): 2, dt.date(2026, 3, 29): 1}
    stats = admin.stats(ADMIN, ZoneInfo(zone))
    assert dict(stats.per_day) == local_days and stats.total == 3


def test_unanswered_groups_carry_their_rows_and_nearest_entries(admin, store):
    for text in ("kitb luasnya brp sih", "kitb luasnya brp sih", "siapa presiden amerika"):
        store.log_unanswered(text, "id", "private", 0.2)
    groups = admin.unanswered(ADMIN)
    assert [(g.group.text, g.group.count, len(g.row_ids)) for g in groups] == [
        ("kitb luasnya brp sih", 2, 2), ("siapa presiden amerika", 1, 1)]
    assert groups[0].nearest[0][0] == "kitb-area" and 0 <= groups[0].nearest[0][1] <= 1


async def test_teaching_adds_a_phrasing_through_history_and_forgets_the_question(admin, store):
    store.log_unanswered("kitb segede apa", "id", "private", 0.2)
    (row_id, *_rest), = store.unanswered_rows(0)
    before = (admin.knowledge.knowledge_dir / "core.yaml").read_text(encoding="utf-8")
    taught = await Teacher(admin).teach_logged(ADMIN, row_id, "kitb-area")
    assert isinstance(taught, Taught) and taught.outcome.ok and taught.forgotten == 1
    assert "kitb segede apa" in admin.knowledge.engine.kb.by_id["kitb-area"].questions["id"]
    assert store.unanswered_rows(0) == []
    again = await Teacher(admin).teach(ADMIN, "kitb-area", "kitb segede apa", "id")
    assert isinstance(again, Notice) and "already" in again.render(lambda s: s)
    assert (await admin.rollback(ADMIN)).ok
    assert (admin.knowledge.knowledge_dir / "core.yaml").read_text(encoding="utf-8") == before
    assert isinstance(await Teacher(admin).teach_logged(ADMIN, row_id, "kitb-area"), Notice)   # row is gone
    assert isinstance(await Teacher(admin).teach(ADMIN, "no-such-entry", "x", "id"), Notice)


FLOW_AND_BLOCK = """\
# kept
entries:
  - id: a            # kept too
    questions:
      id: ["satu", 'dua']   # and this
      en:
        - one
        - >-
          two
          lines
    answer: {id: x, en: y}
  - id: b
    questions: {id: [x]}
    answer: {id: y}
"""


@pytest.mark.parametrize("entry, lang", [("a", "id"), ("a", "en"), ("a", "ko"), ("b", "id"), ("b", "en")])
def test_a_phrasing_is_inserted_in_the_lists_own_style_and_nothing_else_changes(entry, lang):
    edited = add_phrasing(FLOW_AND_BLOCK, entry, lang, 'kutip " dan # pagar: ya')
    loaded = yaml.safe_load(edited)
    (found,) = [e for e in loaded["entries"] if e["id"] == entry]
    assert found["questions"][lang][-1] == 'kutip " dan # pagar: ya'
    removed = [line for line in FLOW_AND_BLOCK.splitlines() if line not in edited.splitlines()]
    assert len(removed) <= 1                         # at most the one line that grew
    for comment in ("# kept", "# kept too", "# and this"):
        assert comment in edited
    assert len(edited.splitlines()) - len(FLOW_AND_BLOCK.splitlines()) in (0, 1)


def test_an_entry_not_in_the_file_is_an_edit_error():
    with pytest.raises(EditError):
        add_phrasing(FLOW_AND_BLOCK, "zzz", "id", "x")


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_phrasing_reads_back_exactly_or_is_refused(text):
    try:
        edited = add_phrasing(FLOW_AND_BLOCK, "a", "id", text)
    except EditError:
        return
    assert yaml.safe_load(edited)["entries"][0]["questions"]["id"][-1] == text


# -- announcements ----------------------------------------------------------------------------------
@pytest.fixture
def desk(store, clock):
    outbox = Outbox(store, clock, max_attempts=2)
    return AnnouncementDesk(outbox, store, timezone="Asia/Jakarta",
                            zones={"WIB": "Asia/Jakarta", "KST": "Asia/Seoul"}, clock=clock)


def test_parse_announcement_reads_zones_and_languages():
    texts, at = parse_announcement("at: 2026-12-01 09:00 KST\nid: Halo\nko: 안녕\nen: Hello\nsecond line",
                                   "Asia/Jakarta", {"KST": "Asia/Seoul", "WIB": "Asia/Jakarta"})
    assert texts == {"id": "Halo", "ko": "안녕", "en": "Hello\nsecond line"}
    assert at == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError):
        parse_announcement("at: 2026-12-01 09:00 XYZ\nHalo", "Asia/Jakarta", {"WIB": "Asia/Jakarta"})


async def test_draft_confirm_deliver_and_report(desk, store):
    desk.outbox.subscribe(-1, "one", True)
    desk.outbox.subscribe(-2, "two", True)
    draft = desk.draft(ADMIN, "Seminar besok.")
    assert isinstance(draft, Draft) and draft.groups == 2 and draft.token
    assert desk.confirm(ADMIN, "ffffffff") is None
    announcement_id = desk.confirm(ADMIN, draft.token)
    sent, reports = [], []

    async def send(chat_id, text):
        sent.append(chat_id)
        return len(sent)

    async def report(delivery: DeliveryReport):
        reports.append(delivery)

    await desk.tick(send, report)
    assert sorted(sent) == [-2, -1]
    assert [(r.announcement_id, r.created_by, r.counts["sent"]) for r in reports] == [(announcement_id, ADMIN, 2)]
    await desk.tick(send, report)
    assert len(reports) == 1                       # reported once
    assert ("announce", "scheduled") in [(a, o) for _u, a, o in audit(store)]


async def test_two_ticks_at_once_never_send_a_row_twice(desk):
    desk.outbox.subscribe(-1, "one", True)
    desk.schedule(ADMIN, desk.compose_draft("Halo"))
    sent = []

    async def send(chat_id, text):
        sent.append(chat_id)
        await asyncio.sleep(0.01)
        return 1

    async def report(delivery):
        pass

    await asyncio.gather(desk.tick(send, report), desk.tick(send, report))
    assert sent == [-1]


def test_refused_drafts_say_why(desk, clock):
    assert "after /announce" in desk.draft(ADMIN, "  ").render(lambda s: s)
    assert "could not read the time" in desk.draft(ADMIN, "at: 2026-13-45 09:00 WIB\nx").render(lambda s: s)
    assert "already passed" in desk.draft(ADMIN, "at: 2020-01-01 09:00 WIB\nx").render(lambda s: s)
    assert "no text" in desk.draft(ADMIN, "at: 2027-01-01 09:00 WIB\n").render(lambda s: s)


def test_cancel_and_discard_are_audited(desk, store):
    draft = desk.draft(ADMIN, "at: 2027-01-01 09:00 WIB\nx")
    assert desk.discard(ADMIN, draft.token) and not desk.discard(ADMIN, draft.token)
    announcement_id = desk.schedule(ADMIN, desk.compose_draft("at: 2027-01-01 09:00 WIB\nx"))
    assert desk.cancel(ADMIN, announcement_id) and not desk.cancel(ADMIN, announcement_id)
    rows = sqlite3.connect(store.path).execute("SELECT action, outcome FROM audit ORDER BY id").fetchall()
    assert ("announce", "cancelled") in rows and ("announcement-cancel", "ok") in rows and \
        ("announcement-cancel", "too late") in rows
    assert DATABASE_NAME in str(store.path)


def test_an_answer_too_long_for_one_message_is_a_warning_at_its_entry():
    from bot.knowledge.loader import Source, load_sources
    text = "entries:\n  - id: long\n    questions: {id: [panjang], ko: [긴 답], en: [long one]}\n" \
           f"    answer: {{id: \"{'kata ' * 900}\", ko: \"짧아요\", en: \"{{area}} short\"}}\n" \
           "facts:\n  area: 4300\n"
    result = load_sources([Source("long.yaml", text.encode())])
    assert result.kb is not None
    (warning,) = result.warnings
    where = (warning.file, warning.line, warning.params["lang"], warning.params["length"])
    assert where == ("long.yaml", 2, "id", 4500)


def test_administration_reads_see_questions_still_waiting_in_the_log_batch(store, clock, tmp_path):
    store.LOG_BATCH_ROWS, store.LOG_BATCH_AGE_S = 1000, 3600.0       # nothing reaches the file by itself
    store.log_question("id", "fallback", None, "private")
    store.log_question("ko", "answer", "kitb-area", "group")
    store.log_unanswered("kitb segede apa", "id", "private", 0.2)
    outside = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
    assert outside.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0        # still batched
    assert store.question_count(NOW - 1, NOW + 1) == 2
    assert sorted(store.question_breakdown(NOW - 1)) == [("id", "fallback", None, 1), ("ko", "answer", "kitb-area", 1)]
    store.log_unanswered("kitb luasnya brp", "id", "private", 0.3)
    rows = store.unanswered_rows(NOW - 1)
    assert [text for _id, text, _lang in rows] == ["kitb luasnya brp", "kitb segede apa"]
    store.log_unanswered("kapan mou diteken", "id", "private", 0.1)
    assert store.forget_unanswered([rows[0][0]]) == 1
    assert store.unanswered_row(rows[0][0]) is None and store.unanswered_row(rows[1][0]) == ("kitb segede apa", "id")
    assert [text for _id, text, _lang in store.unanswered_rows(NOW - 1)] == ["kapan mou diteken", "kitb segede apa"]
