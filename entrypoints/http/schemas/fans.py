"""Fan schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from core.fans import (
    KEEP,
    MAX_HANDLE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    Fan,
    FanChanges,
    NewFan,
    Platform,
)
from core.fans.records import MAX_EMAIL_LENGTH
from entrypoints.http.schemas import SPACE, Body, Cents, Schema, text

# The core's rules, said in the schema so the published contract states them: a handle is
# trimmed, loses one leading `@` and is lower-cased; an email may be blank (none) or well formed.
Handle = Annotated[
    str, msgspec.Meta(pattern=rf"^[{SPACE}]*@?[A-Za-z0-9._-]{{1,{MAX_HANDLE_LENGTH}}}[{SPACE}]*$")
]
_PART = rf"[^@\x00{SPACE}]+"
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_EMAIL_LENGTH,
        pattern=rf"^[{SPACE}]*$|^[{SPACE}]*{_PART}@{_PART}\.{_PART}[{SPACE}]*$",
    ),
]
Name, Notes = text(MAX_NAME_LENGTH), text(MAX_NOTES_LENGTH)
Tags = Annotated[list[text(MAX_TAG_LENGTH)], msgspec.Meta(max_length=MAX_TAGS)]  # type: ignore[misc]

# A time without a zone is ambiguous: a 400 naming the field, not a guess (or a 500) later.
ZonedTime = Annotated[datetime, msgspec.Meta(tz=True)]


class FanBody(Body):
    platform: Platform
    handle: Handle
    name: Name | None = None
    email: Email | None = None
    tags: Tags = []
    notes: Notes | None = None
    value_cents: Cents = 0
    subscribed_at: ZonedTime | None = None
    last_active_at: ZonedTime | None = None

    def to_core(self) -> NewFan:
        return NewFan(
            platform=self.platform,
            handle=self.handle,
            name=self.name,
            email=self.email,
            tags=frozenset(self.tags),
            notes=self.notes,
            value_cents=self.value_cents,
            subscribed_at=self.subscribed_at,
            last_active_at=self.last_active_at,
        )


class FanPatchBody(Body):
    """Only the fields present change; `null` clears an optional field."""

    platform: Platform | UnsetType = UNSET
    handle: Handle | UnsetType = UNSET
    name: Name | UnsetType | None = UNSET
    email: Email | UnsetType | None = UNSET
    tags: Tags | UnsetType = UNSET
    notes: Notes | UnsetType | None = UNSET
    value_cents: Cents | UnsetType = UNSET
    subscribed_at: ZonedTime | UnsetType | None = UNSET
    last_active_at: ZonedTime | UnsetType | None = UNSET

    def given_fields(self) -> list[str]:
        """The names (as in the body) of the fields present."""
        fields = msgspec.structs.fields(self)
        return [f.encode_name for f in fields if getattr(self, f.name) is not UNSET]

    def to_core(self) -> FanChanges:
        changes: dict[str, Any] = {}
        for name in self.__struct_fields__:
            value = getattr(self, name)
            changes[name] = KEEP if value is UNSET else value
        if isinstance(self.tags, list):
            changes["tags"] = frozenset(self.tags)
        return FanChanges(**changes)


class FanView(Schema):
    id: int
    platform: str
    handle: str
    name: str | None
    email: str | None
    tags: list[str]
    notes: str | None
    value_cents: int
    subscribed_at: datetime | None
    last_active_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    unsubscribed_at: datetime | None = None  # set by the bridge's `fan.unsubscribed`

    @classmethod
    def of(cls, f: Fan) -> FanView:
        assert f.id is not None
        return cls(
            id=f.id,
            platform=f.platform,
            handle=f.handle,
            name=f.name,
            email=f.email,
            tags=sorted(f.tags),
            notes=f.notes,
            value_cents=f.value_cents,
            subscribed_at=f.subscribed_at,
            last_active_at=f.last_active_at,
            created_at=f.created_at,
            updated_at=f.updated_at,
            unsubscribed_at=f.unsubscribed_at,
        )


class FanPage(Schema):
    items: list[FanView]
    total: int
    limit: int
    offset: int


class FanList(Schema):
    items: list[FanView]
