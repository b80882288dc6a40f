"""Private-chat latency while one group floods the bot, next to the same latency without the flood.

    python bench/flood_bench.py [--seconds 20] [--private-rate 5] [--flood-rate 40] [--repeat 1]

Runs the bot as `python -m bot run` in a process of its own, with the default settings (30
messages/s overall, 20 a minute per group, answer budgets, 16 update slots), against the fake Bot
API server from tests/fake_telegram/ over real HTTP on 127.0.0.1, in this process (so the server's
work is not the bot's: Telegram's servers are not on the bot's CPU either).

Private users ask questions at `--private-rate` per second, each from a user of their own, and the
latency of each is the time from the question being pushed to the bot's sendMessage to that chat
arriving at the server. Two phases, each with a new bot, in the same run:

- quiet: only the private questions;
- flood: the same private questions while the members of one group send `--flood-rate` updates a
  second, from one second before the first question to the last: answer buttons pressed (the
  probe of issue 20 pressed one 60 times in a second), topic buttons, bare mentions that get a
  hint, and inline queries.

It prints p50 and p99 private latency for both phases and their ratio (the target: p99 under the
flood at most twice p99 without it), and what the flood got: updates pushed, messages the bot sent
to the group, callback queries answered, and inline queries answered. `--repeat` runs the pair of
phases again (quiet and flood alternate, so a slower machine moment does not favour one).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import BOT_USERNAME, FakeTelegram  # noqa: E402

PRIVATE_QUESTIONS = ["Berapa luas KITB?", "kapan mou ditandatangani", "MoU 체결 장소가 어디예요?",
                     "who witnessed the signing", "충북테크노파크는 무슨 일을 해요?", "siapa dirut kitb"]
GROUP = -100_777
FLOODERS = (90_001, 90_002, 90_003)
# One flood "round": what the group's members do, in order, again and again.
FLOOD_ROUND = ("answer", "answer", "answer", "topic", "answer", "hint", "answer", "inline", "answer", "inline")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Phase:
    latencies_ms: list[float] = field(default_factory=list)
    unanswered: int = 0
    flood_pushed: int = 0
    group_messages: int = 0
    callbacks_answered: int = 0
    inline_answered: int = 0
    stop_s: float = 0.0


async def flood(server: FakeTelegram, rate: float, until: asyncio.Event, phase: Phase) -> None:
    """The group's members at `rate` updates a second until `until` is set."""
    started = time.perf_counter()
    anchor = server.push_message("@" + BOT_USERNAME + " how big is KITB?", user_id=FLOODERS[0], chat_id=GROUP,
                                 chat_type="supergroup", language_code="en")
    anchor_id = anchor["message"]["message_id"] + 10_000      # a bot message id the fake stores on first press
    for n, action in enumerate(itertools.cycle(FLOOD_ROUND)):
        if until.is_set():
            break
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        user = FLOODERS[n % len(FLOODERS)]
        if action == "answer":
            server.push_callback_query("a1:en:kitb-area", chat_id=GROUP, user_id=user, message_id=anchor_id,
                                       chat_type="supergroup", language_code="en")
        elif action == "topic":
            server.push_callback_query("t1:en:", chat_id=GROUP, user_id=user, message_id=anchor_id,
                                       chat_type="supergroup", language_code="en")
        elif action == "hint":
            server.push_message("@" + BOT_USERNAME, user_id=user, chat_id=GROUP, chat_type="supergroup",
                                language_code="en")
        else:
            server.push_inline_query(f"kitb {n}", user_id=user, language_code="en")
        phase.flood_pushed += 1


async def run_phase(seconds: float, private_rate: float, flood_rate: float) -> Phase:
    phase = Phase()
    async with FakeTelegram() as server:
        with tempfile.TemporaryDirectory() as data, open(Path(data) / "bot.log", "wb") as log_file:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
            env.update(TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_API_URL=server.root, BOT_DATA_DIR=data,
                       BOT_POLL_TIMEOUT="1")
            mark = server.mark()
            bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                       stdout=log_file, stderr=log_file)
            try:
                await server.wait_for("getUpdates", since=mark, timeout=60)
                await measure(server, phase, seconds, private_rate, flood_rate)
                stopping = time.perf_counter()
                bot.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(bot.wait(), timeout=60)
                except asyncio.TimeoutError:
                    phase.stop_s = float("inf")
                else:
                    phase.stop_s = time.perf_counter() - stopping
            finally:
                if bot.returncode is None:
                    bot.kill()
                    await bot.wait()
    return phase


