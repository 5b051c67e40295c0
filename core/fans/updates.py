"""Changing a fan: replace it (PUT), change some fields (PATCH), delete it."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta

from core.accounts import Author
from core.audit import AuditEntry, Detail, field_list
from core.errors import PreconditionFailed, found, removed
from core.fans.ports import FanStorage
from core.fans.records import Fan, NewFan, Platform
from core.ports import Clock


class Keep(enum.Enum):
    """A field a change leaves as it is (None is a value: it clears the field)."""

    KEEP = enum.auto()


KEEP = Keep.KEEP
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EDITABLE = tuple(f.name for f in fields(NewFan))


@dataclass(frozen=True, slots=True)
class FanChanges:
    """The fields to change; the others keep their value. Validated as a new fan would be."""

    platform: Platform | Keep = KEEP
    handle: str | Keep = KEEP
    name: str | Keep | None = KEEP
    email: str | Keep | None = KEEP
    tags: frozenset[str] | Keep = KEEP
    notes: str | Keep | None = KEEP
    value_cents: int | Keep = KEEP
    subscribed_at: datetime | Keep | None = KEEP
    last_active_at: datetime | Keep | None = KEEP

    @classmethod
    def replacing(cls, new: NewFan) -> FanChanges:
        """Every field changes: what a PUT means."""
        return cls(**{name: getattr(new, name) for name in _EDITABLE})

    def apply(self, fan: Fan) -> NewFan:
        current = {name: getattr(fan, name) for name in _EDITABLE}
        given = {name: getattr(self, name) for name in _EDITABLE}
        return NewFan(**{**current, **{k: v for k, v in given.items() if v is not KEEP}})


def fan_version(fan: Fan) -> str:
    """Changes with every write of the fan (each stamps `updated_at`, a purchase too)."""
    stamp = fan.updated_at or fan.created_at
    return "0" if stamp is None else str((stamp - _EPOCH) // timedelta(microseconds=1))


@dataclass(frozen=True, slots=True)
class UpdateFan:
    storage: FanStorage
    clock: Clock

    async def execute(
        self,
        user_id: str,
        fan_id: int,
        changes: FanChanges,
        if_version: Collection[str] | None = None,
        *,
        actor: Author,
    ) -> Fan:
        """The fan after the change; a handle another of the creator's fans has is a Conflict.

        `if_version`: apply only when the stored fan is at one of these versions (`fan_version`),
        so an edit made from a stale copy cannot write back a value that changed meanwhile.
        A change is audited with the names of the fields it changed, never their values.
        """
        now = self.clock.now()
        async with self.storage.begin() as uow:
            # Locked until commit, so an increment running meanwhile (a PPV purchase) is not lost.
            current = found(await uow.fans.get(user_id, fan_id, for_update=True), "fan", fan_id)
            if if_version is not None and fan_version(current) not in if_version:
                raise PreconditionFailed(
                    f"fan {fan_id} has changed since that copy was read",
                    detail={"version": fan_version(current)},
                )
            valid = changes.apply(current).to_fan(user_id, now)
            # Start from the stored fan so fields no request can set are kept as they are.
            updated = replace(
                current, **{name: getattr(valid, name) for name in _EDITABLE}, updated_at=now
            )
            await uow.fans.update(updated)
            changed = [
                name for name in _EDITABLE if getattr(current, name) != getattr(updated, name)
            ]
            if changed:
                detail: Detail = {"fields": field_list(changed)}
                entry = AuditEntry(user_id, now, actor, "fan.update", str(fan_id), detail)
                await uow.audit.add([entry])
        return updated


@dataclass(frozen=True, slots=True)
class DeleteFan:
    storage: FanStorage
    clock: Clock

    async def execute(self, user_id: str, fan_id: int, *, actor: Author) -> None:
        """Its conversations and messages go with it; the consumer drops envelopes left queued."""
        async with self.storage.begin() as uow:
            removed(await uow.fans.delete(user_id, fan_id), "fan", fan_id)
            entry = AuditEntry(user_id, self.clock.now(), actor, "fan.delete", str(fan_id))
            await uow.audit.add([entry])
