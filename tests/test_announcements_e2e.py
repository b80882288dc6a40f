"""Events, subscriptions and announcements end to end: the real bot, the fake Bot API server."""

from __future__ import annotations

import asyncio
import datetime as dt
import textwrap

import pytest

from bot.knowledge.loader import load_directory
from tests.telegram_harness import FakeClock, ask, running_bot

ADMIN = 4242
MEMBER = 77
T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc).timestamp()       # 09:00 WIB


@pytest.fixture
def kb_dir(kb_copy):
    target = kb_copy
    (target / "seminar.yaml").write_text(textwrap.dedent("""
        events:
          - id: seminar-2026
            title: {id: "Seminar startup", ko: "스타트업 세미나", en: "Startup seminar"}
            description: {id: "Seminar inovasi.", ko: "혁신 세미나입니다.", en: "An innovation seminar."}
            start: 2026-12-03 09:00
            timezone: Asia/Jakarta
            venue: {id: "{gradika}", ko: "{gradika}", en: "Gradika Bhakti Praja Building"}
            reminders: [1d, 1h]
    """), encoding="utf-8")
    return target


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
async def bot(server, kb_dir, catalogs, tmp_path, clock):
    async with running_bot(server, load_directory(kb_dir).kb, catalogs, tmp_path / "data", clock=clock,
                           knowledge_dir=kb_dir, admins=frozenset({ADMIN}), outbox_interval=0.1,
                           messages_per_second=0) as app:
        yield app


async def add_group(server, chat_id, languages=None, admin=101):
    """The bot is added to a group by its administrator, who subscribes it."""
    server.set_chat(chat_id, "supergroup", title=f"Group {chat_id}")
    server.set_member_status(chat_id, admin, "administrator")
    mark = server.mark()
    server.push_my_chat_member(chat_id, user_id=admin, old_status="left", new_status="member",
                               chat_type="supergroup", language_code="ko")
    intro = await server.wait_for("sendMessage", chat_id=chat_id, since=mark, timeout=10)
    await ask(server, "/subscribe", admin, chat_id=chat_id)
    if languages:
        await ask(server, "/languages " + " ".join(languages), admin, chat_id=chat_id)
    return intro


async def test_added_to_a_group_it_introduces_itself_in_the_adders_language(server, bot):
    intro = await add_group(server, -100201)
    assert "/subscribe" in intro.text and "안녕하십니까" in intro.text


async def test_subscription_and_languages_by_administrators_only(server, bot, tmp_path):
    group = -100202
    await add_group(server, group)
    server.set_member_status(group, MEMBER, "member")
    for text in ("/subscribe", "/unsubscribe", "/languages id ko"):
        refused = await ask(server, text, MEMBER, chat_id=group)
        assert "only the group's administrators" in refused.text
    done = await ask(server, "/languages id ko", 101, chat_id=group)
    assert "Indonesian and Korean" in done.text       # named in the reader's language
    buttons = await ask(server, "/languages", 101, chat_id=group)
    mark = server.mark()
    server.push_callback_query("sl:en", chat_id=group, user_id=MEMBER, message_id=buttons.result["message_id"],
                               language_code="en")
    denied = await server.wait_for("answerCallbackQuery", since=mark)
    assert denied.params.get("show_alert") in (True, "true")
    bye = await ask(server, "/unsubscribe", 101, chat_id=group)
    assert "/subscribe" in bye.text
    checks = [c for c in server.calls_to("getChatMember") if c.params["chat_id"] == group]
    assert len(checks) >= 7          # every command and button asked Telegram again


async def announce(server, text, confirm="Send"):
    preview = await ask(server, "/announce " + text if not text.startswith("\n") else "/announce" + text, ADMIN)
    buttons = {b["text"]: b["callback_data"] for b in preview.buttons()}
    mark = server.mark()
    server.push_callback_query(buttons[confirm], chat_id=ADMIN, user_id=ADMIN,
                               message_id=preview.result["message_id"], language_code="en")
    await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=10)
    return preview


async def test_an_announcement_reaches_three_groups_in_their_languages_exactly_once(server, bot):
    await add_group(server, -100301, ["id"])
    await add_group(server, -100302, ["ko"])
    await add_group(server, -100303, ["id", "ko"])
    preview = await announce(server, "\nid: Seminar dimulai pukul 09.00.\nko: 세미나는 9시에 시작합니다.\n"
                                     "en: The seminar starts at 09:00.")
    assert "Groups that receive Indonesian and Korean see:" in preview.text
    assert "🇮🇩 Seminar dimulai pukul 09.00.\n\n🇰🇷 세미나는 9시에 시작합니다." in preview.text
    report = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=10,
                                   predicate=lambda c: "Delivery report" in c.text)
    assert "sent to 3 groups, not delivered to 0 groups." in report.text
    await asyncio.sleep(0.5)        # a duplicate, if any, would arrive now
    texts = {chat: [c.text for c in server.sent_messages(chat) if "Seminar" in c.text or "세미나" in c.text]
             for chat in (-100301, -100302, -100303)}
    assert texts == {-100301: ["Seminar dimulai pukul 09.00."], -100302: ["세미나는 9시에 시작합니다."],
                     -100303: ["🇮🇩 Seminar dimulai pukul 09.00.\n\n🇰🇷 세미나는 9시에 시작합니다."]}


