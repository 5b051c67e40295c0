"""What the Redis bucket promises beyond the contract: one bucket for every process, on one clock.

Runs on the shared Redis with keys of its own, and on private `redis-server`s where it must be
stopped or emptied.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from adapters.ratelimit.redis import RedisRateLimiter, connect_redis
from core.errors import Unavailable
from core.ratelimit import MICROS, Policy
from tests.support.redis import PrivateRedis, open_test_limiter

# No refill during a test: every grant comes out of the burst.
HOURLY = Policy(capacity=10, interval_us=360 * MICROS)
SKEW_S = 7 * 60


@pytest.fixture
async def limiter() -> AsyncIterator[RedisRateLimiter]:
    limiter, client = await open_test_limiter()
    yield limiter
    await client.aclose()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def fresh_key() -> str:
    return f"test:{uuid4()}"


async def test_500_concurrent_acquirers_on_a_fresh_key_get_exactly_the_capacity(
    limiter: RedisRateLimiter,
) -> None:
    key = fresh_key()
    other_limiter, other_client = await open_test_limiter()  # a second pool, as another process
    try:
        decisions = await asyncio.gather(
            *((limiter if i % 2 else other_limiter).acquire(key, HOURLY) for i in range(500))
        )
    finally:
        await other_client.aclose()
    assert sum(d.allowed for d in decisions) == HOURLY.capacity


async def test_clients_whose_clocks_differ_by_minutes_get_no_extra_tokens(
    limiter: RedisRateLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hazard: a bucket fed each client's own clock hands the client that runs ahead a
    # refilled bucket (the test-only `now` stands in for such a design).
    naive, now_us = fresh_key(), time.time_ns() // 1_000
    on_time = [(await limiter.acquire_at(naive, HOURLY, now_us)).allowed for _ in range(10)]
    ahead = [
        (await limiter.acquire_at(naive, HOURLY, now_us + SKEW_S * MICROS)).allowed
        for _ in range(10)
    ]
    assert sum(on_time) + sum(ahead) > HOURLY.capacity

    key = fresh_key()
    other_limiter, other_client = await open_test_limiter()
    try:
        first = [(await limiter.acquire(key, HOURLY)).allowed for _ in range(10)]
        real_time, real_time_ns = time.time, time.time_ns
        monkeypatch.setattr(time, "time", lambda: real_time() + SKEW_S)
        monkeypatch.setattr(time, "time_ns", lambda: real_time_ns() + SKEW_S * 1_000_000_000)
        second = [(await other_limiter.acquire(key, HOURLY)).allowed for _ in range(10)]
    finally:
        await other_client.aclose()
    assert sum(first) + sum(second) == HOURLY.capacity


async def test_the_bucket_is_one_key_that_lives_until_the_bucket_is_full_again(
    limiter: RedisRateLimiter,
) -> None:
    key = fresh_key()
    _, client = await open_test_limiter()
    try:
        granted = await limiter.acquire(key, HOURLY, cost=3)
        ttl_ms = await client.pttl(f"rl:{{{key}}}")
        assert granted.reset_after_us // 1_000 - 1_000 <= ttl_ms <= granted.reset_after_us // 1_000

        # A denial and a peek write nothing: the stored TAT and its expiry stay as they were.
        stored = await client.get(f"rl:{{{key}}}")
        assert not (await limiter.acquire(key, HOURLY, cost=8)).allowed
        await limiter.peek(key, HOURLY)
        assert await client.get(f"rl:{{{key}}}") == stored
        assert await client.pttl(f"rl:{{{key}}}") <= ttl_ms
        assert await client.exists(f"rl:{{{fresh_key()}}}") == 0
    finally:
        await client.delete(f"rl:{{{key}}}")
        await client.aclose()


async def test_concurrent_decisions_share_round_trips(private_redis: PrivateRedis) -> None:
    client = connect_redis(private_redis.url)
    limiter, key = RedisRateLimiter(client), fresh_key()
    try:
        decisions = await asyncio.gather(*(limiter.acquire(key, HOURLY) for _ in range(300)))
        stats = await client.info("stats")
    finally:
        await client.aclose()
    assert sum(d.allowed for d in decisions) == HOURLY.capacity
    # One EVALSHA went alone, the 299 that came while it was out left in one pipeline after it:
    # two connections at most, where a call per request would have filled the pool.
    assert stats["total_connections_received"] <= 3  # and this INFO's own


async def test_a_caller_cancelled_while_it_waits_leaves_the_others_served(
    limiter: RedisRateLimiter,
) -> None:
    key = fresh_key()
    calls = [asyncio.create_task(limiter.acquire(key, HOURLY)) for _ in range(6)]
    await asyncio.sleep(0)  # all six asked: the first is out, five wait for it
    calls[3].cancel()
    done = await asyncio.gather(*calls, return_exceptions=True)

    assert isinstance(done[3], asyncio.CancelledError)
    assert all(d.allowed for i, d in enumerate(done) if i != 3)
    assert (await limiter.acquire(key, HOURLY)).allowed  # nothing is left stuck


async def test_an_unreachable_redis_is_unavailable_to_every_caller(
    private_redis: PrivateRedis,
) -> None:
    private_redis.stop()
    client = connect_redis(private_redis.url)
    limiter = RedisRateLimiter(client)
    try:
        with pytest.raises(Unavailable):
            await limiter.acquire(fresh_key(), HOURLY)
        with pytest.raises(Unavailable):
            await limiter.peek(fresh_key(), HOURLY)
        together = await asyncio.gather(
            *(limiter.acquire(fresh_key(), HOURLY) for _ in range(50)), return_exceptions=True
        )
        assert all(isinstance(outcome, Unavailable) for outcome in together)
    finally:
        await client.aclose()


async def test_the_same_client_recovers_when_redis_comes_back_empty(
    private_redis: PrivateRedis,
) -> None:
    client = connect_redis(private_redis.url)
    limiter, key = RedisRateLimiter(client), fresh_key()
    try:
        assert (await limiter.acquire(key, HOURLY)).allowed  # a fresh server: loads the script
        private_redis.stop()
        with pytest.raises(Unavailable):
            await limiter.acquire(key, HOURLY)

        private_redis.start()  # no data, no scripts: the client reconnects and reloads
        decision = await limiter.acquire(key, HOURLY)
        assert decision.allowed
        assert decision.remaining == HOURLY.capacity - 1

        await client.script_flush()
        assert (await limiter.acquire(key, HOURLY)).remaining == HOURLY.capacity - 2

        # Emptied again while callers queue behind one under way: the batch reloads it too.
        queued = await asyncio.gather(
            *(limiter.acquire(key, HOURLY) for _ in range(5)), client.script_flush()
        )
        assert sorted(d.remaining for d in queued[:5]) == list(
            range(HOURLY.capacity - 7, HOURLY.capacity - 2)
        )
    finally:
        await client.aclose()


async def test_a_redis_that_refuses_the_script_is_unavailable_like_one_out_of_reach(
    private_redis: PrivateRedis,
) -> None:
    client = connect_redis(private_redis.url)
    limiter, key = RedisRateLimiter(client), fresh_key()
    try:
        await limiter.acquire(key, HOURLY)  # loads the script while there is room
        # Out of memory with nothing to evict: Redis answers, but refuses every write ("OOM").
        await client.config_set("maxmemory-policy", "noeviction")
        await client.config_set("maxmemory", "1")
        with pytest.raises(Unavailable, match="refused"):
            await limiter.acquire(fresh_key(), HOURLY)
    finally:
        await client.config_set("maxmemory", "0")
        await client.aclose()


async def test_acquire_many_reloads_a_flushed_script_and_fails_closed_when_redis_is_gone(
    private_redis: PrivateRedis,
) -> None:
    client = connect_redis(private_redis.url)
    limiter, key = RedisRateLimiter(client), fresh_key()
    try:
        await client.script_flush()  # the pipeline meets NOSCRIPT: it loads and sends those again
        decisions = await limiter.acquire_many([(key, HOURLY)] * 3)
        assert [d.remaining for d in decisions] == [HOURLY.capacity - n for n in (1, 2, 3)]
        private_redis.stop()
        with pytest.raises(Unavailable):
            await limiter.acquire_many([(key, HOURLY), (fresh_key(), HOURLY)])
    finally:
        await client.aclose()
