"""The RateLimiter contract (a token bucket per key), run over every adapter.

An adapter joins by adding a `LimiterHarness` for it and its name to the fixture's params.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest

from adapters.clock import ManualClock
from adapters.ratelimit.memory import InMemoryRateLimiter
from core.ports import RateLimiter
from core.ratelimit import MICROS, Policy
from tests.support.redis import open_test_limiter

# Short enough that an adapter on a real clock can sit through an interval.
POLICY = Policy(capacity=3, interval_us=MICROS // 2)
INTERVAL_S = POLICY.interval_us / MICROS


class LimiterHarness:
    """One adapter under test and a way to let its time pass."""

    limiter: RateLimiter

    async def wait(self, seconds: float) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class MemoryLimiterHarness(LimiterHarness):
    def __init__(self) -> None:
        self.clock = ManualClock()
        self.limiter = InMemoryRateLimiter(self.clock)

    async def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)


class RedisLimiterHarness(LimiterHarness):
    """The real server: its own clock (Redis TIME), so waiting is sleeping."""

    async def open(self) -> None:
        self.limiter, self._client = await open_test_limiter()

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        await self._client.aclose()


async def open_limiter_harness(adapter: str) -> LimiterHarness:
    if adapter == "memory":
        return MemoryLimiterHarness()
    if adapter == "redis":
        harness = RedisLimiterHarness()
        await harness.open()
        return harness
    raise LookupError(f"no rate limiter harness for {adapter!r}")


@pytest.fixture(params=["memory", "redis"])
async def limiter_harness(request: pytest.FixtureRequest) -> AsyncIterator[LimiterHarness]:
    harness = await open_limiter_harness(request.param)
    yield harness
    await harness.close()


def fresh_key() -> str:
    """A key no other test (or earlier run on a shared server) has touched."""
    return f"test:{uuid4()}"


async def test_a_fresh_key_grants_exactly_its_capacity_then_denies(
    limiter_harness: LimiterHarness,
) -> None:
    limiter, key = limiter_harness.limiter, fresh_key()
    granted = [(await limiter.acquire(key, POLICY)).allowed for _ in range(POLICY.capacity)]
    assert granted == [True] * POLICY.capacity

    denied = await limiter.acquire(key, POLICY)
    assert not denied.allowed
    assert denied.remaining == 0
    assert 0 < denied.retry_after_s <= INTERVAL_S


async def test_waiting_retry_after_grants_one_more(limiter_harness: LimiterHarness) -> None:
    limiter, key = limiter_harness.limiter, fresh_key()
    for _ in range(POLICY.capacity):
        await limiter.acquire(key, POLICY)
    denied = await limiter.acquire(key, POLICY)

    await limiter_harness.wait(denied.retry_after_s)
    assert (await limiter.acquire(key, POLICY)).allowed
    assert not (await limiter.acquire(key, POLICY)).allowed


async def test_peek_never_consumes(limiter_harness: LimiterHarness) -> None:
    limiter, key = limiter_harness.limiter, fresh_key()
    for _ in range(20):
        assert (await limiter.peek(key, POLICY)).remaining == POLICY.capacity

    await limiter.acquire(key, POLICY)
    for _ in range(20):
        assert (await limiter.peek(key, POLICY)).remaining == POLICY.capacity - 1
    still = [(await limiter.acquire(key, POLICY)).allowed for _ in range(POLICY.capacity)]
    assert still == [True] * (POLICY.capacity - 1) + [False]


async def test_keys_have_separate_buckets(limiter_harness: LimiterHarness) -> None:
    limiter, spent, other = limiter_harness.limiter, fresh_key(), fresh_key()
    for _ in range(POLICY.capacity):
        await limiter.acquire(spent, POLICY)
    assert not (await limiter.acquire(spent, POLICY)).allowed

    granted = [(await limiter.acquire(other, POLICY)).allowed for _ in range(POLICY.capacity)]
    assert granted == [True] * POLICY.capacity


async def test_a_cost_above_capacity_can_never_pass_and_takes_nothing(
    limiter_harness: LimiterHarness,
) -> None:
    limiter, key = limiter_harness.limiter, fresh_key()
    decision = await limiter.acquire(key, POLICY, cost=POLICY.capacity + 1)
    assert not decision.allowed
    assert decision.retry_after_s == float("inf")
    assert (await limiter.peek(key, POLICY)).remaining == POLICY.capacity


async def test_remaining_counts_down_by_the_cost(limiter_harness: LimiterHarness) -> None:
    limiter, key = limiter_harness.limiter, fresh_key()
    first = await limiter.acquire(key, POLICY, cost=2)
    second = await limiter.acquire(key, POLICY)
    assert (first.remaining, second.remaining) == (POLICY.capacity - 2, POLICY.capacity - 3)


async def test_reset_after_grows_by_an_interval_per_token_used(
    limiter_harness: LimiterHarness,
) -> None:
    limiter, key = limiter_harness.limiter, fresh_key()
    assert (await limiter.peek(key, POLICY)).reset_after_s == 0

    resets = [(await limiter.acquire(key, POLICY)).reset_after_s for _ in range(POLICY.capacity)]
    expected = [INTERVAL_S * used for used in range(1, POLICY.capacity + 1)]
    assert resets == pytest.approx(expected, abs=0.05)


async def test_acquire_many_decides_in_order_as_one_acquire_after_another(
    limiter_harness: LimiterHarness,
) -> None:
    a, b = fresh_key(), fresh_key()
    limiter = limiter_harness.limiter
    decisions = await limiter.acquire_many([(a, POLICY)] * 4 + [(b, POLICY)] * 2 + [(a, POLICY)])
    assert [d.allowed for d in decisions] == [True, True, True, False, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert decisions[3].retry_after_s > 0
    # The grants were spent: what is left is what one acquire after another would have left.
    assert (await limiter.peek(a, POLICY)).remaining == 0
    assert (await limiter.peek(b, POLICY)).remaining == 1
    assert await limiter.acquire_many([]) == []


async def test_acquire_many_concurrent_calls_never_grant_past_the_capacity(
    limiter_harness: LimiterHarness,
) -> None:
    key = fresh_key()
    limiter = limiter_harness.limiter
    calls = await asyncio.gather(*(limiter.acquire_many([(key, POLICY)] * 2) for _ in range(4)))
    granted = sum(d.allowed for decisions in calls for d in decisions)
    assert granted == POLICY.capacity
