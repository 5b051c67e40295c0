"""The messages of deleted fans, kept as counts per UTC day so the analytics still count them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import utc_day
from adapters.storage.tables import message_tallies, messages
from core.messaging import MessageStatus

_OWNER, _FAN = sa.bindparam("owner"), sa.bindparam("fan_id")


def _tally(status: MessageStatus, when: sa.Column[Any], count_column: str) -> sa.Insert:
    day = utc_day(when)
    counted = (
        sa.select(messages.c.user_id, day.label("day"), sa.func.count().label(count_column))
        .where(
            messages.c.user_id == _OWNER,
            messages.c.fan_id == _FAN,
            messages.c.status == status.value,
            when.is_not(None),  # a row without its time is in no day's figure
        )
        .group_by(messages.c.user_id, day)
    )
    return message_tallies.insert().from_select(["user_id", "day", count_column], counted)


# The same day as the analytics give each: sent by sent_at, failed by its last update.
_TALLY_SENT = _tally(MessageStatus.SENT, messages.c.sent_at, "sent")
_TALLY_FAILED = _tally(MessageStatus.FAILED, messages.c.updated_at, "failed")


async def tally_messages_of(connection: Connection, user_id: str, fan_id: int) -> None:
    """Count the fan's sent and failed messages into the tallies; call it before the delete
    that takes them away, in the same transaction."""
    params = {"owner": user_id, "fan_id": fan_id}
    await connection.execute(_TALLY_SENT, params)
    await connection.execute(_TALLY_FAILED, params)


def tallied_per_day(column: sa.Column[Any]) -> sa.Select[Any]:
    """A tally column summed per day over `[start, end)` of the tenant (`owner`)."""
    day = message_tallies.c.day
    return (
        sa.select(day, sa.func.sum(column))
        .where(
            message_tallies.c.user_id == _OWNER,
            day >= sa.bindparam("start_day", type_=sa.Date()),
            day < sa.bindparam("end_day", type_=sa.Date()),
        )
        .group_by(day)
    )
