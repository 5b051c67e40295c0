"""Fans in SQL: add (a duplicate handle is a Conflict), get and list, always within one tenant."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.tables import fans
from core.errors import Conflict
from core.models import Fan, Page, Platform
from core.ports import FanQuery

_INSERT = InsertIgnoringConflicts(fans, ["user_id", "platform", "handle"])
_GET = sa.select(fans).where(
    fans.c.user_id == sa.bindparam("owner"), fans.c.id == sa.bindparam("fan_id")
)


def fan_values(fan: Fan) -> dict[str, Any]:
    """The row for `fan`, without its id (the database assigns it)."""
    return {
        "user_id": fan.user_id,
        "platform": fan.platform.value,
        "handle": fan.handle,
        "name": fan.name,
        "email": fan.email,
        "tags": sorted(fan.tags),
        "notes": fan.notes,
        "value_cents": fan.value_cents,
        "subscribed_at": fan.subscribed_at,
        "last_active_at": fan.last_active_at,
        "created_at": fan.created_at,
        "updated_at": fan.updated_at,
    }


def fan_from_row(row: sa.Row[Any]) -> Fan:
    return Fan(
        id=row.id,
        user_id=row.user_id,
        platform=Platform(row.platform),
        handle=row.handle,
        name=row.name,
        email=row.email,
        tags=frozenset(row.tags),
        notes=row.notes,
        value_cents=row.value_cents,
        subscribed_at=row.subscribed_at,
        last_active_at=row.last_active_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyFanRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, fan: Fan) -> Fan:
        fan_id = await _INSERT(self._connection, fan_values(fan))
        if fan_id is None:
            raise Conflict(
                f"fan {fan.handle!r} already exists on {fan.platform.value}",
                detail={"field": "handle", "handle": fan.handle},
            )
        return replace(fan, id=fan_id)

    async def get(self, user_id: str, fan_id: int) -> Fan | None:
        result = await self._connection.execute(_GET, {"owner": user_id, "fan_id": fan_id})
        row = result.one_or_none()
        return None if row is None else fan_from_row(row)

    async def list(self, user_id: str, query: FanQuery) -> Page[Fan]:
        conditions = [fans.c.user_id == user_id]
        if query.platform is not None:
            conditions.append(fans.c.platform == query.platform.value)
        rows = await self._connection.execute(
            sa.select(fans)
            .where(*conditions)
            .order_by(fans.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        total = await self._connection.scalar(
            sa.select(sa.func.count()).select_from(fans).where(*conditions)
        )
        return Page([fan_from_row(row) for row in rows], total or 0)
