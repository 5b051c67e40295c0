"""An automation's figures: its runs counted by state, its messages delivered, the revenue of
purchases naming one of them; three grouped queries for any number of automations."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import automation_runs, messages, purchases
from core.accounts import AuthorKind
from core.automations import AutomationFigures, RunStatus, StopReason
from core.messaging import MessageStatus

_runs = automation_runs.c
_REPLIED = _runs.stop_reason == StopReason.REPLIED.value
_REACHED = _runs.step > 0


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _runs_query(user_id: str, ids: Sequence[int]) -> sa.Select[tuple[int, ...]]:
    return (
        sa.select(
            _runs.automation_id,
            sa.func.count(),
            _count(_runs.status == RunStatus.RUNNING.value),
            _count(_runs.status == RunStatus.COMPLETED.value),
            _count(_REPLIED),
            _count(sa.and_(_runs.status == RunStatus.STOPPED.value, sa.not_(_REPLIED))),
            _count(_REACHED),
            _count(sa.and_(_REACHED, _REPLIED)),
        )
        .where(_runs.user_id == user_id, _runs.automation_id.in_(ids))
        .group_by(_runs.automation_id)
    )


def _by_automation(user_id: str, ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """The tenant's messages written by one of the automations `ids` (as the partial index
    on automations' messages says it: author_kind first)."""
    return sa.and_(
        messages.c.author_kind == AuthorKind.AUTOMATION.value,
        messages.c.user_id == user_id,
        messages.c.author_id.in_([str(i) for i in ids]),
    )


async def figures_of(
    connection: Connection, user_id: str, ids: Sequence[int]
) -> dict[int, AutomationFigures]:
    if not ids:
        return {}
    counted = {row[0]: row[1:] for row in await connection.execute(_runs_query(user_id, ids))}
    sent_query = (
        sa.select(messages.c.author_id, sa.func.count())
        .where(messages.c.status == MessageStatus.SENT.value, _by_automation(user_id, ids))
        .group_by(messages.c.author_id)
    )
    sent = {int(author): n for author, n in await connection.execute(sent_query)}
    revenue_query = (
        sa.select(messages.c.author_id, sa.func.sum(purchases.c.amount_cents))
        .join(messages, messages.c.id == purchases.c.message_id)
        .where(purchases.c.user_id == user_id, _by_automation(user_id, ids))
        .group_by(messages.c.author_id)
    )
    revenue = {int(author): int(cents) for author, cents in await connection.execute(revenue_query)}
    figures = {}
    for automation_id in ids:
        runs = [int(n) for n in counted.get(automation_id, (0,) * 7)]
        figures[automation_id] = AutomationFigures(
            *runs, messages_sent=sent.get(automation_id, 0),
            revenue_cents=revenue.get(automation_id, 0),
        )  # fmt: skip
    return figures
