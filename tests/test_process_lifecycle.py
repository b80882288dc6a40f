"""`python -m bot run` as a process: Telegram unreachable at start-up, a refused token, SIGTERM at
any moment of start-up, the log level, silence when idle, the health check."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys

import pytest

from tests.bot_process import TOKEN, BotProcess, clean_env
from tests.conftest import ROOT
from tests.fake_telegram import FakeTelegram

RETRY_LINE = re.compile(r"WARNING bot\.telegram\.startup: Telegram cannot be reached \((\w+): .*\) while "
                        r"connecting \(getMe\); attempt (\d+), next in (\d+) s$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_clean(log: str) -> None:
    assert "Traceback" not in log, log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def test_unreachable_at_start_retries_with_backoff_then_serves(tmp_path):
    port = free_port()
    bot = await BotProcess.start(f"http://127.0.0.1:{port}", tmp_path / "data")
    try:
        await bot.wait_for_line("attempt 3,", timeout=60)      # after about 1 + 2 s of waiting
        async with FakeTelegram(token=TOKEN, port=port) as server:
            await server.wait_for("getUpdates", timeout=30)
            server.push_message("Berapa luas KITB?", user_id=9, chat_id=9)
            reply = await server.wait_for("sendMessage", chat_id=9, timeout=15)
            assert "4.300" in reply.text
            code, seconds = await bot.stop()
    finally:
        bot.kill()
    assert code == 0 and seconds < 2, (code, seconds, bot.log)
    attempts = [RETRY_LINE.search(line) for line in bot.log.splitlines() if "cannot be reached" in line]
    assert len(attempts) >= 3 and all(attempts), bot.log          # one line per attempt, naming the cause
    assert [int(m.group(2)) for m in attempts] == list(range(1, len(attempts) + 1))
    waits = [int(m.group(3)) for m in attempts]
    assert waits[:3] == [1, 2, 4], waits                             # backing off
    assert {m.group(1) for m in attempts} <= {"NetworkError", "TimedOut"}
    assert "Telegram reached (connecting (getMe)) after" in bot.log
    assert_clean(bot.log)


async def test_a_refused_token_is_one_line_and_exit_1(tmp_path):
    async with FakeTelegram(token="111:another-bot") as server:
        bot = await BotProcess.start(server.root, tmp_path / "data")
        try:
            code = await bot.exit_code(timeout=60)
        finally:
            bot.kill()
    assert code == 1
    errors = [line for _, line in bot.lines if " ERROR " in line or " CRITICAL " in line]
    assert len(errors) == 1 and "Telegram refused the token (401 Unauthorized)" in errors[0], bot.log
    assert "TELEGRAM_BOT_TOKEN" in errors[0]
    assert_clean(bot.log)


@pytest.mark.parametrize("delay", [0.05, 0.3, 0.8, 1.5])
async def test_sigterm_at_any_moment_of_start_up_stops_within_2_s(tmp_path, delay):
    """From the interpreter's start through loading the engine, connecting and the first poll."""
    async with FakeTelegram(token=TOKEN) as server:
        bot = await BotProcess.start(server.root, tmp_path / "data")
        try:
            await asyncio.sleep(delay)
            code, seconds = await bot.stop()
        finally:
            bot.kill()
    assert seconds < 2, (delay, seconds, bot.log)
    # Either it stopped itself (0), or the signal came before the interpreter had run a line of the bot
    # and ended it (outside a container; as PID 1 such a signal waits for the handler, see bot/__main__.py).
    assert code == 0 or (code == -signal.SIGTERM and not bot.lines), (code, bot.log)
    assert_clean(bot.log)


async def test_sigterm_while_waiting_for_an_unreachable_telegram(tmp_path):
    bot = await BotProcess.start(f"http://127.0.0.1:{free_port()}", tmp_path / "data")
    try:
        await bot.wait_for_line("attempt 2,", timeout=60)         # waiting 2 s before the third attempt
        code, seconds = await bot.stop()
    finally:
        bot.kill()
    assert code == 0 and seconds < 2, (code, seconds, bot.log)
    assert bot.log.rstrip().endswith("INFO bot: stopped")
    assert_clean(bot.log)


