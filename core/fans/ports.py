"""What the fan use cases need of storage."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.audit import AuditRepository
from core.fans.records import Fan, Platform
from core.paging import Page
from core.ports import Storage


class FanSort(enum.StrEnum):
    """A fan list's order; `-` means descending. Ties go by id, in the same direction."""

    CREATED = "created"
    NEWEST = "-created"
    VALUE = "value"
    TOP_VALUE = "-value"
    # A fan never seen active (no last_active_at) is the least recently active of all.
    LEAST_RECENTLY_ACTIVE = "lastActive"
    MOST_RECENTLY_ACTIVE = "-lastActive"


@dataclass(frozen=True, slots=True)
class FanQuery:
    limit: int = 50
    offset: int = 0
    platform: Platform | None = None
    # A case-insensitive substring of the handle, the name or the email.
    search: str | None = None
    # Only fans that carry every one of these tags.
    tags: frozenset[str] = frozenset()
    sort: FanSort = FanSort.CREATED


class FanRepository(Protocol):
    async def add(self, fan: Fan) -> Fan: ...

    async def get(self, user_id: str, fan_id: int, *, for_update: bool = False) -> Fan | None:
        """With `for_update`, the row stays locked until the transaction ends (PostgreSQL)."""
        ...

    async def top(self, user_id: str, limit: int) -> list[Fan]:
        """The fans who spent the most (value_cents > 0), highest first."""
        ...

    # After the methods annotated with the builtin `list`: this `list` shadows it below.
    async def list(self, user_id: str, query: FanQuery) -> Page[Fan]: ...

    async def update(self, fan: Fan) -> bool:
        """Write every field of the tenant's fan `fan.id`; False when there is no such fan.

        A handle already taken by another of the tenant's fans on that platform is a Conflict.
        """
        ...

    async def delete(self, user_id: str, fan_id: int) -> bool:
        """Remove the fan with its conversations and messages; False when there is none."""
        ...

    async def find_by_handle(self, user_id: str, platform: Platform, handle: str) -> Fan | None:
        """The tenant's fan with that (normalised) handle on that platform."""
        ...

    async def add_value(self, user_id: str, fan_id: int, amount_cents: int, now: datetime) -> bool:
        """value_cents += amount in one UPDATE, so concurrent purchases all count; False (and
        no change) when the tenant has no such fan or the sum would pass MAX_VALUE_CENTS."""
        ...

    async def record_activity(self, user_id: str, fan_id: int, at: datetime, now: datetime) -> None:
        """last_active_at moved to `at` (and updated_at to `now`) unless it is already later."""
        ...

    async def set_subscription(
        self,
        user_id: str,
        fan_id: int,
        now: datetime,
        *,
        subscribed_at: datetime | None = None,
        unsubscribed_at: datetime | None = None,
    ) -> bool:
        """By the events' times, whatever their arrival order. Given `subscribed_at`: kept when
        later than the one stored (the latest subscribe counts), and clears an unsubscribed_at
        not later than it (a fan who comes back). Given `unsubscribed_at`: set when later than
        both dates stored, keeping subscribed_at (when they joined still counts).
        False when the tenant has no such fan."""
        ...


class FanStore(Protocol):
    """One transaction, as the fans use cases see it."""

    fans: FanRepository
    audit: AuditRepository


FanStorage = Storage[FanStore]
