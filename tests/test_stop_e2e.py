"""SIGTERM while the bot is busy: it exits within 2 s, and what it had not finished is done at the
next start (updates it was handling or had queued; an announcement half sent). A real process,
the fake Bot API server, a real SQLite file."""

from __future__ import annotations

import asyncio
import collections
import json

from bot.outbox import Outbox
from bot.store import Store
from bot.telegram.stopping import UNFINISHED
from tests.bot_process import TOKEN, BotProcess
from tests.fake_telegram import FakeTelegram

USERS = list(range(6101, 6107))


async def hang(_call):
    await asyncio.sleep(60)         # Telegram not answering sendMessage: every handler is stuck in it


async def test_updates_being_handled_or_waiting_are_handled_at_the_next_start(tmp_path):
    data = tmp_path / "data"
    async with FakeTelegram(token=TOKEN) as server:
        bot = await BotProcess.start(server.root, data, BOT_CONCURRENT_UPDATES="2", BOT_POLL_TIMEOUT="1")
        try:
            await server.wait_for("getUpdates", timeout=30)
            server.on("sendMessage", hang)
            for user in USERS:
                server.push_message("How big is KITB?", user_id=user, chat_id=user, language_code="en")
            for _ in range(2):                                       # two slots: two handlers in sendMessage
                await server.wait_for("sendMessage", timeout=15)
            await asyncio.sleep(0.3)                                 # the other four fetched, waiting for a slot
            assert server.pending_updates == [] or len(server.pending_updates) < len(USERS)
            code, seconds = await bot.stop()
        finally:
            bot.kill()
        assert code == 0 and seconds < 2, (code, seconds, bot.log)
        assert "update(s) saved for the next start" in bot.log
        saved = json.loads((data / UNFINISHED).read_text(encoding="utf-8"))
        fetched = {u["update_id"] for u in server.updates} - {u["update_id"] for u in server.pending_updates}
        assert {row["update_id"] for row in saved} == fetched        # every fetched update, none twice
        server.on("sendMessage", None)
        mark = server.mark()
        again = await BotProcess.start(server.root, data, BOT_POLL_TIMEOUT="1")
        try:
            for user in USERS:
                reply = await server.wait_for("sendMessage", chat_id=user, since=mark, timeout=30)
                assert "hectares" in reply.text
            code, seconds = await again.stop()
        finally:
            again.kill()
    assert code == 0 and seconds < 2
    assert not (data / UNFINISHED).exists()
    answered = collections.Counter(c.params["chat_id"] for c in server.calls_to("sendMessage", include_failed=False)
                                   if c.index >= mark)
    assert all(answered[user] == 1 for user in USERS), answered      # each answered once after the restart


async def test_a_broadcast_in_progress_stops_within_2_s_and_finishes_at_the_next_start(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    outbox = Outbox(store)
    groups = [-1_000_000_000 - n for n in range(1, 121)]
    for chat_id in groups:
        outbox.subscribe(chat_id, f"group {chat_id}", True)
    outbox.schedule({"id": "Pengumuman", "ko": "공지", "en": "Announcement"}, 0, created_by=4242)
    store.close()
    env = {"BOT_ADMINS": "4242", "BOT_MESSAGES_PER_SECOND": "20", "BOT_POLL_TIMEOUT": "1"}

    def received():
        return collections.Counter(c.params["chat_id"] for c in server.calls_to("sendMessage", include_failed=False)
                                   if c.params["chat_id"] in wanted)

    wanted = set(groups)
    async with FakeTelegram(token=TOKEN) as server:
        first = await BotProcess.start(server.root, data, **env)
        try:
            for _ in range(600):
                await asyncio.sleep(0.05)
                if sum(received().values()) >= 20:
                    break
            code, seconds = await first.stop()                       # 20 messages a second: ~5 s to go
        finally:
            first.kill()
        assert code == 0 and seconds < 2, (code, seconds)
        sent_before = sum(received().values())
        assert 20 <= sent_before < len(groups)
        second = await BotProcess.start(server.root, data, **env)
        try:
            report = await server.wait_for("sendMessage", chat_id=4242, timeout=60,
                                           predicate=lambda c: "Delivery report" in (c.text or ""))
            code, seconds = await second.stop()
        finally:
            second.kill()
        counts = received()
    assert code == 0 and seconds < 2
    assert set(counts) == wanted
    assert sum(n - 1 for n in counts.values()) <= 1          # at most the one message in flight went twice
    assert f"sent to {len(groups)} groups" in report.text
