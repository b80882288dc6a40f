"""Per-key answer budgets over a sliding 60-second window (groups per chat, private chats per user)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from enum import Enum
from typing import Callable


class Verdict(Enum):
    ALLOWED = "allowed"
    FIRST_REFUSAL = "first refusal"    # the first refused message of this window: worth one notice
    REFUSED = "refused"


class RateLimit:
    """At most `per_minute` allowed calls per key in any 60-second window; 0 or less means no limit.

    Refused calls do not use the budget, so a flood ends one minute after its first allowed
    message, however long it goes on. Memory: one deque of at most `per_minute` floats per key seen
    in the last minute (older keys are dropped as they are met again, and by `prune`).
    """

    WINDOW_S = 60.0
    PRUNE_ABOVE = 10_000        # keys remembered before the idle ones are dropped

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.sent: dict[int, deque[float]] = defaultdict(deque)
        self.noticed: set[int] = set()      # keys already told about this window's refusal

    def check(self, key: int) -> Verdict:
        if self.per_minute <= 0:
            return Verdict.ALLOWED
        if len(self.sent) > self.PRUNE_ABOVE:
            self.prune()
        now = self.clock()
        window = self.sent[key]
        while window and now - window[0] >= self.WINDOW_S:
            window.popleft()
        if len(window) < self.per_minute:
            window.append(now)
            self.noticed.discard(key)
            return Verdict.ALLOWED
        if key in self.noticed:
            return Verdict.REFUSED
        self.noticed.add(key)
        return Verdict.FIRST_REFUSAL

    def allow(self, key: int) -> bool:
        return self.check(key) is Verdict.ALLOWED

    def prune(self) -> None:
        """Forget keys with no call in the last minute (bounded memory on a long-running bot)."""
        now = self.clock()
        for key in [k for k, window in self.sent.items() if not window or now - window[-1] >= self.WINDOW_S]:
            del self.sent[key]
            self.noticed.discard(key)
