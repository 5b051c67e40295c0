"""Conversations in SQL: one per (tenant, fan), created on first use and safe under races."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.tables import conversations, fans
from core.errors import NotFound
from core.models import Conversation, Platform

_GET_BY_FAN = sa.select(conversations).where(
    conversations.c.user_id == sa.bindparam("owner"),
    conversations.c.fan_id == sa.bindparam("fan"),
)
# The tenant's fans among the ids, each with its conversation if it has one yet.
_FANS_WITH_CONVERSATIONS = (
    sa.select(
        fans.c.id.label("of_fan"),
        fans.c.platform.label("of_platform"),
        *conversations.c,
    )
    .select_from(
        fans.outerjoin(
            conversations,
            sa.and_(conversations.c.fan_id == fans.c.id, conversations.c.user_id == fans.c.user_id),
        )
    )
    .where(
        fans.c.user_id == sa.bindparam("owner"),
        fans.c.id.in_(sa.bindparam("fans", expanding=True)),
    )
)
# Selecting the fan within the tenant means another tenant's fan gets no conversation here.
_INSERT = InsertIgnoringConflicts(
    conversations,
    ["user_id", "fan_id"],
    source=sa.select(
        fans.c.user_id,
        fans.c.id.label("fan_id"),
        sa.bindparam("platform", type_=sa.String).label("platform"),
    ).where(fans.c.user_id == sa.bindparam("owner"), fans.c.id == sa.bindparam("fan")),
)


def conversation_from_row(row: sa.Row[Any]) -> Conversation:
    return Conversation(
        id=row.id,
        user_id=row.user_id,
        fan_id=row.fan_id,
        platform=Platform(row.platform),
        last_message_at=row.last_message_at,
        unread_count=row.unread_count,
    )


class SqlAlchemyConversationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get_or_create(self, user_id: str, fan_id: int, platform: Platform) -> Conversation:
        """The tenant's conversation with the fan; NotFound when the fan is not the tenant's."""
        # Look first: the conversation usually exists, and that path is one round trip.
        existing = await self._find(user_id, fan_id)
        if existing is not None:
            return existing
        params = {"owner": user_id, "fan": fan_id, "platform": platform.value}
        new_id = await _INSERT(self._connection, params)
        if new_id is not None:
            return Conversation(new_id, user_id, fan_id, platform)
        # Nothing inserted: either a concurrent transaction created it first, or no such fan.
        raced = await self._find(user_id, fan_id)
        if raced is None:
            raise NotFound(f"fan {fan_id} not found")
        return raced

    async def get_or_create_many(
        self, user_id: str, fan_ids: Collection[int]
    ) -> dict[int, Conversation]:
        """By fan id, the conversation with each of the tenant's fans among `fan_ids`: one query
        when they all exist. Ids that are not the tenant's fans are left out."""
        if not fan_ids:
            return {}
        rows = await self._connection.execute(
            _FANS_WITH_CONVERSATIONS, {"owner": user_id, "fans": list(fan_ids)}
        )
        found: dict[int, Conversation] = {}
        for row in rows:
            if row.id is not None:
                found[row.of_fan] = conversation_from_row(row)
            else:
                platform = Platform(row.of_platform)
                found[row.of_fan] = await self.get_or_create(user_id, row.of_fan, platform)
        return found

    async def _find(self, user_id: str, fan_id: int) -> Conversation | None:
        result = await self._connection.execute(_GET_BY_FAN, {"owner": user_id, "fan": fan_id})
        row = result.one_or_none()
        return None if row is None else conversation_from_row(row)