async def test_an_idle_bot_writes_no_log_line(tmp_path):
    """Every scheduler job ticks several times a second here (outbox, watch mode, log flush, long polls of
    1 s); after start-up and one answer the log stays silent until the stop."""
    async with FakeTelegram(token=TOKEN) as server:
        bot = await BotProcess.start(server.root, tmp_path / "data", BOT_POLL_TIMEOUT="1", BOT_OUTBOX_INTERVAL="0.2",
                                     BOT_WATCH_KNOWLEDGE="1", BOT_WATCH_INTERVAL="0.2", BOT_ADMINS="4242")
        try:
            await server.wait_for("getUpdates", timeout=30)
            server.push_message("How big is KITB?", user_id=9, chat_id=9)
            await server.wait_for("sendMessage", chat_id=9, timeout=15)
            await asyncio.sleep(0.5)
            quiet_from = len(bot.lines)
            polls = len(server.calls_to("getUpdates"))
            await asyncio.sleep(5)
            idle = [line for _, line in bot.lines[quiet_from:]]
            assert len(server.calls_to("getUpdates")) - polls >= 3     # it was polling all along
            code, _seconds = await bot.stop()
        finally:
            bot.kill()
    assert idle == [], idle
    assert code == 0
    assert "long polling" in bot.log and "knowledge base" in bot.log     # start-up still says what it did


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
async def test_the_log_level_is_a_setting_and_no_level_shows_what_users_write(tmp_path, level):
    marker = "Rahasia-pengguna-91827"
    async with FakeTelegram(token=TOKEN) as server:
        bot = await BotProcess.start(server.root, tmp_path / "data", BOT_LOG_LEVEL=level.lower(),
                                     BOT_POLL_TIMEOUT="1")
        try:
            await server.wait_for("getUpdates", timeout=30)
            server.push_message(f"{marker} berapa luas kitb?", user_id=9, chat_id=9)
            server.push_raw({"message": {"message_id": 77, "chat": {"id": 9, "type": "private", "first_name": "A"},
                                         "from": {"id": 9, "is_bot": False, "first_name": "A"},
                                         "text": f"{marker} unreadable, it has no date"}})
            await server.wait_for("sendMessage", chat_id=9, timeout=15)
            await asyncio.sleep(1.5)
            code, _seconds = await bot.stop()
        finally:
            bot.kill()
    assert code == 0
    assert marker not in bot.log
    assert "skipped update" in bot.log                          # a warning: shown at both levels
    if level == "WARNING":
        assert " INFO " not in bot.log and " DEBUG " not in bot.log, bot.log
    else:
        assert " DEBUG bot.telegram.fetching: fetched " in bot.log
        assert " DEBUG telegram" not in bot.log and " DEBUG httpx" not in bot.log    # they quote requests


def health(data_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "health", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=clean_env(BOT_DATA_DIR=str(data_dir)))


async def test_the_health_check_follows_the_contact_with_telegram(tmp_path):
    data = tmp_path / "data"
    before = health(data)
    assert before.returncode == 1 and "no heartbeat yet" in before.stdout
    async with FakeTelegram(token=TOKEN) as server:
        bot = await BotProcess.start(server.root, data, BOT_POLL_TIMEOUT="1")
        try:
            await server.wait_for("getUpdates", timeout=30)
            await asyncio.sleep(1.5)                                 # at least one long poll came back
            running = health(data)
            assert running.returncode == 0 and running.stdout.startswith("healthy"), running.stdout
            await server.stop()                                      # Telegram gone: polls fail from now on
            await asyncio.sleep(2.5)
            stale = health(data, "--max-age", "2")
            assert stale.returncode == 1 and "last contact with Telegram was" in stale.stdout, stale.stdout
            code, _seconds = await bot.stop()
        finally:
            bot.kill()
    assert code == 0
    assert "polling Telegram failed (NetworkError" in bot.log and "Traceback" not in bot.log


def test_sigterm_ends_other_commands_too(tmp_path):
    """`chat` waiting at its prompt: SIGTERM ends it at once, without a traceback."""
    process = subprocess.Popen([sys.executable, "-m", "bot", "chat"], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=clean_env(BOT_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1"))
    try:
        assert process.stdout is not None
        process.stdout.read(1)                                       # the console is up
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=5)
    finally:
        process.kill()
    assert process.returncode == 0 and "Traceback" not in err
