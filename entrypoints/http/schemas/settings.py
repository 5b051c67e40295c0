"""Account settings schemas: bounds in the schema (the published contract); the core checks them
again, with the rules a schema cannot state (an IANA zone, a window that is not empty)."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from core.errors import Invalid
from core.planning import QuietHours
from core.settings import AccountSettings, SettingsChanges
from core.settings.records import (
    MAX_BLOCKED_WORD_LENGTH,
    MAX_BLOCKED_WORDS,
    MAX_BURST,
    MAX_RATE,
    MIN_BURST,
    MIN_RATE,
)
from entrypoints.http.schemas import Body, Schema, not_blank

_WALL = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Wall = Annotated[str, msgspec.Meta(pattern=_WALL.pattern)]
Zone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]
Rate = Annotated[int, msgspec.Meta(ge=MIN_RATE, le=MAX_RATE)]
Burst = Annotated[int, msgspec.Meta(ge=MIN_BURST, le=MAX_BURST)]
Words = Annotated[
    list[not_blank(MAX_BLOCKED_WORD_LENGTH)],  # type: ignore[misc]
    msgspec.Meta(max_length=MAX_BLOCKED_WORDS),
]


class QuietHoursBody(Body):
    """A daily window of local time, `HH:MM`; `start` after `end` runs across midnight."""

    start: Wall
    end: Wall

    def to_core(self) -> QuietHours:
        start, end = _wall(self.start, "quietHours.start"), _wall(self.end, "quietHours.end")
        if start == end:
            raise Invalid("quietHours.end must differ from its start", field="quietHours.end")
        return QuietHours(start, end)


def _wall(value: str, name: str) -> time:
    if not _WALL.match(value):
        raise Invalid(f"{name} must be a local time HH:MM", field=name)
    return time.fromisoformat(value)


class SettingsPatchBody(Body):
    """Only the fields present change; `quietHours: null` removes the window."""

    time_zone: Zone | UnsetType = UNSET
    quiet_hours: QuietHoursBody | UnsetType | None = UNSET
    rate_per_minute: Rate | UnsetType = UNSET
    burst: Burst | UnsetType = UNSET
    blocked_words: Words | UnsetType = UNSET

    def to_core(self) -> SettingsChanges:
        given: dict[str, Any] = {}
        if not isinstance(self.time_zone, UnsetType):
            given["time_zone"] = self.time_zone
        if not isinstance(self.quiet_hours, UnsetType):
            given["quiet_hours"] = self.quiet_hours.to_core() if self.quiet_hours else None
        if not isinstance(self.rate_per_minute, UnsetType):
            given["rate_per_minute"] = self.rate_per_minute
        if not isinstance(self.burst, UnsetType):
            given["burst"] = self.burst
        if not isinstance(self.blocked_words, UnsetType):
            given["blocked_words"] = tuple(self.blocked_words)
        return SettingsChanges(**given)


class QuietHoursView(Schema):
    start: str
    end: str


class SettingsView(Schema):
    time_zone: str
    quiet_hours: QuietHoursView | None
    rate_per_minute: int
    burst: int
    blocked_words: list[str]
    updated_at: datetime | None

    @classmethod
    def of(cls, settings: AccountSettings) -> SettingsView:
        quiet = settings.quiet_hours
        return cls(
            time_zone=settings.time_zone,
            quiet_hours=QuietHoursView(quiet.start.strftime("%H:%M"), quiet.end.strftime("%H:%M"))
            if quiet
            else None,
            rate_per_minute=settings.rate_per_minute,
            burst=settings.burst,
            blocked_words=list(settings.blocked_words),
            updated_at=settings.updated_at,
        )
