"""Fan use cases: create, list (search, filter, sort), get, top; updates are in fan_updates."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from core.checks import check_text, check_time
from core.errors import Invalid, NotFound
from core.models import MAX_BIGINT, MAX_HANDLE_LENGTH, Fan, Page, Platform
from core.paging import check_page
from core.ports import Clock, FanQuery, Storage

MAX_TOP = 100
MAX_SEARCH_LENGTH = 100
# The columns' sizes: longer would be a database error (a 500) on PostgreSQL, not a 400.
MAX_NAME_LENGTH = 255
MAX_EMAIL_LENGTH = 320
MAX_NOTES_LENGTH = 10_000
MAX_TAG_LENGTH = 64
MAX_TAGS = 50
MAX_VALUE_CENTS = MAX_BIGINT
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


def check_tags(raw: frozenset[str]) -> frozenset[str]:
    tags = frozenset(tag.strip() for tag in raw if tag.strip())
    if len(tags) > MAX_TAGS:
        raise Invalid(f"a fan carries at most {MAX_TAGS} tags", field="tags")
    for tag in tags:
        check_text(tag, "tags", MAX_TAG_LENGTH)
    return tags


def check_email(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    email = check_text(raw.strip(), "email", MAX_EMAIL_LENGTH) or ""
    if not _EMAIL.fullmatch(email):
        raise Invalid(f"email {email!r} is malformed", field="email")
    return email


def check_value_cents(value: int) -> int:
    if value < 0:
        raise Invalid("valueCents must not be negative", field="valueCents")
    if value > MAX_VALUE_CENTS:
        raise Invalid(f"valueCents is above {MAX_VALUE_CENTS}", field="valueCents")
    return value


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
        check_value_cents(self.value_cents)
        return Fan(
            id=None,
            user_id=user_id,
            platform=self.platform,
            handle=normalize_handle(self.handle),
            name=check_text(self.name, "name", MAX_NAME_LENGTH),
            email=check_email(self.email),
            tags=check_tags(self.tags),
            notes=check_text(self.notes, "notes", MAX_NOTES_LENGTH),
            value_cents=self.value_cents,
            subscribed_at=check_time(self.subscribed_at, "subscribedAt"),
            last_active_at=check_time(self.last_active_at, "lastActiveAt"),
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
        check_page(query.limit, query.offset)
        search = check_text((query.search or "").strip(), "search", MAX_SEARCH_LENGTH)
        # Tags are stored trimmed, so a filter is trimmed the same way; blanks filter nothing.
        tags = check_tags(query.tags)
        query = replace(query, search=search or None, tags=tags)
        async with self._storage.begin() as uow:
            return await uow.fans.list(user_id, query)


class TopFans:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, limit: int = 10) -> list[Fan]:
        """The creator's biggest spenders; fans who spent nothing are not on the list."""
        if not 1 <= limit <= MAX_TOP:
            raise Invalid(f"limit must be between 1 and {MAX_TOP}", field="limit")
        async with self._storage.begin() as uow:
            return await uow.fans.top(user_id, limit)


class GetFan:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, fan_id: int) -> Fan:
        async with self._storage.begin() as uow:
            fan = await uow.fans.get(user_id, fan_id)
        if fan is None:
            raise NotFound(f"fan {fan_id} not found")
        return fan
