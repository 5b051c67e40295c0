"""The token bucket in memory: one TAT per key in a dict, decided by `core.ratelimit.decide`."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.clock import to_micros
from core.ports import Clock
from core.ratelimit import Decision, Policy, decide


class InMemoryRateLimiter:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        # Keys are never dropped: forgetting a full bucket's TAT is only equivalent to keeping it
        # while the clock never goes back, and keys (one per creator or user) are few anyway.
        self._tats: dict[str, int] = {}

    async def acquire(self, key: str, policy: Policy, cost: int = 1) -> Decision:
        decision, new_tat = decide(self._tats.get(key), policy, self._now_us(), cost)
        if new_tat is not None:
            self._tats[key] = new_tat
        return decision

    async def acquire_many(self, requests: Sequence[tuple[str, Policy]]) -> list[Decision]:
        return [await self.acquire(key, policy) for key, policy in requests]

    async def peek(self, key: str, policy: Policy) -> Decision:
        decision, _ = decide(self._tats.get(key), policy, self._now_us(), cost=0)
        return decision

    def _now_us(self) -> int:
        return to_micros(self._clock.now())
