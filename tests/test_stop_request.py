"""A SIGTERM before the event loop runs is never lost (bot/stop_request.py): when CPython discards
the handler's SystemExit, or turns it into another error, the stop still happens within 2 s."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.conftest import ROOT

PRELUDE = """
import os, signal, time
from bot import stop_request
stop_request.install()
"""

LOST = PRELUDE + """
try:
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
except SystemExit:
    pass                    # as C code that clears errors would discard it
print("carried on", flush=True)
time.sleep(10)
print("never stopped", flush=True)
"""

TURNED = PRELUDE + """
class Field:
    def __set_name__(self, owner, name):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)

try:
    class Record:           # CPython reports the SystemExit as RuntimeError("Error calling __set_name__")
        field = Field()
except RuntimeError as exc:
    print(type(exc.__cause__).__name__, flush=True)
time.sleep(10)
print("never stopped", flush=True)
"""


def run(code: str) -> tuple[int, float, str]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    return done.returncode, time.monotonic() - started, done.stdout + done.stderr


def test_a_lost_stop_is_repeated() -> None:
    code, seconds, output = run(LOST)
    assert "carried on" in output and "never stopped" not in output, output
    assert code == 0 and seconds < 2, (code, seconds, output)


def test_a_stop_turned_into_another_error_is_repeated() -> None:
    code, seconds, output = run(TURNED)
    assert "SystemExit" in output and "never stopped" not in output, output
    assert code == 0 and seconds < 2, (code, seconds, output)
