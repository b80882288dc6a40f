"""The process's entry, for `python -m bot` and the `sahabat` script: SIGTERM is handled before
anything heavy is imported (bot/stop_request.py), and a stop requested during start-up ends the
process with 0 whatever error it became on its way."""

from __future__ import annotations

from bot import stop_request


def main() -> int:
    stop_request.install()      # first of all: importing the rest takes a noticeable moment
    try:
        from bot.cli.main import main as command
        return command()
    except Exception:
        if not stop_request.requested.is_set():
            raise
        return 0
    finally:
        stop_request.honoured.set()