async def measure(server: FakeTelegram, phase: Phase, seconds: float, private_rate: float, flood_rate: float) -> None:
    mark = server.mark()
    flood_over = asyncio.Event()
    flooding = asyncio.create_task(flood(server, flood_rate, flood_over, phase)) if flood_rate else None
    await asyncio.sleep(1.0 if flood_rate else 0.0)    # the flood is under way before the first question
    pushed: dict[int, float] = {}
    started = time.perf_counter()
    for n in range(int(seconds * private_rate)):
        await asyncio.sleep(max(0.0, started + n / private_rate - time.perf_counter()))
        user = 20_000 + n
        server.push_message(PRIVATE_QUESTIONS[n % len(PRIVATE_QUESTIONS)], user_id=user, chat_id=user,
                            language_code="en")
        pushed[user] = time.monotonic()
    flood_over.set()                # the flood spans the questions, from 1 s before the first to the last
    # The first reply to each private chat, read from the recorded calls now and then: waiting on each
    # call would keep this process (the server's) busy scanning calls while the flood runs, and delay the
    # very arrival times it measures.
    first: dict[int, float] = {}
    seen, deadline = mark, time.monotonic() + 120
    while len(first) < len(pushed) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        calls, seen = server.calls[seen:], len(server.calls)
        for call in calls:
            if call.method == "sendMessage" and call.chat_id in pushed and call.chat_id not in first:
                first[call.chat_id] = call.at
    phase.latencies_ms = [(first[user] - at) * 1000 for user, at in pushed.items() if user in first]
    phase.unanswered = len(pushed) - len(first)
    if flooding is not None:
        await flooding
    calls = server.calls[mark:]
    phase.group_messages = sum(1 for c in calls if c.method == "sendMessage" and not c.failed and c.chat_id == GROUP)
    phase.callbacks_answered = sum(1 for c in calls if c.method == "answerCallbackQuery" and not c.failed)
    phase.inline_answered = sum(1 for c in calls if c.method == "answerInlineQuery" and not c.failed)


def row(name: str, phase: Phase) -> str:
    lat = phase.latencies_ms
    p50 = f"{percentile(lat, 0.5):10.1f}" if lat else f"{'–':>10}"
    p99 = f"{percentile(lat, 0.99):10.1f}" if lat else f"{'–':>10}"
    stop = f"{phase.stop_s:7.1f}" if phase.stop_s != float("inf") else f"{'>60':>7}"
    return (f"{name:<7} {len(lat):>9} {phase.unanswered:>6} {p50} {p99} {phase.flood_pushed:>7} "
            f"{phase.group_messages:>9} {phase.callbacks_answered:>9} {phase.inline_answered:>7} {stop}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of private questions per phase")
    parser.add_argument("--private-rate", type=float, default=5.0, help="private questions a second")
    parser.add_argument("--flood-rate", type=float, default=40.0, help="group flood updates a second")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"private questions: {args.private_rate:g}/s for {args.seconds:g} s; group flood: {args.flood_rate:g} "
          f"updates/s ({', '.join(sorted(set(FLOOD_ROUND)))}); fake Bot API server on 127.0.0.1")
    print(f"{'phase':<7} {'answered':>9} {'lost':>6} {'p50 ms':>10} {'p99 ms':>10} {'flood':>7} "
          f"{'group msg':>9} {'callbacks':>9} {'inline':>7} {'stop s':>7}")
    quiet_p99, flood_p99 = [], []
    for _ in range(args.repeat):
        quiet = await run_phase(args.seconds, args.private_rate, 0.0)
        print(row("quiet", quiet), flush=True)
        flooded = await run_phase(args.seconds, args.private_rate, args.flood_rate)
        print(row("flood", flooded), flush=True)
        if quiet.latencies_ms and flooded.latencies_ms:
            quiet_p99.append(percentile(quiet.latencies_ms, 0.99))
            flood_p99.append(percentile(flooded.latencies_ms, 0.99) if not flooded.unanswered else float("inf"))
    if quiet_p99:
        ratio = max(f / q for f, q in zip(flood_p99, quiet_p99))
        print(f"p99 under the flood / p99 without it: {ratio:.2f} (target ≤ 2; worst of {len(quiet_p99)})")


if __name__ == "__main__":
    asyncio.run(main())
