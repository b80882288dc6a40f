"""Answer budgets without Telegram: a sliding minute per key, one notice per flood."""

from __future__ import annotations

from bot.ratelimit import RateLimit, Verdict
from tests.telegram_harness import FakeClock


def test_budget_per_key_over_a_sliding_minute_with_one_notice():
    clock = FakeClock(1000.0)
    limit = RateLimit(3, clock)
    assert [limit.check(1) for _ in range(3)] == [Verdict.ALLOWED] * 3
    assert [limit.check(1) for _ in range(3)] == [Verdict.FIRST_REFUSAL, Verdict.REFUSED, Verdict.REFUSED]
    assert limit.check(2) is Verdict.ALLOWED               # another key has its own budget
    clock.advance(59.9)
    assert limit.check(1) is Verdict.REFUSED
    clock.advance(0.1)                                      # the first three leave the window
    assert limit.check(1) is Verdict.ALLOWED
    assert [limit.check(1) for _ in range(3)] == [Verdict.ALLOWED, Verdict.ALLOWED, Verdict.FIRST_REFUSAL]


def test_zero_means_no_limit_and_idle_keys_are_forgotten():
    clock = FakeClock(0.0)
    assert all(RateLimit(0, clock).allow(7) for _ in range(1000))
    limit = RateLimit(1, clock)
    limit.PRUNE_ABOVE = 10
    for key in range(20):
        limit.check(key)
    clock.advance(61)
    limit.check(99)
    assert set(limit.sent) == {99}
