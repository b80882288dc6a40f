"""The image, built and run with podman (or docker) against the fake Bot API server on this host.

Slow (a build, several containers), so it runs only when asked:

    SAHABAT_CONTAINER_TESTS=1 .venv/bin/python -m pytest -q -s tests/container

and is skipped when neither engine is installed. The containers share the host's network to reach
the fake server on 127.0.0.1; their names and the image tag start with `sahabat-prod-test`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from bot.telegram.callbacks import Teach
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
ENGINE = shutil.which("podman") or shutil.which("docker")
IMAGE = "sahabat-prod-test"
TOKEN = "123456:container-test-token"
ADMIN, USER = 42, 501
pytestmark = [
    pytest.mark.skipif(os.environ.get("SAHABAT_CONTAINER_TESTS") != "1", reason="set SAHABAT_CONTAINER_TESTS=1"),
    pytest.mark.skipif(ENGINE is None, reason="neither podman nor docker is installed"),
]


def engine(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([ENGINE or "docker", *args], capture_output=True, text=True, timeout=timeout, check=check)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def image():
    fmt = ["--format", "docker"] if ENGINE and ENGINE.endswith("podman") else []   # podman: keep HEALTHCHECK
    started = time.monotonic()
    engine("build", *fmt, "-t", IMAGE, str(ROOT), timeout=1800)
    print(f"\nbuild: {time.monotonic() - started:.1f} s")
    return IMAGE


class Container:
    def __init__(self, port: int, volume: str, *extra: str):
        self.name = f"sahabat-prod-test-{uuid.uuid4().hex[:8]}"
        self.args = ["run", "-d", "--name", self.name, "--network=host", "-e", f"TELEGRAM_BOT_TOKEN={TOKEN}",
                     "-e", f"TELEGRAM_API_URL=http://127.0.0.1:{port}", "-e", f"BOT_ADMINS={ADMIN}",
                     "-e", "BOT_POLL_TIMEOUT=2", "-v", f"{volume}:/data", *extra, IMAGE]

    def start(self) -> Container:
        engine(*self.args)
        self.started = time.monotonic()
        return self

    def logs(self) -> str:
        result = engine("logs", self.name, check=False)
        return result.stdout + result.stderr

    def stop(self) -> tuple[float, int]:
        started = time.monotonic()
        engine("stop", self.name)
        seconds = time.monotonic() - started
        code = int(engine("inspect", self.name, "--format", "{{.State.ExitCode}}").stdout.strip())
        return seconds, code

    def remove(self) -> None:
        engine("rm", "-f", self.name, check=False)


@pytest.fixture
def volume():
    name = f"sahabat-prod-test-{uuid.uuid4().hex[:8]}"
    yield name
    engine("volume", "rm", "-f", name, check=False)


NEW_ENTRY = textwrap.dedent("""
    entries:
      - id: test-added
        topic: kitb
        questions:
          id: ["Apakah ada kantin di kawasan uji coba?", "kantin uji coba ada?", "kantin"]
          ko: ["시험 구역에 구내식당이 있나요?", "구내식당 있어요?", "구내식당"]
          en: ["Is there a canteen in the trial zone?", "trial zone canteen", "canteen"]
        answer:
          id: "Jawaban uji coba tentang kantin."
          ko: "구내식당에 관한 시험 답변입니다."
          en: "A test answer about the canteen."
