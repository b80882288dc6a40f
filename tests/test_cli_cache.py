"""The engine cache from the command line: `ask` answers first, then keeps the engine it built."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time

from bot.cli.main import ask_command
from tests.conftest import MINIMAL_KB, ROOT, write_kb


def test_ask_writes_the_engine_cache_once_its_first_answer_is_out(tmp_path):
    kb_dir, data = write_kb(tmp_path / "kb", MINIMAL_KB), tmp_path / "data"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    environment["BOT_DATA_DIR"] = str(data)
    process = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--kb", str(kb_dir)], cwd=ROOT, env=environment,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("Berapa luas KITB?\n")
        process.stdin.flush()
        first = process.stdout.readline()
        assert "4.300" in first
        # Still waiting for the next question, and the engine is already kept.
        deadline = time.monotonic() + 30
        while not list((data / "cache").glob("engine-*.pickle")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None
        assert len(list((data / "cache").glob("engine-*.pickle"))) == 1
        process.stdin.write("kapan mou ditandatangani\n")
        process.stdin.close()
        rest = process.stdout.read()
        assert process.wait(timeout=60) == 0
        assert rest.strip()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    again = subprocess.run([sys.executable, "-m", "bot", "ask", "--kb", str(kb_dir), "Berapa luas KITB?"], cwd=ROOT,
                           env=environment, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "4.300" in again.stdout
    assert len(list((data / "cache").glob("engine-*.pickle"))) == 1


def test_work_left_for_later_runs_after_the_first_answer_is_printed(engine, capsys):
    seen: list[str] = []
    later = [lambda: seen.append(capsys.readouterr().out)]
    args = argparse.Namespace(question=["Berapa luas KITB?", "kapan mou ditandatangani"], json=False, lang=None)
    assert ask_command(engine, args, later) == 0
    assert len(seen) == 1 and "4.300" in seen[0]          # once, with the first answer already out
    assert later == [] and capsys.readouterr().out.strip()  # the second answer came after


def test_work_left_for_later_runs_even_without_a_question(engine, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n \n"))
    ran: list[bool] = []
    args = argparse.Namespace(question=[], json=False, lang=None)
    assert ask_command(engine, args, [lambda: ran.append(True)]) == 0
    assert ran == [True]