async def test_announce_shortcut_and_cancel(server, bot):
    await add_group(server, -100311, ["en"])
    await announce(server, "Nothing to see", confirm="Cancel")
    await asyncio.sleep(0.4)
    assert not [c for c in server.sent_messages(-100311) if "Nothing to see" in c.text]


async def test_a_scheduled_announcement_goes_out_at_its_time(server, bot, clock):
    await add_group(server, -100401, ["en"])
    await announce(server, "\nat: 2026-12-01 10:00 WIB\nThe doors open soon.")
    await announce(server, "\nat: 2026-12-01 11:00 WIB\nThis one is cancelled.")
    listing = await ask(server, "/announcements", ADMIN)
    assert "scheduled" in listing.text
    cancel = [b["callback_data"] for b in listing.buttons() if b["callback_data"].startswith("ac1:")]
    assert len(cancel) == 4                           # the two announcements and the seminar's two reminders
    newest = max(cancel, key=lambda data: int(data.rsplit(":", 1)[1]))
    mark = server.mark()
    server.push_callback_query(newest, chat_id=ADMIN, user_id=ADMIN, message_id=listing.result["message_id"],
                               language_code="en")
    await server.wait_for("answerCallbackQuery", since=mark)
    await asyncio.sleep(0.4)
    assert not [c for c in server.sent_messages(-100401) if "doors" in c.text]
    clock.advance(3600)                               # 10:00 WIB
    sent = await server.wait_for("sendMessage", chat_id=-100401, timeout=5, predicate=lambda c: "doors" in c.text)
    assert sent.text == "The doors open soon."
    clock.advance(3600)                               # 11:00 WIB: the cancelled one never goes out
    await asyncio.sleep(0.5)
    assert not [c for c in server.sent_messages(-100401) if "cancelled" in (c.text or "")]


async def test_an_event_reminder_fires_at_its_offset(server, bot, clock):
    await add_group(server, -100501, ["id", "en"])
    clock.now = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.timezone.utc).timestamp()   # 1 day before 09:00 WIB
    reminder = await server.wait_for("sendMessage", chat_id=-100501, timeout=5, predicate=lambda c: "⏰" in c.text)
    assert "Seminar startup" in reminder.text and "Startup seminar" in reminder.text
    assert "WIB" in reminder.text and "KST" in reminder.text and "Gradika Bhakti Praja" in reminder.text
    clock.advance(60)
    await asyncio.sleep(0.4)
    assert len([c for c in server.sent_messages(-100501) if "⏰" in c.text]) == 1      # never twice


async def test_events_command_lists_upcoming_and_past_in_wib_and_kst(server, bot):
    upcoming = await ask(server, "/events", MEMBER, language_code="ko")
    assert "스타트업 세미나" in upcoming.text and "WIB" in upcoming.text and "KST" in upcoming.text
    past = await ask(server, "/events past", MEMBER, language_code="id")
    assert "Penandatanganan MoU antara Kawasan Industri Terpadu Batang (KITB)" in past.text
    assert "Jumat, 7 Juli 2023" in past.text              # the day as answers write it, not "07"
    asked = await ask(server, "acara apa saja bulan ini?", MEMBER, language_code="en")
    assert "Seminar startup" in asked.text


async def test_forbidden_migration_and_retry_after_are_handled(server, bot, clock):
    for chat in (-100601, -100602, -100603):
        await add_group(server, chat, ["en"])
    server.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat", chat_id=-100601)
    server.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                     parameters={"migrate_to_chat_id": -100699}, chat_id=-100602)
    server.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1},
                     count=3, chat_id=-100603)
    server.set_chat(-100699, "supergroup", title="Migrated")
    await announce(server, "Important news")
    # python-telegram-bot's rate limiter waits out the first two 429s itself; the outbox waits out
    # the third on its own clock.
    await server.wait_for("sendMessage", chat_id=-100603, timeout=10, consume=False, predicate=lambda c: c.failed
                          and len([x for x in server.calls_to("sendMessage", chat_id=-100603) if x.failed]) == 3)
    await asyncio.sleep(0.3)
    clock.advance(2)
    report = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=15,
                                   predicate=lambda c: "Delivery report" in c.text)
    assert "sent to 2 groups, not delivered to 1 group." in report.text
    assert "the bot is no longer in the group (1)" in report.text
    assert [c.text for c in server.sent_messages(-100699)] == ["Important news"]
    assert [c.text for c in server.sent_messages(-100603) if c.text == "Important news"] == ["Important news"]
    # The kicked group gets nothing more; the migrated one keeps receiving under its new id.
    mark = server.mark()
    await announce(server, "Second news")
    second = await server.wait_for("sendMessage", chat_id=ADMIN, timeout=15, since=mark,
                                   predicate=lambda c: "Delivery report" in c.text)
    assert "sent to 2 groups, not delivered to 0 groups." in second.text
    assert not [c for c in server.sent_messages(-100601) if "Second" in (c.text or "")]
    assert [c.text for c in server.sent_messages(-100699)] == ["Important news", "Second news"]


async def test_non_admins_cannot_announce(server, bot):
    refused = await ask(server, "/announce hello everyone", MEMBER)
    assert "only the bot's administrators" in refused.text

