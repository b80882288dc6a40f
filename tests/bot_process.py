"""`python -m bot run` as a real process: its log lines as they come, with the time each arrived,
and stopping it with a signal, timed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

TOKEN = "987654:SECRET-token-never-in-logs"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any BOT_ or TELEGRAM_ setting of the machine running the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.update(extra)
    return env


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)    # (seconds since start, line)
    reader: asyncio.Task | None = None

    @classmethod
    async def start(cls, api_url: str, data_dir: Path, token: str = TOKEN, **env: str) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env=clean_env(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_URL=api_url, BOT_DATA_DIR=str(data_dir), **env))
        running = cls(process, time.monotonic())
        running.reader = asyncio.create_task(running._read())
        return running

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.lines.append((time.monotonic() - self.started, line.decode(errors="replace").rstrip("\n")))

    @property
    def log(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def lines_between(self, start: float, end: float) -> list[str]:
        return [line for at, line in self.lines if start <= at < end]

    async def wait_for_line(self, text: str, timeout: float = 30) -> float:
        """When (seconds since start) a line containing `text` appeared."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in self.lines:
                if text in line:
                    return at
            if self.process.returncode is not None and self.reader is not None and self.reader.done():
                break
            await asyncio.sleep(0.02)
        raise AssertionError(f"no line with {text!r} within {timeout} s; log:\n{self.log}")

    async def exit_code(self, timeout: float = 30) -> int:
        code = await asyncio.wait_for(self.process.wait(), timeout)
        if self.reader is not None:
            await asyncio.wait_for(self.reader, timeout)
        return code

    async def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, float]:
        """Send `signum`; (exit code, seconds until the process had exited)."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        code = await self.exit_code(timeout)
        return code, time.monotonic() - sent

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
