"""Broadcast benchmark: one announcement to 1,000 subscribed groups.

    python bench/broadcast_bench.py [--groups 1000] [--rates 30 0]

1. Outbox overhead per message, without Telegram: the SQLite work of release + deliver + mark
   (real file, WAL) with a sending function that does nothing, against the same loop of sends
   with no outbox at all, measured in the same run.
2. Through the fake Bot API server over real HTTP: the real bot (`serve`, as `python -m bot run`)
   delivers the announcement; reports the achieved rate against the configured limit.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import BUNDLED_KNOWLEDGE_DIR, BUNDLED_LOCALES_DIR, Settings  # noqa: E402
from bot.engine.answer import Engine  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.knowledge.loader import load_directory  # noqa: E402
from bot.outbox import Outbox, deliver_pending  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.runner import serve  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

TEXTS = {"id": "Pengumuman uji", "ko": "시험 공지", "en": "Test announcement"}


def subscribe_groups(store: Store, n: int) -> list[int]:
    outbox = Outbox(store)
    groups = [-1_000_000_000 - i for i in range(1, n + 1)]
    for chat_id in groups:
        outbox.subscribe(chat_id, f"group {chat_id}", True)
    return groups


async def outbox_overhead(n: int) -> tuple[float, float]:
    """Microseconds per message: with the outbox, and the bare send loop."""
    async def nothing(chat_id: int, text: str) -> int:
        return 1

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        groups = subscribe_groups(store, n)
        outbox = Outbox(store)
        started = time.perf_counter()
        outbox.schedule(TEXTS, 0, created_by=1)
        outbox.release_due()
        while await deliver_pending(outbox, nothing):
            pass
        with_outbox = (time.perf_counter() - started) / n * 1e6
        store.close()
    started = time.perf_counter()
    for chat_id in groups:
        await nothing(chat_id, TEXTS["en"])
    bare = (time.perf_counter() - started) / n * 1e6
    return with_outbox, bare


async def through_fake_server(n: int, rate: int, kb, catalogs) -> dict:
    async with FakeTelegram() as server:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(_env_file=None, token=server.token, api_url=server.root, data_dir=Path(folder),
                               poll_timeout=1.0, messages_per_second=rate, outbox_interval=0.2)
            store = Store(settings.data_dir)
            groups = set(subscribe_groups(store, n))
            application = build_application(settings, Engine(kb, catalogs), store, catalogs)
            stop = asyncio.Event()
            task = asyncio.create_task(serve(application, settings, stop))
            await server.wait_for("getUpdates", timeout=10)
            mark = server.mark()
            Outbox(store).schedule(TEXTS, 0, created_by=None)
            calls = [await server.wait_for("sendMessage", since=mark, timeout=120,
                                           predicate=lambda c: c.params["chat_id"] in groups) for _ in range(n)]
            stop.set()
            await task
            store.close()
    elapsed = calls[-1].at - calls[0].at
    return {"sent": len(calls), "seconds": elapsed, "rate": (len(calls) - 1) / elapsed if elapsed else 0.0,
            "distinct": len({c.params["chat_id"] for c in calls})}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--rates", type=int, nargs="*", default=[30, 0])
    args = parser.parse_args()
    with_outbox, bare = await outbox_overhead(args.groups)
    print(f"outbox overhead, {args.groups} messages, no network: {with_outbox:.0f} µs/message with the SQLite "
          f"outbox vs {bare:.1f} µs/message for the bare send loop (overhead {with_outbox - bare:.0f} µs)")
    kb = load_directory(BUNDLED_KNOWLEDGE_DIR).kb
    catalogs = Catalogs(BUNDLED_LOCALES_DIR)
    print(f"{'limit/s':>8} {'groups':>7} {'seconds':>8} {'achieved/s':>11} {'distinct':>9}")
    for rate in args.rates:
        result = await through_fake_server(args.groups, rate, kb, catalogs)
        limit = str(rate) if rate else "off"
        print(f"{limit:>8} {result['sent']:>7} {result['seconds']:>8.1f} {result['rate']:>11.1f} "
              f"{result['distinct']:>9}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
