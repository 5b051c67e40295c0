"""A tenant's figures by UTC day, each one grouped query over an index range of one table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.campaigns.repository import campaign_from_row
from adapters.storage.connection import Connection
from adapters.storage.dialects import utc_day
from adapters.storage.fans.repository import fan_from_row
from adapters.storage.tables import campaigns, fans, message_tallies, messages, purchases
from adapters.storage.tallies import tallied_per_day
from adapters.storage.types import UtcDateTime
from core.analytics import FanSpend, Spend
from core.campaigns import Campaign
from core.messaging import MessageStatus

_OWNER = sa.bindparam("owner")
_START = sa.bindparam("start", type_=UtcDateTime())
_END = sa.bindparam("end", type_=UtcDateTime())


def _in_range(column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """The period is half-open, [start, end): a time at midnight belongs to its own day only."""
    return sa.and_(column >= _START, column < _END)


def _per_day(column: sa.ColumnElement[Any], *where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """Rows counted by the UTC day of `column`; `where` must lead with the tenant's user_id."""
    day = utc_day(column)
    return sa.select(day, sa.func.count()).where(*where, _in_range(column)).group_by(day)


_PURCHASE_DAY = utc_day(purchases.c.occurred_at)
_REVENUE = (
    sa.select(_PURCHASE_DAY, sa.func.sum(purchases.c.amount_cents), sa.func.count())
    .where(purchases.c.user_id == _OWNER, _in_range(purchases.c.occurred_at))
    .group_by(_PURCHASE_DAY)
)
_SENT = _per_day(messages.c.sent_at, messages.c.user_id == _OWNER)
# The same predicate as the partial index ix_messages_failed_user_id_updated_at, so it applies.
_FAILED = _per_day(
    messages.c.updated_at,
    messages.c.user_id == _OWNER,
    messages.c.status == MessageStatus.FAILED.value,
)
_NEW_FANS = _per_day(fans.c.created_at, fans.c.user_id == _OWNER)
_SENT_OF_DELETED_FANS = tallied_per_day(message_tallies.c.sent)
_FAILED_OF_DELETED_FANS = tallied_per_day(message_tallies.c.failed)

# Sum the period's purchases per fan first (from the index alone), then join only the winners.
_SPENT = (
    sa.select(
        purchases.c.fan_id,
        sa.func.sum(purchases.c.amount_cents).label("cents"),
        sa.func.count().label("bought"),
    )
    .where(
        purchases.c.user_id == _OWNER,
        _in_range(purchases.c.occurred_at),
        purchases.c.fan_id.is_not(None),
    )
    .group_by(purchases.c.fan_id)
    .order_by(sa.desc("cents"), purchases.c.fan_id)
    .limit(sa.bindparam("limit"))
    .subquery("spent")
)
_TOP_SPENDERS = (
    sa.select(fans, _SPENT.c.cents, _SPENT.c.bought)
    # The tenant again on the fan: a purchase row can only name the tenant's own fan, but the
    # join must not be what decides that.
    .join(_SPENT, sa.and_(fans.c.id == _SPENT.c.fan_id, fans.c.user_id == _OWNER))
    .order_by(_SPENT.c.cents.desc(), fans.c.id)
)
_CAMPAIGNS_CREATED = (
    sa.select(campaigns)
    .where(campaigns.c.user_id == _OWNER, _in_range(campaigns.c.created_at))
    .order_by(campaigns.c.created_at.desc(), campaigns.c.id.desc())
    .limit(sa.bindparam("limit"))
)


class SqlAlchemyAnalyticsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def revenue_per_day(
        self, user_id: str, start: datetime, end: datetime
    ) -> dict[date, Spend]:
        rows = await self._connection.execute(_REVENUE, _params(user_id, start, end))
        return {day: Spend(int(cents), bought) for day, cents, bought in rows}

    async def sent_per_day(self, user_id: str, start: datetime, end: datetime) -> dict[date, int]:
        counted = await self._counts(_SENT, user_id, start, end)
        return await self._with_tallies(counted, _SENT_OF_DELETED_FANS, user_id, start, end)

    async def failed_per_day(self, user_id: str, start: datetime, end: datetime) -> dict[date, int]:
        counted = await self._counts(_FAILED, user_id, start, end)
        return await self._with_tallies(counted, _FAILED_OF_DELETED_FANS, user_id, start, end)

    async def new_fans_per_day(
        self, user_id: str, start: datetime, end: datetime
    ) -> dict[date, int]:
        return await self._counts(_NEW_FANS, user_id, start, end)

    async def top_spenders(
        self, user_id: str, start: datetime, end: datetime, limit: int
    ) -> list[FanSpend]:
        params = {**_params(user_id, start, end), "limit": limit}
        rows = await self._connection.execute(_TOP_SPENDERS, params)
        return [FanSpend(fan_from_row(row), Spend(int(row.cents), row.bought)) for row in rows]

    async def campaigns_created(
        self, user_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Campaign]:
        params = {**_params(user_id, start, end), "limit": limit}
        rows = await self._connection.execute(_CAMPAIGNS_CREATED, params)
        return [campaign_from_row(row) for row in rows]

    async def _counts(
        self, statement: sa.Select[Any], user_id: str, start: datetime, end: datetime
    ) -> dict[date, int]:
        rows = await self._connection.execute(statement, _params(user_id, start, end))
        return {day: count for day, count in rows}

    async def _with_tallies(
        self,
        counted: dict[date, int],
        tallied: sa.Select[Any],
        user_id: str,
        start: datetime,
        end: datetime,
    ) -> dict[date, int]:
        # Periods are whole UTC days, so a tally's day is in the period exactly when its
        # messages' times were.
        params = {"owner": user_id, "start_day": start.date(), "end_day": end.date()}
        for day, count in await self._connection.execute(tallied, params):
            if count:
                counted[day] = counted.get(day, 0) + int(count)
        return counted


def _params(user_id: str, start: datetime, end: datetime) -> dict[str, Any]:
    return {"owner": user_id, "start": start, "end": end}
