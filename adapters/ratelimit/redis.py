"""The token bucket in Redis, one bucket per key shared by every process, worker and Lambda.

The arithmetic is `core.ratelimit.decide`, run atomically in Redis by gcra.lua (Redis TIME is the
only clock); concurrent decisions share round trips (coalesce.py). A Redis out of reach is
`Unavailable`: the API limit then fails open, the consumer defers (fails closed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from importlib.resources import files

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, ReadOnlyError, ResponseError, TimeoutError

from adapters.ratelimit.coalesce import CoalescingScript
from core.errors import Unavailable
from core.ratelimit import Decision, Policy

SCRIPT = (files("adapters.ratelimit") / "gcra.lua").read_text()

# A Redis in the same network answers in about a millisecond: a second means it is gone, and the
# API limit should fail open now rather than hold the request.
TIMEOUT_S = 1.0
# Decisions coalesce, so a process keeps about two connections busy (one call, one batch); the
# cap bounds the rest (health probes, reconnects), and past it callers wait for a free one.
MAX_CONNECTIONS = 8
# One immediate retry on a fresh connection: after Redis restarts, every pooled connection is dead
# but the next one connects, so a single stale socket never shows as an outage.
RETRY = Retry(NoBackoff(), retries=1)
# A replica promoted by a failover answers READONLY until clients follow: out of reach for us.
UNREACHABLE = (ConnectionError, TimeoutError, ReadOnlyError, OSError)
# A Redis that answers but refuses the script (OOM, MASTERDOWN, CLUSTERDOWN, BUSY) cannot decide
# either: the API limit fails open on it and the consumer defers, as when it is out of reach.
# (NOSCRIPT never gets here: the coalescer loads the script and runs it again.)
REFUSED = (*UNREACHABLE, ResponseError)


def connect_redis(url: str, max_connections: int = MAX_CONNECTIONS) -> Redis:
    """A client over a blocking pool, one per process (the container's resource).

    Connections open on first use, so a process starts while Redis is down and recovers without
    a restart when it comes back.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=TIMEOUT_S,
        socket_connect_timeout=TIMEOUT_S,
        socket_timeout=TIMEOUT_S,
        retry=RETRY,
    )
    return Redis.from_pool(pool)


async def open_redis(url: str | None) -> AsyncIterator[RedisRateLimiter | None]:
    """The Redis bucket's client; nothing when REDIS_URL is unset.

    The container opens every resource, selected or not: without a URL there is nothing to open.
    """
    if url is None:
        yield None
        return
    client = connect_redis(url)
    try:
        yield RedisRateLimiter(client)
    finally:
        await client.aclose()


class RedisRateLimiter:
    def __init__(self, client: Redis) -> None:
        self._script = CoalescingScript(client, SCRIPT)

    async def acquire(self, key: str, policy: Policy, cost: int = 1) -> Decision:
        if cost < 0:
            raise ValueError("cost must be >= 0")
        return await self._decide(key, (policy.capacity, policy.interval_us, cost))

    async def peek(self, key: str, policy: Policy) -> Decision:
        return await self._decide(key, (policy.capacity, policy.interval_us, 0))

    async def acquire_many(self, requests: Sequence[tuple[str, Policy]]) -> list[Decision]:
        """One pipeline of script runs, in order: each an atomic decision, one round trip all."""
        calls = [(_key(key), (policy.capacity, policy.interval_us, 1)) for key, policy in requests]
        try:
            replies = await self._script.many(calls)
        except UNREACHABLE as exc:
            raise Unavailable(f"Redis unreachable: {exc}") from exc
        except REFUSED as exc:
            raise Unavailable(f"Redis refused the decisions: {exc}") from exc
        refused = [reply for reply in replies if isinstance(reply, Exception)]
        if refused:
            # Fail closed for the whole call: a token granted next to a refusal is only wasted.
            raise Unavailable(f"Redis refused a decision: {refused[0]}")
        return [_decision(reply) for reply in replies]

    async def acquire_at(self, key: str, policy: Policy, now_us: int, cost: int = 1) -> Decision:
        """Tests only: the script on `now_us`, not Redis TIME, to compare it with the model."""
        return await self._decide(key, (policy.capacity, policy.interval_us, cost, now_us))

    async def _decide(self, key: str, args: Sequence[int]) -> Decision:
        try:
            reply = await self._script(_key(key), args)
        except UNREACHABLE as exc:
            raise Unavailable(f"Redis unreachable: {exc}") from exc
        except REFUSED as exc:
            raise Unavailable(f"Redis refused the decision: {exc}") from exc
        return _decision(reply)


def _key(key: str) -> str:
    return f"rl:{{{key}}}"


def _decision(reply: Sequence[int]) -> Decision:
    allowed, remaining, retry_after_us, reset_after_us = reply
    return Decision(
        allowed == 1, remaining, None if retry_after_us < 0 else retry_after_us, reset_after_us
    )
