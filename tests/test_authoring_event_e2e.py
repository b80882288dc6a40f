"""/event end to end, in Indonesian, Korean and English: a new event whose reminders reach a
subscribed group, and an existing event moved then cancelled with its pending reminders following;
through the fake Bot API server with the bot's clock moved forward."""

from __future__ import annotations

import asyncio
import datetime as dt
import textwrap

import pytest

from bot.knowledge.loader import load_directory
from tests.authoring_steps import ADMIN, press, send, toggle
from tests.telegram_harness import FakeClock, ask, running_bot
from tests.test_announcements_e2e import add_group

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC).timestamp()       # 1 December 2026, 09:00 WIB
TITLES = {"id": "Seminar inovasi", "ko": "혁신 세미나", "en": "Innovation seminar"}
INSTALLED = {"id": "✅ Diterapkan", "ko": "✅ 적용했습니다", "en": "✅ Installed"}
GROUP = -100901


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
def kb_dir(kb_copy):
    (kb_copy / "seminar.yaml").write_text(textwrap.dedent("""
        # A seminar written by hand: comments stay when it is changed in Telegram.
        events:
          - id: seminar-2026
            title: {id: "Seminar startup", ko: "스타트업 세미나", en: "Startup seminar"}
            start: 2026-12-03 09:00     # WIB
            timezone: Asia/Jakarta
            venue: {id: "{gradika}", ko: "{gradika}", en: "Gradika Bhakti Praja Building"}
            reminders: [1d, 1h]
    """), encoding="utf-8")
    return kb_copy


@pytest.fixture
async def bot(server, kb_dir, catalogs, tmp_path, clock):
    async with running_bot(server, load_directory(kb_dir).kb, catalogs, tmp_path / "data", clock=clock,
                           knowledge_dir=kb_dir, admins=frozenset({ADMIN}), outbox_interval=0.1,
                           messages_per_second=0) as app:
        yield app


async def reminders_at(server, clock, when: dt.datetime, about: str) -> list[str]:
    """Move the clock to `when`; the reminders about `about` (a title) the group gets within a second."""
    mark = server.mark()
    clock.now = when.timestamp()
    await asyncio.sleep(1.0)
    return [c.text for c in server.sent_messages(GROUP) if c.index >= mark and "⏰" in c.text and about in c.text]


@pytest.mark.parametrize("lang", ["id", "ko", "en"])
async def test_a_new_event_and_its_reminders_reach_a_subscribed_group(server, bot, kb_dir, clock, lang):
    await add_group(server, GROUP, [lang])
    await send(server, "/event", lang=lang)
    step = await send(server, TITLES[lang], lang=lang)
    step = await press(server, step, "au1:skip:", lang=lang)
    step = await press(server, step, "au1:skip:", lang=lang)
    step = await press(server, step, "au1:zone:WIB", lang=lang)
    step = await send(server, "10/12/2026", lang=lang)
    confirmed = await send(server, "09:00-11:00", lang=lang)
    assert "WIB" in confirmed.text and "KST" in confirmed.text          # the other zone's time, to confirm
    assert {"id": "11.00 KST", "ko": "오전 11:00 KST", "en": "11:00\u202fAM KST"}[lang] in confirmed.text
    step = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=10, predicate=lambda c: bool(c.buttons()))
    step = await send(server, "Gedung Gradika Bhakti Praja", lang=lang)
    assert {b["callback_data"] for b in step.buttons()} >= {"au1:remind:7d", "au1:remind:1d", "au1:remind:1h"}
    await toggle(server, step, "au1:remind:1d", lang=lang)
    await toggle(server, step, "au1:remind:1h", lang=lang)
    preview = await press(server, step, "au1:done:", lang=lang)
    before = {"id": ("⏰ 1 hari sebelumnya", "⏰ 1 jam sebelumnya"), "ko": ("⏰ 1일 전", "⏰ 1시간 전"),
              "en": ("⏰ 1 day before", "⏰ 1 hour before")}[lang]
    assert TITLES[lang] in preview.text and all(line in preview.text for line in before)
    report = await press(server, preview, "au1:install:", lang=lang)
    assert INSTALLED[lang] in report.text
    listed = await ask(server, "/events", 777, language_code=lang)
    assert TITLES[lang] in listed.text
    early = await reminders_at(server, clock, dt.datetime(2026, 12, 9, 1, 0, tzinfo=UTC), TITLES[lang])
    assert early == []
    day_before = await reminders_at(server, clock, dt.datetime(2026, 12, 9, 2, 0, 30, tzinfo=UTC), TITLES[lang])
    assert len(day_before) == 1 and TITLES[lang] in day_before[0] and "Gedung Gradika Bhakti Praja" in day_before[0]
    hour_before = await reminders_at(server, clock, dt.datetime(2026, 12, 10, 1, 0, 30, tzinfo=UTC), TITLES[lang])
    assert len(hour_before) == 1 and TITLES[lang] in hour_before[0]


@pytest.mark.parametrize("lang", ["id", "ko", "en"])
async def test_an_event_moved_then_cancelled_takes_its_reminders_along(server, bot, kb_dir, clock, lang):
    await add_group(server, GROUP, ["en"])
    menu = await send(server, "/event seminar-2026", lang=lang)
    assert "Startup seminar" in menu.text or "스타트업 세미나" in menu.text or "Seminar startup" in menu.text
    step = await press(server, menu, "au1:part:when", lang=lang)
    step = await press(server, step, "au1:zone:KST", lang=lang)
    step = await send(server, "2026-12-05", lang=lang)
    await send(server, "12:00", lang=lang)                 # 12:00 KST is 10:00 WIB
    preview = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=15,
                                    predicate=lambda c: any(b["callback_data"].startswith("au1:install:")
                                                            for b in c.buttons()))
    report = await press(server, preview, "au1:install:", lang=lang)
    assert INSTALLED[lang] in report.text
    written = (kb_dir / "seminar.yaml").read_text(encoding="utf-8")
    assert "# A seminar written by hand" in written and "start: 2026-12-05 12:00" in written \
        and "timezone: Asia/Seoul" in written
    # The old reminder time passes in silence; the new one comes.
    assert await reminders_at(server, clock, dt.datetime(2026, 12, 2, 2, 0, 30, tzinfo=UTC), "Startup") == []
    moved = await reminders_at(server, clock, dt.datetime(2026, 12, 4, 3, 0, 30, tzinfo=UTC), "Startup")
    assert len(moved) == 1 and "Startup seminar" in moved[0]
    menu = await send(server, "/event seminar-2026", lang=lang)
    preview = await press(server, menu, "au1:drop:", lang=lang)
    assert "seminar-2026" in preview.text
    report = await press(server, preview, "au1:install:", lang=lang)
    assert INSTALLED[lang] in report.text and "seminar-2026" in report.text
    assert "seminar-2026" not in (kb_dir / "seminar.yaml").read_text(encoding="utf-8")
    assert await reminders_at(server, clock, dt.datetime(2026, 12, 5, 2, 0, 30, tzinfo=UTC), "Startup") == []   # its 1h
    gone = await ask(server, "/events", 777, language_code="en")
    assert "Startup seminar" not in gone.text
