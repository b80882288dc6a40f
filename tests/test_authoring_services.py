"""The guided changes without Telegram: the YAML edits keep every other byte, the step checks say
precisely what is wrong, and dates and times are caught at their step."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.admin.authoring import Authoring, EditDraft, EventDraft
from bot.admin.drafts import Preview, check_template, slug, visible
from bot.admin.kb_yaml import append_entry, append_event, remove_event, set_answer, set_fact, update_event
from bot.admin.knowledge import KnowledgeAdmin
from bot.admin.knowledge_service import KnowledgeService
from bot.admin.notice import Notice
from bot.admin.yaml_edit import EditError
from bot.config import BUNDLED_KNOWLEDGE_DIR
from bot.engine.answer import Engine
from bot.knowledge.loader import load_directory
from bot.store import Store
from tests.conftest import MINIMAL_KB, write_kb
from tests.telegram_harness import FakeClock

KITB = (BUNDLED_KNOWLEDGE_DIR / "kitb.yaml").read_text(encoding="utf-8")
CORE = (BUNDLED_KNOWLEDGE_DIR / "core.yaml").read_text(encoding="utf-8")
EVENTS = (BUNDLED_KNOWLEDGE_DIR / "events.yaml").read_text(encoding="utf-8")
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.timezone.utc).timestamp()


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def test_an_answer_is_replaced_on_its_own_line_and_nothing_else_moves():
    edited = set_answer(KITB, "kitb-area", "ko", "새 답변 {kitb_area_ha}")
    assert changed_lines(KITB, edited) == [
        '-       ko: "{report_date:month} 기사에 따르면 {kitb}의 전체 부지 면적은 {kitb_area_ha}헥타르입니다."',
        '+       ko: "새 답변 {kitb_area_ha}"']


def test_a_missing_language_is_added_under_the_others():
    text = 'entries:\n  - id: a   # keep\n    questions: {id: [x]}\n    answer:\n      id: "y"\n'
    edited = set_answer(text, "a", "en", 'say "hi"')
    assert edited == text + '      en: "say \\"hi\\""\n'
    flow = 'entries:\n  - id: a\n    questions: {id: [x]}\n    answer: {id: y}   # flow\n'
    assert set_answer(flow, "a", "ko", "z") == flow.replace("{id: y}", '{id: y, ko: "z"}')


@pytest.mark.parametrize("name, value, line", [
    ("kitb_area_ha", 4400, "  kitb_area_ha: 4400"),
    ("phase1_ready_year", 2025,
     "  phase1_ready_year: {year: 2025}   # a year is never written with a thousands separator"),
    ("mou_date", dt.date(2023, 7, 8),
     "  mou_date: 2023-07-08              # date: {mou_date} long form, {mou_date:weekday}"),
])
def test_a_fact_keeps_its_form_and_its_comment(name, value, line):
    edited = set_fact(CORE, name, value)
    assert [changed[2:] for changed in changed_lines(CORE, edited) if changed[0] == "+"] == [line]


def test_events_are_added_changed_and_removed_in_place():
    event = {"id": "seminar-2027", "title": {"id": "Seminar"}, "start": "2027-03-10 09:00",
             "end": "2027-03-10 12:00", "timezone": "Asia/Jakarta", "venue": {"id": "Gedung A"},
             "reminders": ("7d", "1d")}
    added = append_event(EVENTS, event)
    assert added.startswith(EVENTS.split("\nentries:")[0].rstrip("\n") + "\n  - id: seminar-2027\n")
    moved = update_event(added, "seminar-2027", {"start": "2027-03-11 10:00", "end": None, "title": {"ko": "세미나"},
                                                 "reminders": ("1d",)})
    assert sorted(changed_lines(added, moved)) == sorted([
        '+       ko: "세미나"', "-     start: 2027-03-10 09:00", "-     end: 2027-03-10 12:00",
        "+     start: 2027-03-11 10:00", "-     reminders: [7d, 1d]", "+     reminders: [1d]"])
    assert remove_event(moved, "seminar-2027") == EVENTS
    only = remove_event("events:\n  - id: a\n    title: {id: x}\n", "a")
    assert yaml.safe_load(only) == {"events": []}


def test_a_new_entry_goes_at_the_end_of_the_list_or_starts_a_file():
    text = "# header\nentries:\n  - id: a\n    questions: {id: [x]}\n    answer: {id: y}\n# tail comment\n"
    edited = append_entry(text, "b", {"id": ["q"]}, {"id": "r"})
    assert edited.startswith(text.split("# tail")[0].rstrip("\n") + "\n  - id: b\n")
    assert edited.endswith("# tail comment\n")
    started = append_entry("# only a comment\n", "b", {"id": ["q"]}, {"id": "r"})
    assert yaml.safe_load(started)["entries"][0]["id"] == "b"


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_answer_reads_back_exactly_or_is_refused(text):
    try:
        edited = set_answer(KITB, "kitb-area", "en", text)
    except EditError:
        return
    entry = next(e for e in yaml.safe_load(edited)["entries"] if e["id"] == "kitb-area")
    assert entry["answer"]["en"] == text


def test_template_checks_name_the_problem(bundled_kb):
    def said(text):
        found = check_template(bundled_kb, text)
        return found.render(lambda s: s) if isinstance(found, Notice) else None
    assert said("Luas {kitb_area_ha} ha {kitb}.") is None
    assert said("Harga {{tanah}}.") is None                                  # literal braces
    assert "empty" in said("\u200b\u2060 \n")
    assert "(5000/4096)" in said("x" * 5000)
    assert "{kitb_area}" in said("Luas {kitb_area}.") and "{kitb_area_ha}" in said("Luas {kitb_area}.")
    assert "character 6" in said("Luas } {kitb_area_ha}")
    assert "weekday" in said("{kitb_area_ha:weekday}")


def test_ids_come_from_plain_words_and_never_collide():
    taken = {"apakah-kantin-kitb"}        # grammar words (ada, di) are left out
    assert slug("Apakah ada kantin di KITB?", taken.__contains__, "entry") == "apakah-kantin-kitb-2"
    assert slug("KITB에 구내식당이 있나요?", taken.__contains__, "entry") == "kitb"
    assert slug("구내식당이 있나요?", taken.__contains__, "entry") == "entry"
    assert slug("Seminar", set().__contains__, "event", "-2027-03-10") == "seminar-2027-03-10"
    assert visible(" \u200b ") == "" and visible(" é ") == "é"


@pytest.fixture
def authoring(tmp_path, catalogs):
    kb_dir = write_kb(tmp_path / "kb", MINIMAL_KB)
    store = Store(tmp_path / "data")
    clock = FakeClock(NOW)
    knowledge = KnowledgeService(kb_dir, tmp_path / "data", Engine(load_directory(kb_dir).kb, catalogs), catalogs,
                                 store, clock=clock)
    admin = KnowledgeAdmin(knowledge, store, max_upload_bytes=10_000, unanswered_days=30, stats_days=7, clock=clock)
    yield Authoring(admin, zones={"WIB": "Asia/Jakarta", "KST": "Asia/Seoul", "CET": "Europe/Berlin"},
                    timezone="Asia/Jakarta", clock=clock)
    store.close()


def said(found):
    return found.render(lambda s: s) if isinstance(found, Notice) else found


@pytest.mark.parametrize("text, expected", [
    ("31/02/2027", "February 2027 has no day 31"), ("29/02/2027", "February 2027 has no day 29"),
    ("2026-03-19", "has already passed"), ("13/13/2027", "no month 13"), ("next week", "2027-03-10"),
    ("29/02/2028", None), ("20/03/2026", None), ("2027-3-1", None),
])
def test_dates_are_checked_at_their_step(authoring, text, expected):
    draft = EventDraft("en", zone="WIB")
    result = said(authoring.set_day(draft, text, "en"))
    assert (result is None) if expected is None else (expected in result), result


def test_a_day_without_a_year_is_the_next_one(authoring):
    draft = EventDraft("en", zone="WIB")
    assert authoring.set_day(draft, "10/03", "en") is None and draft.day == dt.date(2027, 3, 10)
    assert authoring.set_day(draft, "25/03", "en") is None and draft.day == dt.date(2026, 3, 25)


@pytest.mark.parametrize("zone, day, text, expected", [
    ("CET", dt.date(2026, 3, 29), "02:30", "does not exist"),          # Berlin jumps from 02:00 to 03:00
    ("CET", dt.date(2026, 10, 25), "02:30", None),                      # twice that night: the first is used
    ("WIB", dt.date(2026, 3, 20), "16:59", "has already passed"),      # 17:00 WIB now
    ("WIB", dt.date(2026, 3, 20), "17:01", None),
    ("WIB", dt.date(2026, 3, 21), "10:00-09:30", "must be after the start time"),
    ("WIB", dt.date(2026, 3, 21), "24:00", "hours go from 0 to 23"),
    ("WIB", dt.date(2026, 3, 21), "9 pagi", "09:00-12:00"),
])
def test_times_are_checked_at_their_step(authoring, zone, day, text, expected):
    draft = EventDraft("en", zone=zone, day=day)
    result = said(authoring.set_times(draft, text, "en"))
    assert (result is None) if expected is None else (expected in result), result


def test_reminders_offered_fit_the_event(authoring):
    draft = EventDraft("en", zone="WIB", day=dt.date(2026, 3, 24), title={"en": "x"})
    assert authoring.reminder_choices(draft) == ["1d"]                       # whole day; 7d already past
    authoring.set_times(draft, "10:00", "en")
    assert authoring.reminder_choices(draft) == ["1d", "1h"]


async def test_a_preview_waits_for_its_own_token_and_a_stale_one_ends_the_draft(authoring):
    draft = authoring.start(1, EditDraft("en"))
    authoring.target_entry(draft, "kitb-area")
    draft.answer_lang = "en"
    first = await authoring.preview_answer(1, draft, "First {area_ha}.")
    assert isinstance(first, Preview) and first.token
    second = await authoring.preview_answer(1, draft, "Second {area_ha}.")
    assert await authoring.install(1, first.token) is None                 # replaced by the newer preview
    other = authoring.start(2, EditDraft("en", entry_id="kitb-area", answer_lang="ko"))
    theirs = await authoring.preview_answer(2, other, "다른 답 {area_ha}.")
    assert (await authoring.install(1, second.token)).ok
    stale = await authoring.install(2, theirs.token)
    assert stale.stale and authoring.draft(2, EditDraft) is None
    assert authoring.kb.answer_text(authoring.kb.by_id["kitb-area"], "en") == "Second 4,300."
