"""Runs the real bot (bot.telegram.runner.serve, the code path of `python -m bot run`) in-process
against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.answer import Engine
from bot.config import Settings
from bot.i18n import Catalogs
from bot.knowledge.model import KnowledgeBase
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.runner import serve
from tests.fake_telegram import FakeTelegram


@contextlib.asynccontextmanager
async def running_bot(server: FakeTelegram, kb: KnowledgeBase, catalogs: Catalogs, data_dir: Path, clock=None,
                      **overrides):
    settings = Settings(_env_file=None, token=server.token, api_url=server.root, data_dir=data_dir,
                       poll_timeout=1.0, **overrides)
    store = Store(settings.data_dir)
    extra = {"clock": clock} if clock is not None else {}
    application = build_application(settings, Engine(kb, catalogs), store, catalogs, **extra)
    stop = asyncio.Event()
    mark = server.mark()
    task = asyncio.create_task(serve(application, settings, stop))
    try:
        await server.wait_for("getUpdates", since=mark, timeout=10)
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
