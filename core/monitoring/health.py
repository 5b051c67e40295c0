"""Health of the parts messaging depends on: database, queue and rate limiter."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime

from core.messaging import MessageQueue, MessagingConfig, MessagingStorage, OutboundCounts
from core.ports import Clock, RateLimiter
from core.ratelimit import Policy

_PROBE_KEY = "health:probe"


@dataclass(frozen=True, slots=True)
class ComponentHealth:
    healthy: bool
    latency_ms: float
    reason: str | None = None
    queue_depth: int | None = None  # the caller's own messages waiting, never the shared queue's


@dataclass(frozen=True, slots=True)
class HealthReport:
    healthy: bool
    timestamp: datetime
    database: ComponentHealth
    queue: ComponentHealth
    rate_limiter: ComponentHealth
    rate_limiter_enabled: bool


@dataclass(frozen=True, slots=True)
class CheckHealth:
    storage: MessagingStorage
    queue: MessageQueue
    limiter: RateLimiter
    clock: Clock
    config: MessagingConfig

    async def execute(self, user_id: str) -> HealthReport:
        database = await _probe(self.storage.ping())
        queue = await self._queue_health(user_id if database.healthy else None)
        limiter = await _probe(self.limiter.peek(_PROBE_KEY, Policy(1, 1)))
        return HealthReport(
            healthy=database.healthy and queue.healthy and limiter.healthy,
            timestamp=self.clock.now(),
            database=database,
            queue=queue,
            rate_limiter=limiter,
            rate_limiter_enabled=self.config.enabled,
        )

    async def _queue_health(self, user_id: str | None) -> ComponentHealth:
        """Reachability of the shared queue; the depth shown is the caller's own backlog."""
        started = time.perf_counter()
        try:
            await self.queue.stats()
        except Exception as exc:
            return ComponentHealth(False, _since(started), f"{type(exc).__name__}: {exc}")
        latency = _since(started)
        return ComponentHealth(True, latency, queue_depth=await self._waiting(user_id))

    async def _waiting(self, user_id: str | None) -> int | None:
        if user_id is None:
            return None
        async with self.storage.begin() as uow:
            counts = OutboundCounts.of(await uow.messages.count_outbound_by_status(user_id))
        return counts.waiting


async def _probe(check: Awaitable[object]) -> ComponentHealth:
    started = time.perf_counter()
    try:
        await check
    except Exception as exc:
        return ComponentHealth(False, _since(started), f"{type(exc).__name__}: {exc}")
    return ComponentHealth(True, _since(started))


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
