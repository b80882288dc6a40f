"""`python -m bot run` as a real process against the fake Bot API server: start-up, SIGTERM, logs,
webhook mode, and clear start-up errors."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import httpx
import pytest

from bot.config import Settings
from bot.engine.answer import Engine
from bot.store import DATABASE_NAME, Store, StoreError
from bot.telegram.app import build_application
from bot.telegram.runner import serve
from tests.conftest import ROOT
from tests.fake_telegram import FakeTelegram

TOKEN = "987654:SECRET-token-never-in-logs"


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.update(extra)
    return env


async def start_bot_process(server: FakeTelegram, data_dir, **env) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=server.root, BOT_DATA_DIR=str(data_dir), **env))


async def terminate(process: asyncio.subprocess.Process) -> tuple[bytes, bytes]:
    """SIGTERM, then the process must exit cleanly (0) within 30 s."""
    process.send_signal(signal.SIGTERM)
    output = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, output[1].decode()
    return output


async def test_run_answers_stops_on_sigterm_and_never_logs_the_token(tmp_path):
    async with FakeTelegram(token=TOKEN) as server:
        process = await start_bot_process(server, tmp_path / "data")
        try:
            await server.wait_for("getUpdates", timeout=30)
            server.push_message("Berapa luas KITB?", user_id=9, chat_id=9)
            reply = await server.wait_for("sendMessage", chat_id=9, timeout=10)
            assert "4.300" in reply.text
            last = server.push_message("kapan mou ditandatangani", user_id=9, chat_id=9)
            await asyncio.sleep(0.05)
            stdout, stderr = await terminate(process)
        finally:
            if process.returncode is None:
                process.kill()
        # The last update is either answered (it was fetched, so it had to be handled before exit) or
        # still unconfirmed at the server (so Telegram delivers it again at the next start): never lost.
        answered = any("2023" in c.text for c in server.sent_messages(9))
        unconfirmed = any(u["update_id"] == last["update_id"] for u in server.pending_updates)
        assert answered != unconfirmed
        log = stdout.decode() + stderr.decode()
        assert "long polling" in log and "stopped" in log
        assert TOKEN not in log and TOKEN.split(":")[1] not in log


def test_run_without_token_says_how_to_get_one():
    import subprocess
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=clean_env(), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr and "BotFather" in result.stderr
    assert "python -m bot chat" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_corrupt_database_is_a_clear_start_up_error(tmp_path):
    import subprocess
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot use the database"):
        Store(tmp_path / "data")
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env=clean_env(TELEGRAM_BOT_TOKEN=TOKEN, BOT_DATA_DIR=str(tmp_path / "data"),
                                                      TELEGRAM_API_URL="http://127.0.0.1:9"))
    assert result.returncode == 1
    assert "cannot use the database" in result.stderr and "Traceback" not in result.stderr


def test_store_migrates_forward_and_keeps_settings(tmp_path):
    store = Store(tmp_path)
    store.set_user_language(5, "ko")
    assert store.schema_version >= 1
    store.close()
    again = Store(tmp_path)
    assert again.user_language(5) == "ko"
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_answers_and_rejects_requests_without_the_secret(tmp_path, bundled_kb, catalogs):
    port = free_port()
    async with FakeTelegram() as server:
        settings = Settings(_env_file=None, token=server.token, api_url=server.root, data_dir=tmp_path,
                           webhook_url=f"http://127.0.0.1:{port}/telegram", webhook_secret="s3cret-webhook",
                           webhook_listen="127.0.0.1", webhook_port=port)
        store = Store(tmp_path)
        application = build_application(settings, Engine(bundled_kb, catalogs), store, catalogs)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(application, settings, stop))
        try:
            hook = await server.wait_for("setWebhook", timeout=10)
            assert hook.params["secret_token"] == "s3cret-webhook"
            server.push_message("How big is KITB?", user_id=77, chat_id=77)
            reply = await server.wait_for("sendMessage", chat_id=77, timeout=10)
            assert "hectares" in reply.text
            async with httpx.AsyncClient() as client:
                forged = await client.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 1})
                wrong = await client.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 2},
                                          headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            assert forged.status_code == 403 and wrong.status_code == 403
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=15)
            store.close()


async def test_lang_choice_survives_a_restart_of_the_process(tmp_path):
    async with FakeTelegram(token=TOKEN) as server:
        for round_ in range(2):
            mark = server.mark()
            process = await start_bot_process(server, tmp_path / "data")
            try:
                await server.wait_for("getUpdates", since=mark, timeout=30)
                if round_ == 0:
                    server.push_message("/lang", user_id=31, chat_id=31, language_code="en")
                    await server.wait_for("sendMessage", chat_id=31, since=mark, timeout=10)
                    server.push_callback_query("l:ko", chat_id=31, user_id=31)
                    await server.wait_for("editMessageText", since=mark, timeout=10)
                else:
                    server.push_message("/start", user_id=31, chat_id=31, language_code="en")
                    greeting = await server.wait_for("sendMessage", chat_id=31, since=mark, timeout=10)
                    assert "안녕하십니까" in greeting.text
                await terminate(process)
            finally:
                if process.returncode is None:
                    process.kill()


async def test_sighup_reloads_the_knowledge_base_and_tells_the_admins(tmp_path):
    import shutil
    import textwrap

    from bot.config import BUNDLED_KNOWLEDGE_DIR
    from tests.test_admin_e2e import NEW_ENTRY
    kb_dir = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE_DIR, kb_dir, ignore=shutil.ignore_patterns("*.md"))
    async with FakeTelegram(token=TOKEN) as server:
        process = await start_bot_process(server, tmp_path / "d", BOT_KNOWLEDGE_DIR=str(kb_dir), BOT_ADMINS="4242")
        try:
            await server.wait_for("getUpdates", timeout=30)
            (kb_dir / "added.yaml").write_text(textwrap.dedent(NEW_ENTRY), encoding="utf-8")
            process.send_signal(signal.SIGHUP)
            told = await server.wait_for("sendMessage", chat_id=4242, timeout=15)
            assert "Added: test-added" in told.text
            server.push_message("Is there a canteen in the trial zone?", user_id=9, chat_id=9, language_code="en")
            answer = await server.wait_for("sendMessage", chat_id=9, timeout=10)
            assert answer.text == "A test answer about the canteen."
            await terminate(process)
        finally:
            if process.returncode is None:
                process.kill()


async def test_killed_in_the_middle_of_a_300_group_broadcast_every_group_gets_it_once(tmp_path):
    import collections

    from bot.outbox import Outbox
    data = tmp_path / "data"
    store = Store(data)
    outbox = Outbox(store)
    groups = [-1_000_000_000 - n for n in range(1, 301)]
    for chat_id in groups:
        outbox.subscribe(chat_id, f"group {chat_id}", True)
    outbox.schedule({"id": "Pengumuman", "ko": "공지", "en": "Announcement"}, 0, created_by=4242)
    store.close()
    env = {"BOT_ADMINS": "4242", "BOT_MESSAGES_PER_SECOND": "100"}

    def received():
        return collections.Counter(c.params["chat_id"] for c in server.calls_to("sendMessage", include_failed=False)
                                   if c.params["chat_id"] in wanted)

    wanted = set(groups)
    async with FakeTelegram(token=TOKEN) as server:
        first = await start_bot_process(server, data, **env)
        try:
            for _ in range(300):
                await asyncio.sleep(0.05)
                if sum(received().values()) >= 100:
                    break
            first.kill()                                   # SIGKILL: no clean shutdown at all
            await first.wait()
        finally:
            if first.returncode is None:
                first.kill()
        before_restart = sum(received().values())
        assert 100 <= before_restart < 300
        second = await start_bot_process(server, data, **env)
        try:
            report = await server.wait_for("sendMessage", chat_id=4242, timeout=60,
                                           predicate=lambda c: "Delivery report" in (c.text or ""))
            await terminate(second)
        finally:
            if second.returncode is None:
                second.kill()
        counts = received()
    assert set(counts) == wanted                          # every group got it
    twice = [chat for chat, n in counts.items() if n > 1]
    assert len(twice) <= 1 and all(counts[chat] == 2 for chat in twice)   # at most the one message in flight
    assert "sent to 300 groups" in report.text