""").encode()


QUESTION = "apakah kitb punya maskot kucing oranye"


async def ask(server, text, user=USER, timeout=30):
    mark = server.mark()
    server.push_message(text, user_id=user, chat_id=user, language_code="en")
    return await server.wait_for("sendMessage", chat_id=user, since=mark, timeout=timeout)


async def test_upload_install_teach_survive_recreating_the_container(image, volume):
    port = free_port()
    async with FakeTelegram(token=TOKEN, port=port) as server:
        first = Container(port, volume).start()
        try:
            await server.wait_for("getUpdates", timeout=60)
            mark = server.mark()
            server.push_document(NEW_ENTRY, "canteen.yaml", user_id=ADMIN, chat_id=ADMIN, language_code="en")
            preview = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=30)
            buttons = {b["text"]: b["callback_data"] for b in preview.buttons()}
            mark = server.mark()
            server.push_callback_query(buttons["Install"], chat_id=ADMIN, user_id=ADMIN,
                                       message_id=preview.result["message_id"], language_code="en")
            report = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=30)
            assert "✅" in report.text, report.text
            assert (await ask(server, "Is there a canteen in the trial zone?")).text.startswith("A test answer")
            # Teach: an unanswered question becomes a phrasing of an entry.
            unknown = (await ask(server, QUESTION)).text
            await asyncio.sleep(2)                                   # the question log is written each second
            mark = server.mark()
            server.push_message("/unanswered", user_id=ADMIN, chat_id=ADMIN, language_code="en")
            await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=30)
            await asyncio.sleep(1)
            offered = [b for c in server.calls_to("sendMessage", ADMIN)[-10:] for b in c.buttons()
                       if Teach.decode(b["callback_data"]) is not None]
            teach = offered[0]
            mark = server.mark()
            server.push_callback_query(teach["callback_data"], chat_id=ADMIN, user_id=ADMIN, language_code="en")
            taught = await server.wait_for("sendMessage", chat_id=ADMIN, since=mark, timeout=30)
            entry = Teach.decode(teach["callback_data"]).entry_id
            assert entry in taught.text, taught.text
            learned = (await ask(server, QUESTION)).text
            assert learned != unknown
            seconds, code = await asyncio.to_thread(first.stop)   # the fake server keeps serving
            print(f"stop while running: {seconds:.2f} s, exit {code}")
            assert seconds < 2 and code == 0
        finally:
            log = first.logs()
            first.remove()
        assert TOKEN not in log
        second = Container(port, volume).start()          # recreated from the same volume
        try:
            await server.wait_for("getUpdates", since=server.mark(), timeout=60)
            assert (await ask(server, "Is there a canteen in the trial zone?")).text.startswith("A test answer")
            assert (await ask(server, QUESTION)).text == learned    # the taught phrasing is still there
        finally:
            second.remove()


async def test_sigterm_half_a_second_after_start(image, volume):
    port = free_port()
    async with FakeTelegram(token=TOKEN, port=port):
        for _ in range(3):
            container = Container(port, volume).start()
            try:
                await asyncio.sleep(max(0.0, 0.5 - (time.monotonic() - container.started)))
                seconds, code = await asyncio.to_thread(container.stop)
            finally:
                container.remove()
            print(f"SIGTERM 0.5 s after start: stopped in {seconds:.2f} s, exit {code}")
            assert seconds < 2 and code == 0


async def test_telegram_unreachable_for_the_first_10_s(image, volume):
    port = free_port()
    container = Container(port, volume).start()
    try:
        await asyncio.sleep(10)
        async with FakeTelegram(token=TOKEN, port=port) as server:
            up = time.monotonic() - container.started
            await server.wait_for("getUpdates", timeout=60)
            reply = await ask(server, "How big is KITB?")
            answered = time.monotonic() - container.started
            assert "hectares" in reply.text
            seconds, code = await asyncio.to_thread(container.stop)
        log = container.logs()
    finally:
        container.remove()
    attempts = [line for line in log.splitlines() if "cannot be reached" in line]
    print(f"Telegram up at {up:.1f} s, answered at {answered:.1f} s, {len(attempts)} retry lines, "
          f"{log.count('Traceback')} tracebacks, stop {seconds:.2f} s exit {code}")
    assert len(attempts) >= 3 and "Traceback" not in log and code == 0 and seconds < 2


async def test_a_minute_idle_and_the_health_check(image, volume):
    port = free_port()
    async with FakeTelegram(token=TOKEN, port=port) as server:
        container = Container(port, volume, "--health-interval=5s", "--health-start-period=5s").start() \
            if ENGINE and ENGINE.endswith("podman") else Container(port, volume).start()
        try:
            await server.wait_for("getUpdates", timeout=60)
            await ask(server, "How big is KITB?")
            await asyncio.sleep(2)
            before = len(container.logs().splitlines())
            await asyncio.sleep(60)
            idle = container.logs().splitlines()[before:]
            healthy = engine("healthcheck", "run", container.name, check=False) if ENGINE.endswith("podman") \
                else engine("inspect", container.name, "--format", "{{.State.Health.Status}}", check=False)
            status = engine("inspect", container.name, "--format", "{{.State.Health.Status}}", check=False).stdout
        finally:
            container.remove()
    print(f"idle minute: {len(idle)} log lines; health: {status.strip()}")
    assert idle == []
    assert healthy.returncode == 0 and "healthy" in status
