"""Load test: questions from many simulated users through the fake Bot API server.

    python bench/telegram_load.py [--questions 2000] [--users 200] [--rate 30]

Runs the real bot (bot.telegram.runner.serve, as `python -m bot run` does) against the fake
server from tests/fake_telegram/ over real HTTP on 127.0.0.1, pushes the questions as fast as
the server takes them, and measures for every update the time from being pushed to the bot's
sendMessage arriving at the server. The same run measures a baseline: a python-telegram-bot
echo bot with the same settings, so the figures separate the answer engine from the framework
and HTTP costs. `--rate` is the bot's overall message limit (Telegram allows about 30/s);
pass 0 to measure raw capacity without the limiter. `--layer` adds a third row: the bot with each
distinct question's reply computed once and then reused, which is the cost of the Telegram layer
alone (handlers, rendering, storage, python-telegram-bot) without the answer engine's matching.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.ext import MessageHandler, filters  # noqa: E402

from bot.config import BUNDLED_KNOWLEDGE_DIR, BUNDLED_LOCALES_DIR, Settings  # noqa: E402
from bot.engine.answer import Engine  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.knowledge.loader import load_directory  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.runner import serve  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

QUESTIONS = ["Berapa luas KITB?", "kapan mou ditandatangani", "MoU 체결 장소가 어디예요?", "who witnessed the signing",
             "충북테크노파크는 무슨 일을 해요?", "what industries does chungbuk technopark develop", "siapa dirut kitb",
             "fase 1 kitb siap kapan", "Siapa presiden Amerika?", "halo", "LG에너지솔루션 투자와 관련이 있나요?",
             "how big is cluster 1"]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_load(build, n_questions: int, n_users: int, rate: int, pace: float = 0.0) -> dict:
    """`pace` questions per second (0: all at once, a burst that measures queueing too)."""
    async with FakeTelegram() as server:
        with tempfile.TemporaryDirectory() as data:
            settings = Settings(_env_file=None, token=server.token, api_url=server.root, data_dir=Path(data),
                               poll_timeout=1.0, messages_per_second=rate)
            application, store = build(settings)
            stop = asyncio.Event()
            mark = server.mark()
            task = asyncio.create_task(serve(application, settings, stop))
            await server.wait_for("getUpdates", since=mark, timeout=10)
            rng = random.Random(5)
            pushed: dict[int, float] = {}
            mark = server.mark()
            started = time.perf_counter()
            for n in range(n_questions):
                if pace:
                    await asyncio.sleep(max(0.0, started + n / pace - time.perf_counter()))
                user = 10_000 + n % n_users
                server.push_message(rng.choice(QUESTIONS), user_id=user, chat_id=user,
                                    language_code=rng.choice(("id", "ko", "en")))
                pushed.setdefault(user, [])
                pushed[user].append(time.monotonic())
            replies = []
            for _ in range(n_questions):
                replies.append(await server.wait_for("sendMessage", since=mark, timeout=300))
            elapsed = time.perf_counter() - started
            await asyncio.sleep(0.2)      # anything extra (a duplicate reply) would arrive now
            stop.set()
            await task
            store.close()
            sent_total = sum(1 for c in server.calls_to("sendMessage") if c.index >= mark)
    # Each user's replies arrive in the order of their questions (one user = one chat).
    latencies = []
    by_chat: dict[int, list] = {}
    for call in replies:
        by_chat.setdefault(call.params["chat_id"], []).append(call.at)
    for chat, times in by_chat.items():
        latencies += [(reply - sent) * 1000 for sent, reply in zip(pushed[chat], times)]
    per_chat_ok = all(len(by_chat.get(user, [])) == len(times) for user, times in pushed.items())
    return {"handled": len(replies), "per_second": len(replies) / elapsed, "sent_total": sent_total,
            "replies_per_chat_ok": per_chat_ok and sent_total == n_questions,
            "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)}


def sahabat_builder(kb, catalogs):
    def build(settings):
        store = Store(settings.data_dir)
        return build_application(settings, Engine(kb, catalogs), store, catalogs), store
    return build


def layer_builder(kb, catalogs):
    """The bot as it is, except that the engine's reply to a (question, language) is reused: what the
    Telegram layer costs on top of the echo bot, the matching left out."""
    def build(settings):
        engine = Engine(kb, catalogs)
        replies: dict = {}
        ask = engine.ask

        def reused(question, preferred=None, now=None):
            key = (question, preferred)
            if key not in replies:
                replies[key] = ask(question, preferred=preferred, now=now)
            return replies[key]
        engine.ask = reused
        store = Store(settings.data_dir)
        return build_application(settings, engine, store, catalogs), store
    return build


def echo_builder(kb, catalogs):
    """The baseline: the same application settings with one handler that echoes the text."""
    def build(settings):
        store = Store(settings.data_dir)
        application = build_application(settings, Engine(kb, catalogs), store, catalogs)
        application.handlers.clear()

        async def echo(update, context):
            await update.effective_message.reply_text(update.effective_message.text)
        application.add_handler(MessageHandler(filters.TEXT, echo))
        return application, store
    return build


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=int, nargs="*", default=[30, 0])
    parser.add_argument("--pace", type=float, default=0.0,
                        help="questions per second pushed (default 0: all at once)")
    parser.add_argument("--layer", action="store_true",
                        help="also measure the bot with the engine's replies reused (the Telegram layer alone)")
    args = parser.parse_args()
    kb = load_directory(BUNDLED_KNOWLEDGE_DIR).kb
    catalogs = Catalogs(BUNDLED_LOCALES_DIR)
    pace = f"{args.pace:g} questions/s" if args.pace else "all at once"
    print(f"{args.questions} questions from {args.users} users ({pace}) through the fake Bot API server on 127.0.0.1")
    print(f"{'bot':<10} {'limit/s':>8} {'handled':>8} {'updates/s':>10} {'p50 ms':>9} {'p99 ms':>9}")
    for rate in args.rate:
        builders = [("sahabat", sahabat_builder), ("echo", echo_builder)]
        if args.layer:
            builders.insert(1, ("layer", layer_builder))
        for name, builder in builders:
            result = await run_load(builder(kb, catalogs), args.questions, args.users, rate, args.pace)
            limit = str(rate) if rate else "off"
            print(f"{name:<10} {limit:>8} {result['handled']:>8} {result['per_second']:>10.1f} "
                  f"{result['p50_ms']:>9.1f} {result['p99_ms']:>9.1f}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
