"""SIGTERM from the interpreter's first moment until the event loop takes over.

As PID 1 in a container, a signal without a handler is ignored: SIGTERM would wait for the engine's
kill 10 s later. So `install` makes SIGTERM raise SystemExit(0) at once (finally blocks run, the
exit is a clean one), and bot/telegram/runner.py hands the signal to the event loop once it runs.

CPython runs a Python signal handler between two bytecodes of the main thread, wherever that is.
When that is inside code called from C, the SystemExit can be lost (C code that clears errors: a
`__eq__` run by a dict lookup, a finaliser) or turned into another error (a class body's
`__set_name__` makes it a RuntimeError). A sweep of stops during start-up found each about once in
100. So the first SIGTERM also starts a thread that sends it again every REPEAT_S until someone
reports it `honoured` (the runner when it stops, bot/cli/entry.py when the command returns), and
an error raised while a stop is `requested` ends start-up as the stop would have.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

REPEAT_S = 0.5
requested = threading.Event()       # a SIGTERM arrived before the event loop handled signals
honoured = threading.Event()        # the process is stopping: no more repeats


def install() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    if not requested.is_set():
        requested.set()
        threading.Thread(target=_repeat_until_honoured, name="stop-request", daemon=True).start()
    raise SystemExit(0)


def _repeat_until_honoured() -> None:
    while not honoured.wait(REPEAT_S):
        os.kill(os.getpid(), signal.SIGTERM)
