"""Actions that wait for their author's confirmation (an upload, an announcement), keyed by a token."""

from __future__ import annotations

import secrets
from typing import Generic, TypeVar

T = TypeVar("T")


class Pending(Generic[T]):
    """At most one waiting action per user; a newer one replaces the older (whose token goes stale)."""

    def __init__(self) -> None:
        self._waiting: dict[int, tuple[str, T]] = {}

    def put(self, user_id: int, value: T) -> str:
        """Remember `value` for `user_id`; returns the token its confirmation buttons carry (8 hex digits)."""
        token = secrets.token_hex(4)
        self._waiting[user_id] = (token, value)
        return token

    def take(self, user_id: int, token: str) -> T | None:
        """The value waiting under `token`, removed; None when it is stale (replaced, done or forged)."""
        entry = self._waiting.get(user_id)
        if entry is None or entry[0] != token:
            return None
        del self._waiting[user_id]
        return entry[1]
