"""Fans in SQL: add, get, list, update, delete, top; always within one tenant.

A duplicate handle (per tenant and platform) is a Conflict.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.fans.filters import conditions_of, order_of
from adapters.storage.tables import automation_runs, fans
from adapters.storage.tallies import tally_messages_of
from adapters.storage.types import UtcDateTime
from core.automations import RunStatus, StopReason
from core.errors import Conflict
from core.fans import MAX_VALUE_CENTS, Fan, FanQuery, FanSort, Platform
from core.paging import Page

_INSERT = InsertIgnoringConflicts(fans, ["user_id", "platform", "handle"])
_OWNED = (fans.c.user_id == sa.bindparam("owner"), fans.c.id == sa.bindparam("fan_id"))
_GET = sa.select(fans).where(*_OWNED)
_GET_FOR_UPDATE = _GET.with_for_update()
_DELETE = fans.delete().where(*_OWNED)
# A deleted fan's automation runs stop before their fan_id goes NULL: they still count.
_STOP_RUNS = (
    automation_runs.update()
    .where(
        automation_runs.c.user_id == sa.bindparam("owner"),
        automation_runs.c.fan_id == sa.bindparam("deleted_fan"),
        automation_runs.c.status == RunStatus.RUNNING.value,
    )
    .values(status=RunStatus.STOPPED.value, stop_reason=StopReason.FAN_DELETED.value, due_at=None)
)
_TOP = (
    sa.select(fans)
    .where(fans.c.user_id == sa.bindparam("owner"), fans.c.value_cents > 0)
    .order_by(*order_of(FanSort.TOP_VALUE))
    .limit(sa.bindparam("limit"))
)
_FIND_BY_HANDLE = sa.select(fans).where(
    fans.c.user_id == sa.bindparam("owner"),
    fans.c.platform == sa.bindparam("platform"),
    fans.c.handle == sa.bindparam("handle"),
)
# In the database, not read-modify-write: two purchases at once must both count. Only while the
# sum fits the BIGINT (`room` is MAX_VALUE_CENTS - amount): past it PostgreSQL fails the statement
# and SQLite silently turns the value into a float.
_ADD_VALUE = (
    fans.update()
    .where(
        fans.c.user_id == sa.bindparam("owner"),
        fans.c.id == sa.bindparam("fan_id"),
        fans.c.value_cents <= sa.bindparam("room", type_=sa.BigInteger),
    )
    .values(
        value_cents=fans.c.value_cents + sa.bindparam("amount", type_=sa.BigInteger),
        updated_at=sa.bindparam("now", type_=UtcDateTime()),
    )
)

_ACTIVE_AT = sa.bindparam("at", type_=UtcDateTime())
# Events arrive out of order: it only moves forward. A move stamps updated_at like any write, so
# the fan's ETag changes and a PUT from a copy read before cannot erase it.
_RECORD_ACTIVITY = (
    fans.update()
    .where(
        fans.c.user_id == sa.bindparam("owner"),
        fans.c.id == sa.bindparam("fan_id"),
        sa.or_(fans.c.last_active_at.is_(None), fans.c.last_active_at < _ACTIVE_AT),
    )
    .values(last_active_at=_ACTIVE_AT, updated_at=sa.bindparam("now", type_=UtcDateTime()))
)

# Subscription events arrive out of order too: the state follows their times, not their arrival.
_EVENT_AT = sa.bindparam("at", type_=UtcDateTime())
_SUBSCRIPTION_NOW = sa.bindparam("now", type_=UtcDateTime())
# The latest subscribe is when they joined; it ends an unsubscribe that is not later than it (a
# tie goes to the subscribe, in either arrival order).
_SUBSCRIBE = (
    fans.update()
    .where(fans.c.user_id == sa.bindparam("owner"), fans.c.id == sa.bindparam("fan_id"))
    .values(
        subscribed_at=sa.case(
            (sa.or_(fans.c.subscribed_at.is_(None), fans.c.subscribed_at < _EVENT_AT), _EVENT_AT),
            else_=fans.c.subscribed_at,
        ),
        unsubscribed_at=sa.case(
            (fans.c.unsubscribed_at <= _EVENT_AT, sa.null()), else_=fans.c.unsubscribed_at
        ),
        updated_at=_SUBSCRIPTION_NOW,
    )
)
# An unsubscribe counts only when later than the latest subscribe and any known unsubscribe.
_UNSUBSCRIBE = (
    fans.update()
    .where(fans.c.user_id == sa.bindparam("owner"), fans.c.id == sa.bindparam("fan_id"))
    .values(
        unsubscribed_at=sa.case(
            (
                sa.and_(
                    sa.or_(fans.c.subscribed_at.is_(None), fans.c.subscribed_at < _EVENT_AT),
                    sa.or_(fans.c.unsubscribed_at.is_(None), fans.c.unsubscribed_at < _EVENT_AT),
                ),
                _EVENT_AT,
            ),
            else_=fans.c.unsubscribed_at,
        ),
        updated_at=_SUBSCRIPTION_NOW,
    )
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
        "unsubscribed_at": fan.unsubscribed_at,
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
        unsubscribed_at=row.unsubscribed_at,
    )


class SqlAlchemyFanRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, fan: Fan) -> Fan:
        fan_id = await _INSERT(self._connection, fan_values(fan))
        if fan_id is None:
            raise _duplicate(fan)
        return replace(fan, id=fan_id)

    async def get(self, user_id: str, fan_id: int, *, for_update: bool = False) -> Fan | None:
        """With `for_update`, the row stays locked until the transaction ends (PostgreSQL;
        SQLite's transactions already hold the write lock from BEGIN IMMEDIATE)."""
        statement = _GET_FOR_UPDATE if for_update else _GET
        result = await self._connection.execute(statement, {"owner": user_id, "fan_id": fan_id})
        row = result.one_or_none()
        return None if row is None else fan_from_row(row)

    async def list(self, user_id: str, query: FanQuery) -> Page[Fan]:
        conditions = conditions_of(user_id, query, self._connection.dialect.name)
        rows = await self._connection.execute(
            sa.select(fans)
            .where(*conditions)
            .order_by(*order_of(query.sort))
            .limit(query.limit)
            .offset(query.offset)
        )
        total = await self._connection.scalar(
            sa.select(sa.func.count()).select_from(fans).where(*conditions)
        )
        return Page([fan_from_row(row) for row in rows], total or 0)

    async def update(self, fan: Fan) -> bool:
        """Write every field but the owner and created_at. A handle clash is a Conflict, after
        which the transaction must end (PostgreSQL has aborted it)."""
        assert fan.id is not None
        values = fan_values(fan)
        del values["user_id"], values["created_at"]
        statement = fans.update().where(fans.c.user_id == fan.user_id, fans.c.id == fan.id)
        try:
            result = await self._connection.execute(statement.values(values))
        except sa.exc.IntegrityError as exc:
            raise _duplicate(fan) from exc
        return result.rowcount == 1

    async def delete(self, user_id: str, fan_id: int) -> bool:
        """Its conversations and messages go too (ON DELETE CASCADE); the analytics keep
        counting its sent and failed messages through the tallies."""
        await tally_messages_of(self._connection, user_id, fan_id)
        await self._connection.execute(_STOP_RUNS, {"owner": user_id, "deleted_fan": fan_id})
        result = await self._connection.execute(_DELETE, {"owner": user_id, "fan_id": fan_id})
        return result.rowcount == 1

    async def top(self, user_id: str, limit: int) -> list[Fan]:
        rows = await self._connection.execute(_TOP, {"owner": user_id, "limit": limit})
        return [fan_from_row(row) for row in rows]

    async def find_by_handle(self, user_id: str, platform: Platform, handle: str) -> Fan | None:
        params = {"owner": user_id, "platform": platform.value, "handle": handle}
        row = (await self._connection.execute(_FIND_BY_HANDLE, params)).one_or_none()
        return None if row is None else fan_from_row(row)

    async def add_value(self, user_id: str, fan_id: int, amount_cents: int, now: datetime) -> bool:
        params = {
            "owner": user_id,
            "fan_id": fan_id,
            "amount": amount_cents,
            "room": MAX_VALUE_CENTS - amount_cents,
            "now": now,
        }
        return (await self._connection.execute(_ADD_VALUE, params)).rowcount == 1

    async def record_activity(self, user_id: str, fan_id: int, at: datetime, now: datetime) -> None:
        params = {"owner": user_id, "fan_id": fan_id, "at": at, "now": now}
        await self._connection.execute(_RECORD_ACTIVITY, params)

    async def set_subscription(
        self,
        user_id: str,
        fan_id: int,
        now: datetime,
        *,
        subscribed_at: datetime | None = None,
        unsubscribed_at: datetime | None = None,
    ) -> bool:
        found = 0
        for statement, at in ((_SUBSCRIBE, subscribed_at), (_UNSUBSCRIBE, unsubscribed_at)):
            if at is not None:
                params = {"owner": user_id, "fan_id": fan_id, "at": at, "now": now}
                found = (await self._connection.execute(statement, params)).rowcount
        return found == 1


def _duplicate(fan: Fan) -> Conflict:
    return Conflict(
        f"fan {fan.handle!r} already exists on {fan.platform.value}",
        detail={"field": "handle", "handle": fan.handle},
    )
