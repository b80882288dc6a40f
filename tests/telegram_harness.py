"""Runs the real bot (bot.telegram.runner.serve, the code path of `python -m bot run`) in-process
against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.config import Settings
from bot.engine.answer import Engine
from bot.i18n import Catalogs
from bot.knowledge.model import KnowledgeBase
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.runner import serve
from tests.fake_telegram import Call, FakeTelegram


@contextlib.asynccontextmanager
async def running_bot(server: FakeTelegram, kb: KnowledgeBase, catalogs: Catalogs, data_dir: Path, clock=None,
                      **overrides):
    overrides.setdefault("introduction_delay", 0.2)     # the production delay is for Telegram's update order
    settings = Settings(_env_file=None, token=server.token, api_url=server.root, data_dir=data_dir,
                       poll_timeout=1.0, **overrides)
    store = Store(settings.data_dir)
    extra = {"clock": clock} if clock is not None else {}
    application = build_application(settings, Engine(kb, catalogs), store, catalogs, **extra)
    stop = asyncio.Event()
    mark = server.mark()
    task = asyncio.create_task(serve(application, settings, stop))
    try:
        await server.wait_for(("getUpdates", "setWebhook"), since=mark, timeout=10)     # polling or webhook
        yield application
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        store.close()


class FakeClock:
    """Injected wall clock: tests move it forward instead of sleeping for real hours."""

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def ask(server: FakeTelegram, text: str | None, user_id: int = 501, *, chat_id: int | None = None,
              language_code: str | None = "en", timeout: float = 10, **push) -> Call:
    """A user sends `text` (a private chat unless `chat_id`); the bot's first sendMessage to that chat
    from then on. `push` goes to FakeTelegram.push_message (chat_type, reply_to_bot, extra, ...)."""
    chat_id = user_id if chat_id is None else chat_id
    mark = server.mark()
    server.push_message(text, user_id=user_id, chat_id=chat_id, language_code=language_code, **push)
    return await server.wait_for("sendMessage", chat_id=chat_id, since=mark, timeout=timeout)


async def silence(server: FakeTelegram, chat_id: int, since: int, probe_user: int = 999_001) -> None:
    """Assert the bot sent nothing to `chat_id` since `since`: a private question from `probe_user`,
    pushed last, is answered after every earlier update has been handled."""
    await ask(server, "/help", probe_user)
    await asyncio.sleep(0.3)        # updates are handled concurrently: give a slower one time to speak up
    sent = [c for c in server.calls_to(("sendMessage", "sendDocument")) if c.index >= since and c.chat_id == chat_id]
    assert sent == [], sent


async def eventually(read, timeout: float = 5.0):
    """`read()` once it returns something truthy (the bot writes its logs in batches, about every
    second), else its last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := read()) and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return value
