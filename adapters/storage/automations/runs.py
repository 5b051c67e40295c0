"""Runs in SQL: started set-based, stopped with their messages not yet on their way, and due
steps claimed by one runner at a time."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.storage.automations.rows import automation_from_row, run_from_row, run_values
from adapters.storage.campaigns.segments import among, audience_condition
from adapters.storage.connection import Connection
from adapters.storage.tables import automation_runs, automations, fans, messages
from adapters.storage.types import UtcDateTime
from core.accounts import AuthorKind
from core.automations import Automation, DueRun, Move, Run, RunStatus, StopReason, Trigger
from core.campaigns import Segment
from core.messaging import MessageStatus

_runs = automation_runs.c
_RUNNING = RunStatus.RUNNING.value
_NOW = sa.bindparam("now", type_=UtcDateTime())
# A stopped run's messages the consumer has not taken yet: they are not sent at all.
_NOT_ON_THEIR_WAY = [MessageStatus.PENDING.value, MessageStatus.QUEUED.value]
_CANCELLED = {"status": MessageStatus.CANCELLED.value, "lease_until": None}
_USERS_WITH_DUE = (
    sa.select(_runs.user_id)
    .where(_runs.status == _RUNNING, _runs.due_at <= _NOW)
    .distinct()
    .order_by(_runs.user_id)
)
# The automation's columns beside the run's, prefixed, so one row gives both records.
_AUTOMATION_COLUMNS = [c.label(f"a_{c.name}") for c in automations.c]
_CLAIM = (
    sa.select(automation_runs, *_AUTOMATION_COLUMNS)
    .join(automations, automations.c.id == _runs.automation_id)
    .where(_runs.user_id == sa.bindparam("owner"), _runs.status == _RUNNING, _runs.due_at <= _NOW)
    .order_by(_runs.due_at, _runs.id)
    .limit(sa.bindparam("limit"))
    # PostgreSQL: each row locked, and skipped by other runners until this transaction ends.
    # SQLite renders nothing: its transactions (BEGIN IMMEDIATE) take turns.
    .with_for_update(of=automation_runs, skip_locked=True)
)


class SqlAlchemyRunRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def in_audience(
        self, user_id: str, segment: Segment, fan_ids: Collection[int], now: datetime
    ) -> set[int]:
        dialect = self._connection.dialect.name
        reached = audience_condition(user_id, segment.as_audience(), now, dialect)
        query = sa.select(fans.c.id).where(reached, among(fans.c.id, fan_ids, dialect))
        return set((await self._connection.execute(query)).scalars())

    async def add_many(self, runs: Sequence[Run]) -> int:
        if not runs:
            return 0
        postgres = self._connection.dialect.name == "postgresql"
        insert = postgresql.insert if postgres else sqlite.insert
        # No conflict target: the (automation, fan, occurrence) key and the one running run per
        # automation and fan both skip a row rather than fail the transaction.
        statement = insert(automation_runs).values([run_values(r) for r in runs])
        result = await self._connection.execute(statement.on_conflict_do_nothing())
        return result.rowcount

    async def inactive_fans(
        self, automation: Automation, went_quiet_after: datetime, went_quiet_by: datetime
    ) -> list[tuple[int, datetime]]:
        dialect = self._connection.dialect.name
        last_seen = sa.func.coalesce(fans.c.last_active_at, fans.c.subscribed_at, fans.c.created_at)
        segment = automation.segment or Segment()
        reached = audience_condition(automation.user_id, segment.as_audience(), went_quiet_by,
                                     dialect)  # fmt: skip
        query = (
            sa.select(fans.c.id, sa.type_coerce(last_seen, UtcDateTime()))
            .where(
                reached,
                fans.c.unsubscribed_at.is_(None),
                last_seen > sa.bindparam("after", went_quiet_after, type_=UtcDateTime()),
                last_seen <= sa.bindparam("by", went_quiet_by, type_=UtcDateTime()),
            )
            .order_by(fans.c.id)
        )
        return [(fan_id, at) for fan_id, at in await self._connection.execute(query)]

    async def stop_for_fan(
        self,
        user_id: str,
        fan_id: int,
        reason: StopReason,
        now: datetime,
        *,
        sparing: Trigger | None = None,
    ) -> int:
        spared: list[int] = []
        if sparing is not None:
            query = sa.select(automations.c.id).where(
                automations.c.user_id == user_id, automations.c.trigger == sparing.value
            )
            spared = list((await self._connection.execute(query)).scalars())
        which = [
            _runs.user_id == user_id,
            _runs.fan_id == fan_id,
            _runs.automation_id.notin_(spared),
        ]
        stopped = await self._stop(which, reason, now)
        unsent = _unsent(user_id).where(
            messages.c.fan_id == fan_id, messages.c.author_id.notin_([str(i) for i in spared])
        )
        await self._connection.execute(unsent.values({**_CANCELLED, "updated_at": now}))
        return stopped

    async def stop_for_automation(
        self, user_id: str, automation_id: int, reason: StopReason, now: datetime
    ) -> int:
        which = [_runs.user_id == user_id, _runs.automation_id == automation_id]
        stopped = await self._stop(which, reason, now)
        unsent = _unsent(user_id).where(messages.c.author_id == str(automation_id))
        await self._connection.execute(unsent.values({**_CANCELLED, "updated_at": now}))
        return stopped

    async def _stop(
        self, which: list[sa.ColumnElement[bool]], reason: StopReason, now: datetime
    ) -> int:
        """The running runs `which` selects stopped; how many."""
        stopped = (
            automation_runs.update()
            .where(*which, _runs.status == _RUNNING)
            .values(
                status=RunStatus.STOPPED.value,
                stop_reason=reason.value,
                due_at=None,
                updated_at=now,
            )
        )
        return (await self._connection.execute(stopped)).rowcount

    async def users_with_due(self, now: datetime) -> list[str]:
        return list((await self._connection.execute(_USERS_WITH_DUE, {"now": now})).scalars())

    async def claim_due(self, user_id: str, now: datetime, limit: int) -> list[DueRun]:
        params = {"owner": user_id, "now": now, "limit": limit}
        rows = await self._connection.execute(_CLAIM, params)
        return [DueRun(run_from_row(row), automation_from_row(row, "a_")) for row in rows]

    async def move(self, moves: Sequence[Move], now: datetime) -> set[int]:
        if not moves:
            return set()

        def by_run(value_of: Callable[[Move], Any], type_: Any) -> sa.Case[Any]:
            whens = {m.run.id: sa.bindparam(None, value_of(m), type_=type_) for m in moves}
            return sa.case(whens, value=_runs.id)

        statement = (
            automation_runs.update()
            .where(
                _runs.id.in_([m.run.id for m in moves]),
                _runs.status == _RUNNING,
                _runs.step == by_run(lambda m: m.run.step, sa.Integer()),
            )
            .values(
                step=by_run(lambda m: m.step, sa.Integer()),
                due_at=by_run(lambda m: m.due_at, UtcDateTime()),
                status=by_run(lambda m: m.status.value, sa.String()),
                stop_reason=by_run(lambda m: m.reason and m.reason.value, sa.String()),
                updated_at=now,
            )
            .returning(_runs.id)
        )
        return set((await self._connection.execute(statement)).scalars())


def _unsent(user_id: str) -> sa.Update:
    """The tenant's messages written by an automation that nothing has taken yet (a stop cancels
    them: what the consumer claimed already finishes)."""
    return messages.update().where(
        messages.c.author_kind == AuthorKind.AUTOMATION.value,
        messages.c.user_id == user_id,
        messages.c.status.in_(_NOT_ON_THEIR_WAY),
    )
