import signal
import sys


def _stop(_signum: int, _frame: object) -> None:
    sys.exit(0)         # a requested stop: finally blocks run, and the exit is a clean one


# As PID 1 in a container, a signal without a handler is ignored: SIGTERM would wait for the
# engine's kill 10 s later. So from the first moment SIGTERM exits, and `run` replaces this with a
# graceful stop once its event loop runs (bot/telegram/runner.py).
signal.signal(signal.SIGTERM, _stop)

from bot.cli.main import main  # noqa: E402 - after the handler: importing takes a noticeable moment

raise SystemExit(main())
