"""The fan record, a new fan as a client describes it, and the rules every fan meets."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from core.checks import MAX_BIGINT, check_text, check_time
from core.errors import Invalid


class Platform(enum.StrEnum):
    ONLYFANS = "onlyfans"
    FANSLY = "fansly"
    PATREON = "patreon"
    OTHER = "other"


MAX_HANDLE_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Fan:
    id: int | None
    user_id: str
    platform: Platform
    handle: str
    name: str | None = None
    email: str | None = None
    tags: frozenset[str] = frozenset()
    notes: str | None = None
    value_cents: int = 0
    subscribed_at: datetime | None = None
    last_active_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Set by the bridge's `fan.unsubscribed`, cleared by `fan.subscribed`.
    unsubscribed_at: datetime | None = None


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


def check_search(raw: str | None) -> str | None:
    """A search as lists take it: trimmed, None when blank (it filters nothing)."""
    return check_text((raw or "").strip(), "search", MAX_SEARCH_LENGTH) or None


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
