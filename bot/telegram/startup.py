"""Start-up steps that need Telegram, retried while it cannot be reached, and abandoned on a stop.

A network blip at boot is normal: each step (getMe, the command menus, deleteWebhook or setWebhook)
is tried again after 1 s, then twice as long each time up to 30 s, with one log line per failed
attempt naming the cause. A refused token (401; 404 for a malformed one) will not get better:
`TokenRefused`, and the process exits with an error. A stop request ends the waiting at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter

log = logging.getLogger(__name__)
FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 30.0
TOKEN_REFUSED = ("Telegram refused the token{when} (401 Unauthorized): check TELEGRAM_BOT_TOKEN (a new token from "
                 "@BotFather replaces the old one) and TELEGRAM_API_URL")


class TokenRefused(Exception):
    """Telegram answered 401 Unauthorized (or 404 Not Found, a malformed token): the message says so."""


async def until_done(step: Callable[[], Awaitable[object]], what: str, stop: asyncio.Event,
                     first_retry: float = FIRST_RETRY_S) -> bool:
    """Run `step` until it succeeds (True) or `stop` is set (False, the step cancelled).
    Raises TokenRefused; any other error than a network one (a 400, a bug) is raised as it is."""
    delay, attempt = first_retry, 1
    while True:
        outcome = await _first(step(), stop)
        if outcome is None:
            return False
        error = outcome.exception()
        if error is None:
            if attempt > 1:
                log.info("Telegram reached (%s) after %d attempts", what, attempt)
            return True
        if isinstance(error, InvalidToken):
            raise TokenRefused(TOKEN_REFUSED.format(when="")) from None
        if isinstance(error, RetryAfter):
            wait = error.retry_after.total_seconds() if hasattr(error.retry_after, "total_seconds") \
                else float(error.retry_after)
        elif isinstance(error, NetworkError) and not isinstance(error, BadRequest):
            wait, delay = delay, min(delay * 2, LONGEST_RETRY_S)
        else:
            raise error
        log.warning("Telegram cannot be reached (%s: %s) while %s; attempt %d, next in %.0f s",
                    type(error).__name__, error, what, attempt, wait)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
            return False
        attempt += 1


async def _first(work: Awaitable[object], stop: asyncio.Event) -> asyncio.Future[object] | None:
    """`work`'s finished future, or None (work cancelled) when `stop` is set first."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if task.done():
        return task
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return None
