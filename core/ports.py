"""What every feature shares of the outside: transactions, the clock, metrics, the rate limiter.

Each feature's own ports sit beside it (core/<feature>/ports.py), with the unit of work it needs:
`Storage[FanStore]` is a storage whose transactions offer what the fan use cases use, no more.
Adapters conform structurally, without importing these; the contract tests prove that they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol, TypeVar

from core.ratelimit import Decision, Policy


class RateLimiter(Protocol):
    async def acquire(self, key: str, policy: Policy, cost: int = 1) -> Decision: ...

    async def peek(self, key: str, policy: Policy) -> Decision: ...

    async def acquire_many(self, requests: Sequence[tuple[str, Policy]]) -> list[Decision]:
        """One token for each (key, policy), decided in order, each atomically as `acquire`, in
        one round trip; raises `Unavailable` when any of them could not be decided."""
        ...


UnitOfWork = TypeVar("UnitOfWork", covariant=True)


class Storage(Protocol[UnitOfWork]):
    def begin(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """One transaction: committed when the block exits normally, rolled back when it raises."""
        ...

    async def ping(self) -> None: ...


class Metrics(Protocol):
    def increment(self, name: str, value: float = 1, **dims: str) -> None: ...

    def gauge(self, name: str, value: float, **dims: str) -> None: ...

    def timing(self, name: str, ms: float, **dims: str) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC."""
        ...
