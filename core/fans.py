"""Fan use cases: just enough CRM to have recipients (create, list, get)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.errors import Invalid, NotFound
from core.models import MAX_HANDLE_LENGTH, Fan, Page, Platform
from core.ports import Clock, FanQuery, Storage

MAX_PAGE_SIZE = 200
_HANDLE = re.compile(r"[a-z0-9._-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalize_handle(raw: str) -> str:
    """Trimmed, without a leading `@`, lower-cased; raises Invalid naming `handle` otherwise."""
    handle = raw.strip().removeprefix("@").lower()
    if not handle:
        raise Invalid("handle must not be empty", field="handle")
    if len(handle) > MAX_HANDLE_LENGTH:
        raise Invalid(f"handle is longer than {MAX_HANDLE_LENGTH} characters", field="handle")
    if not _HANDLE.fullmatch(handle):
        raise Invalid("handle may hold only letters, digits, '.', '_' and '-'", field="handle")
    return handle


def check_email(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    email = raw.strip()
    if not _EMAIL.fullmatch(email):
        raise Invalid(f"email {email!r} is malformed", field="email")
    return email


@dataclass(frozen=True, slots=True)
class NewFan:
    platform: Platform
    handle: str
    name: str | None = None
    email: str | None = None
    tags: frozenset[str] = frozenset()
    notes: str | None = None
    value_cents: int = 0
    subscribed_at: datetime | None = None
    last_active_at: datetime | None = None

    def to_fan(self, user_id: str, now: datetime) -> Fan:
        if self.value_cents < 0:
            raise Invalid("valueCents must not be negative", field="valueCents")
        return Fan(
            id=None,
            user_id=user_id,
            platform=self.platform,
            handle=normalize_handle(self.handle),
            name=self.name,
            email=check_email(self.email),
            tags=frozenset(tag.strip() for tag in self.tags if tag.strip()),
            notes=self.notes,
            value_cents=self.value_cents,
            subscribed_at=self.subscribed_at,
            last_active_at=self.last_active_at,
            created_at=now,
            updated_at=now,
        )


class CreateFan:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    async def execute(self, user_id: str, new: NewFan) -> Fan:
        fan = new.to_fan(user_id, self._clock.now())
        async with self._storage.begin() as uow:
            return await uow.fans.add(fan)


class ListFans:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, query: FanQuery) -> Page[Fan]:
        if not 1 <= query.limit <= MAX_PAGE_SIZE:
            raise Invalid(f"limit must be between 1 and {MAX_PAGE_SIZE}", field="limit")
        if query.offset < 0:
            raise Invalid("offset must not be negative", field="offset")
        async with self._storage.begin() as uow:
            return await uow.fans.list(user_id, query)


class GetFan:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, fan_id: int) -> Fan:
        async with self._storage.begin() as uow:
            fan = await uow.fans.get(user_id, fan_id)
        if fan is None:
            raise NotFound(f"fan {fan_id} not found")
        return fan
