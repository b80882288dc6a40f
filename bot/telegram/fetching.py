"""Fetching updates: the bot object, an update python-telegram-bot cannot read, the heartbeat.

python-telegram-bot parses a whole getUpdates answer at once (`Update.de_list`). One update it
cannot read (a message without `chat`, a member update lacking a field its class requires) makes
the whole batch fail: it logs the batch, user texts included, and polls again with the same offset,
in a loop as fast as the network allows. The library offers no hook for this (its Updater passes
every error to the network retry loop, and a parsing error is not a TelegramError), so `PollingBot`
reads each update of the answer on its own:

  - an update it cannot read is skipped: the next poll's offset passes it, its update_id and kind
    are logged once (never its content) and `on_skipped` listeners hear of it (the administrators
    are told);
  - an answer it cannot read at all becomes a NetworkError, so the Updater's retry loop backs off
    (1 s, then 1.5 times longer each time, up to 30 s) instead of polling again at once;
  - a refused token (401, or 404 for a malformed one) is reported to `on_token_refused`: the bot
    cannot do anything more, and the process stops with an error;
  - every answer that arrives touches the heartbeat file, which `python -m bot health` reads.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import BaseRateLimiter, Defaults, ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings

log = logging.getLogger(__name__)
QUICK_TIMEOUT_S = 1.0
KIND = re.compile(r"^[a-z_]{1,40}$")
Skipped = Callable[[int | None, str], None]      # (update_id or None, kind such as 'message')


@dataclass
class FetchState:
    heartbeat: Path | None = None
    skip_below: int = 0                   # the lowest update_id the next poll may ask for
    skipped: list[Skipped] = field(default_factory=list)
    token_refused: list[Callable[[], None]] = field(default_factory=list)


class PollingBot(ExtBot):
    """ExtBot whose get_updates skips what it cannot read (see the module docstring)."""

    __slots__ = ("fetching",)

    def __init__(self, *args: Any, heartbeat: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.fetching = FetchState(heartbeat)

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        state = self.fetching
        if state.skip_below and (offset is None or 0 <= offset < state.skip_below):
            offset = state.skip_below
        # As Bot.get_updates: the long poll's own wait is added to the read timeout.
        base = read_timeout if isinstance(read_timeout, (int, float)) else (self._request[0].read_timeout or 0)
        waits = timeout.total_seconds() if isinstance(timeout, dt.timedelta) else (timeout or 0)
        data: JSONDict = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        if not waits:
            # The Updater's last call while stopping (it confirms what was fetched): with Telegram
            # unreachable it must not hold the stop for the default timeouts.
            base = connect_timeout = pool_timeout = QUICK_TIMEOUT_S
        try:
            result = await self._post("getUpdates", data, read_timeout=base + waits, write_timeout=write_timeout,
                                      connect_timeout=connect_timeout, pool_timeout=pool_timeout,
                                      api_kwargs=api_kwargs)
        except InvalidToken:
            for listener in state.token_refused:
                listener()
            raise
        except TelegramError:
            raise
        except Exception as exc:      # noqa: BLE001 - anything else must back off like a network error
            raise NetworkError(f"the getUpdates answer could not be read ({type(exc).__name__})") from None
        if not isinstance(result, list):
            raise NetworkError("the getUpdates answer is not a list of updates")
        self._beat()
        updates = []
        for raw in result:
            update = self._read(raw)
            if update is not None:
                self.insert_callback_data(update)
                updates.append(update)
        if result:
            log.debug("fetched %d update(s), %d readable", len(result), len(updates))
        if len(updates) < len(result):
            ids = [raw["update_id"] for raw in result
                   if isinstance(raw, dict) and isinstance(raw.get("update_id"), int)]
            if ids:
                state.skip_below = max(state.skip_below, max(ids) + 1)
        return tuple(updates)

    def _read(self, raw: object) -> Update | None:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        kind = next((key for key in raw if key != "update_id"), "none") if isinstance(raw, dict) else "none"
        kind = kind if KIND.match(kind) else "unknown"
        try:
            update = Update.de_json(raw, self)  # type: ignore[arg-type]
            if update is None or not isinstance(update.update_id, int):
                raise ValueError("no update_id")
            return update
        except Exception as exc:  # noqa: BLE001 - whatever the library raises, the update is skipped
            update_id = update_id if isinstance(update_id, int) else None
            log.warning("skipped update %s (%s): python-telegram-bot cannot read it (%s); its content is not logged",
                        update_id, kind, type(exc).__name__)
            for listener in self.fetching.skipped:
                listener(update_id, kind)
            return None

    def _beat(self) -> None:
        path = self.fetching.heartbeat
        if path is None:
            return
        try:
            path.touch()
        except OSError as exc:
            log.warning("cannot write the heartbeat file %s: %s", path, exc.strerror)


def build_bot(settings: Settings, rate_limiter: BaseRateLimiter) -> PollingBot:
    """The bot object ApplicationBuilder would build from these settings, as a PollingBot, sending
    under `rate_limiter`."""
    return PollingBot(
        token=settings.token_value or "",
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
        # ApplicationBuilder's own pool sizes: 256 connections for sending, one for the long poll.
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        # A reply goes out even when the question was deleted meanwhile (Telegram would refuse it).
        defaults=Defaults(parse_mode=None, tzinfo=settings.zone, allow_sending_without_reply=True),
        rate_limiter=rate_limiter,
        heartbeat=settings.heartbeat_file,
    )


def on_polling_error(error: TelegramError) -> None:
    """The Updater's error callback: one line per failed poll (it waits longer after each)."""
    log.warning("polling Telegram failed (%s: %s); trying again after a pause", type(error).__name__, error)
