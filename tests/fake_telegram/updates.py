"""Delivering updates: long polling (getUpdates) and webhooks (setWebhook, deleteWebhook, delivery)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from tests.fake_telegram.records import GONE, ApiError, Call, Connection, Poll, WebhookDelivery
from tests.fake_telegram.wire import as_float, as_int


class UpdatesMixin:
    async def _get_updates(self, call: Call, conn: Connection) -> Any:
        if self._webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        params = call.params
        offset = params.get("offset")
        limit = max(1, min(as_int(params.get("limit"), 100), 100))
        timeout = max(0.0, min(as_float(params.get("timeout"), 0.0), 50.0))
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = list(allowed) if isinstance(allowed, list) and allowed else None
        if offset is not None:
            offset = as_int(offset, 0)
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]

        for other in self._polls:  # Telegram terminates the older of two concurrent polls
            other.terminated = True
        poll = Poll()
        self._polls.append(poll)
        if len(self._polls) > 1:
            self._notify_updates()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if conn.gone:
                    return GONE
                if poll.terminated:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                                        "sure that only one bot instance is running")
                ready = [u for u in self._pending if self._update_allowed(u)][:limit]
                if ready or self._stopping:
                    return ready
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                event = self._update_event
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
        finally:
            self._polls.remove(poll)

    def _set_webhook(self, call: Call, conn: Connection) -> bool:
        params = call.params
        url = params.get("url", "")
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        if not url:
            self._webhook = None
            return True
        if not re.match(r"https?://", str(url)):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {"url": url, "secret_token": params.get("secret_token"),
                         "max_connections": as_int(params.get("max_connections"), 40)}
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = list(allowed) if isinstance(allowed, list) and allowed else None
        self._notify_updates()
        return True

    def _delete_webhook(self, call: Call, conn: Connection) -> bool:
        if call.params.get("drop_pending_updates") is True:
            self._pending.clear()
        self._webhook = None
        return True

    def _update_allowed(self, update: dict[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), None)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in ("chat_member", "message_reaction", "message_reaction_count")

    def _notify_updates(self) -> None:
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    async def _webhook_loop(self) -> None:
        while not self._stopping:
            webhook = self._webhook
            if not webhook or not self._pending or self._http_client is None:
                event = self._update_event
                await event.wait()
                continue
            update = self._pending[0]
            if not self._update_allowed(update):
                self._pending.pop(0)
                continue
            headers = {"Content-Type": "application/json"}
            if webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
            try:
                response = await self._http_client.fetch(
                    webhook["url"], method="POST", body=json.dumps(update), headers=headers,
                    raise_error=False, request_timeout=10)
                status = response.code
            except Exception:  # connection refused and the like
                status = 599
            self.webhook_deliveries.append(WebhookDelivery(update["update_id"], status, time.monotonic()))
            if 200 <= status < 300:
                if self._pending and self._pending[0] is update:
                    self._pending.pop(0)
            else:
                await asyncio.sleep(self.webhook_retry_delay)
