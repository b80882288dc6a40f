"""The guided changes when things go wrong, end to end in Indonesian, Korean and English: two
administrators editing the same entry, /cancel, silence, a restart in the middle, a forwarded
button pressed by someone else, and bad input at every step (the draft is kept)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from bot.knowledge.loader import load_directory
from bot.store import DATABASE_NAME
from tests.authoring_steps import ADMIN, OTHER_ADMIN, USER, alert, press, send
from tests.telegram_harness import FakeClock, ask, running_bot
from tests.test_knowledge_races_e2e import entry
from tests.test_knowledge_races_e2e import preview as upload_preview

LANGS = ["id", "ko", "en"]
INSTALLED = {"id": "✅ Diterapkan", "ko": "✅ 적용했습니다", "en": "✅ Installed"}
STALE = {"id": "setelah pratinjau Anda", "ko": "미리 보기 이후", "en": "after your preview"}
CANCELLED = {"id": "tidak ada yang berubah", "ko": "바뀐 것은 없", "en": "nothing changed"}
REFUSAL = {"id": "hanya administrator bot", "ko": "봇 관리자만", "en": "only the bot's administrators"}
LOST = {"id": "hilang saat bot dimulai ulang", "ko": "다시 시작되면서 초안이 사라졌습니다",
        "en": "lost when the bot restarted"}
TIMED_OUT = {"id": "tanpa balasan", "ko": "응답이 없어", "en": "without an answer"}
T0 = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.timezone.utc).timestamp()


def settings(**overrides):
    return {"admins": frozenset({ADMIN, OTHER_ADMIN}), "messages_per_second": 0, **overrides}


@pytest.fixture
async def bot(server, kb_copy, catalogs, tmp_path):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           **settings()) as app:
        yield app


def files(kb_dir):
    return {p.name: p.read_bytes() for p in sorted(kb_dir.iterdir()) if p.is_file()}


def audit(tmp_path):
    return sqlite3.connect(tmp_path / "data" / DATABASE_NAME).execute(
        "SELECT user_id, action, outcome FROM audit ORDER BY id").fetchall()


async def edit_preview(server, user, lang, text):
    shown = await send(server, "/edit kitb-area", user, lang)
    await press(server, shown, "au1:lang:en", user, lang)
    return await send(server, text, user, lang)


@pytest.mark.parametrize("lang", LANGS)
async def test_two_administrators_editing_the_same_entry(server, bot, kb_copy, lang):
    first = await edit_preview(server, ADMIN, "id", "First {kitb_area_ha}.")
    second = await edit_preview(server, OTHER_ADMIN, lang, "Second {kitb_area_ha}.")
    assert INSTALLED["id"] in (await press(server, first, "au1:install:", ADMIN, "id")).text
    refused = await press(server, second, "au1:install:", OTHER_ADMIN, lang)
    assert STALE[lang] in refused.text
    answered = await ask(server, "How big is KITB?", USER)
    assert answered.text == "First 4,300."            # nothing lost, nothing mixed
    written = (kb_copy / "kitb.yaml").read_text(encoding="utf-8")
    assert '"First {kitb_area_ha}."' in written and "Second" not in written
    again = await send(server, "hello there", OTHER_ADMIN, lang)       # the second draft has ended
    assert STALE[lang] not in again.text


@pytest.mark.parametrize("install_first", [True, False])
async def test_a_guided_edit_racing_an_upload(server, bot, kb_copy, install_first):
    shown, install = await upload_preview(server, OTHER_ADMIN, "a.yaml", entry("canteen", "a"))
    edit = await edit_preview(server, ADMIN, "en", "Edited {kitb_area_ha}.")
    first, second = ((OTHER_ADMIN, install, shown), (ADMIN, None, edit))
    order = [first, second] if install_first else [second, first]
    results = {}
    for user, data, call in order:
        mark = server.mark()
        data = data or next(b["callback_data"] for b in call.buttons() if b["callback_data"].startswith("au1:install"))
        server.push_callback_query(data, chat_id=user, user_id=user, message_id=call.result["message_id"],
                                   language_code="en")
        results[user] = (await server.wait_for("sendMessage", chat_id=user, since=mark, timeout=30)).text
    assert "✅" in results[order[0][0]] and STALE["en"] in results[order[1][0]]
    assert (kb_copy / "a.yaml").exists() == install_first


@pytest.mark.parametrize("lang", LANGS)
async def test_cancel_at_any_step_changes_nothing(server, bot, kb_copy, tmp_path, lang):
    before = files(kb_copy)
    for start, steps in (("/new", ["Apakah ada kantin?"]), ("/edit kitb-area", []), ("/event", ["Seminar"])):
        await send(server, start, lang=lang)
        for text in steps:
            await send(server, text, lang=lang)
        assert CANCELLED[lang] in (await send(server, "/cancel", lang=lang)).text
    shown = await send(server, "/edit kitb_area_ha", lang=lang)
    cancelled = await press(server, shown, "au1:cancel:", lang=lang)
    assert CANCELLED[lang] in cancelled.text
    assert files(kb_copy) == before
    answered = await send(server, "How big is KITB?", lang="en")     # a text is a question again
    assert "4,300" in answered.text
    assert (ADMIN, "draft", "cancelled") in audit(tmp_path)


@pytest.mark.parametrize("lang", LANGS)
async def test_silence_closes_the_draft(server, kb_copy, catalogs, tmp_path, lang):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           **settings(authoring_timeout=0.02)):             # 1.2 seconds
        before = files(kb_copy)
        shown = await send(server, "/edit kitb-area", lang=lang)
        await press(server, shown, "au1:lang:en", lang=lang)
        closed = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=10,
                                       predicate=lambda c: TIMED_OUT[lang] in c.text)
        assert {"id": "1 detik", "ko": "1초", "en": "1 second"}[lang] in closed.text
        answered = await send(server, "How big is KITB?", lang="en")
        assert "4,300" in answered.text and files(kb_copy) == before
    assert (ADMIN, "draft", "timed out") in audit(tmp_path)


@pytest.mark.parametrize("lang", LANGS)
async def test_a_restart_in_the_middle_loses_only_the_draft_and_says_so(server, kb_copy, catalogs, tmp_path, lang):
    before = files(kb_copy)
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           **settings()):
        shown = await send(server, "/edit kitb-area", lang=lang)
        await press(server, shown, "au1:lang:en", lang=lang)
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           **settings()):
        told = await send(server, "The new answer {kitb_area_ha}.", lang=lang)
        assert LOST[lang] in told.text
        answered = await send(server, "How big is KITB?", lang="en")     # the conversation is over
        assert "4,300" in answered.text
    assert files(kb_copy) == before


@pytest.mark.parametrize("lang", LANGS)
async def test_a_non_administrator_pressing_a_forwarded_button_is_refused(server, bot, kb_copy, tmp_path, lang):
    before = files(kb_copy)
    answered = await ask(server, "How big is KITB?", ADMIN, language_code="en")
    pencil = next(b["callback_data"] for b in answered.buttons() if b["callback_data"].startswith("ed1:"))
    preview = await edit_preview(server, ADMIN, "en", "Hijacked {kitb_area_ha}.")
    install = next(b["callback_data"] for b in preview.buttons() if b["callback_data"].startswith("au1:install:"))
    await ask(server, "/help", USER, language_code=lang)          # the forwarded message lands in their chat
    message_id = server.last_bot_message_id(USER)
    for data in (pencil, install, "au1:lang:en", "au1:cancel:"):
        refused = await alert(server, data, USER, lang, message_id=message_id)
        assert REFUSAL[lang] in refused.params["text"] and refused.params.get("show_alert")
    refused = await send(server, "/edit kitb-area", USER, lang)
    assert REFUSAL[lang] in refused.text
    assert files(kb_copy) == before
    installed = await press(server, preview, "au1:install:")       # the administrator's own preview still waits
    assert "✅" in installed.text
    refusals = [row for row in audit(tmp_path) if row[0] == USER]
    assert len(refusals) == 5 and all(outcome == "refused" for _user, _action, outcome in refusals)


EVENT_ZONES = '{"WIB": "Asia/Jakarta", "KST": "Asia/Seoul", "CET": "Europe/Berlin"}'


@pytest.mark.parametrize("lang", LANGS)
async def test_bad_input_gets_a_precise_message_and_the_draft_is_kept(server, kb_copy, catalogs, tmp_path, lang):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           clock=FakeClock(T0), **settings(announcement_zones=json.loads(EVENT_ZONES),
                                                           # every bad input of the test within one minute
                                                           private_answers_per_minute=60)):
        before = files(kb_copy)
        shown = await send(server, "/edit kitb-area", lang=lang)
        await press(server, shown, f"au1:lang:{lang}", lang=lang)
        for bad, expected in (("\u200b \u200b", "⚠️"), ("x" * 5000, "5000/4096"), ("Luas {unknown}.", "{unknown}"),
                              ("Luas } {kitb_area_ha}", "6"), ("{kitb_area_ha:weekday}", "weekday")):
            refused = await send(server, bad, lang=lang)
            assert expected in refused.text and "⚠️" in refused.text, (bad, refused.text)
        await send(server, "/new", lang=lang)
        refused = await send(server, "\u2060", lang=lang)
        assert "⚠️" in refused.text
        assert "⚠️" in (await send(server, "q" * 600, lang=lang)).text
        await send(server, "Apakah ada kantin?", lang=lang)
        assert "{nope}" in (await send(server, "Ada {nope}.", lang=lang)).text
        skip = await send(server, "Ada kantin.", lang=lang)
        assert any(b["callback_data"] == "au1:skip:" for b in skip.buttons())        # the draft went on
        await send(server, "/event", lang=lang)
        zone = await send(server, "Seminar", lang=lang)
        zone = await press(server, zone, "au1:skip:", lang=lang)
        zone = await press(server, zone, "au1:skip:", lang=lang)
        await press(server, zone, "au1:zone:CET", lang=lang)
        month = {"id": "Februari 2027", "ko": "2027년 2월", "en": "February 2027"}[lang]
        for bad, expected in (("31/02/2027", month), ("2026-03-19", "⚠️"), ("13/13/2027", "13"),
                              ("tomorrow", "2027-03-10")):
            refused = await send(server, bad, lang=lang)
            assert expected in refused.text and "⚠️" in refused.text, (bad, refused.text)
        await send(server, "28/03/2027", lang=lang)
        gap = {"id": "02.30", "ko": "오전 2:30", "en": "2:30\u202fAM"}[lang]
        for bad, expected in (("02:30", gap), ("25:00", "25:00"), ("10:00-09:00", "⚠️"), ("noon", "09:00")):
            refused = await send(server, bad, lang=lang)
            assert expected in refused.text and "⚠️" in refused.text, (bad, refused.text)
        confirmed = await send(server, "10:00", lang=lang)
        assert "CET" in confirmed.text and "WIB" in confirmed.text and "KST" in confirmed.text
        assert files(kb_copy) == before
    assert files(kb_copy) == before


async def test_a_date_in_the_past_is_refused_at_its_step(server, kb_copy, catalogs, tmp_path):
    async with running_bot(server, load_directory(kb_copy).kb, catalogs, tmp_path / "data", knowledge_dir=kb_copy,
                           clock=FakeClock(T0), **settings()):
        step = await send(server, "/event")
        step = await send(server, "Seminar")
        step = await press(server, step, "au1:skip:")
        step = await press(server, step, "au1:skip:")
        await press(server, step, "au1:zone:WIB")
        refused = await send(server, "19/03/2026")
        assert "has already passed" in refused.text and "March 20, 2026" in refused.text
        await send(server, "20/03/2026")
        late = await send(server, "09:00")                 # 17:00 WIB now: earlier today is past too
        assert "has already passed" in late.text
        assert "🗓" in (await send(server, "18:00")).text
