"""`python -m bot health`: the container's health check. The running bot touches a heartbeat file
(BOT_DATA_DIR/heartbeat) each time a long poll returns from Telegram (in webhook mode, every 30 s
while its server runs); healthy means that happened lately. It needs no token and no network."""

from __future__ import annotations

import time

from bot.config import Settings


def health_command(settings: Settings, max_age: float | None = None) -> int:
    """0 when the heartbeat is at most `max_age` seconds old (default: three long polls, at least
    60 s), else 1 with one line saying why."""
    limit = max_age if max_age is not None else max(60.0, 3 * settings.poll_timeout)
    path = settings.heartbeat_file
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        print(f"unhealthy: no heartbeat yet ({path}): the bot has not reached Telegram since it started")
        return 1
    except OSError as exc:
        print(f"unhealthy: cannot read {path}: {exc.strerror}")
        return 1
    if age > limit:
        print(f"unhealthy: the last contact with Telegram was {age:.0f} s ago (more than {limit:.0f} s)")
        return 1
    print(f"healthy: the last contact with Telegram was {age:.0f} s ago")
    return 0
