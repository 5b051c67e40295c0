"""Conversations in SQL: one per (tenant, fan), created on first use and safe under races;
the inbox lists them with their fan, and inbound messages move their counters."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.fans.filters import matching_search
from adapters.storage.tables import conversations, fans
from adapters.storage.types import UtcDateTime
from core.conversations import (
    Conversation,
    ConversationQuery,
    ConversationSummary,
    Subscription,
)
from core.errors import NotFound
from core.fans import Platform
from core.paging import Page

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

# The missing conversations of many fans at once (get_or_create_many), within the tenant too.
_NEW_CONVERSATIONS = sa.select(fans.c.user_id, fans.c.id.label("fan_id"), fans.c.platform).where(
    fans.c.user_id == sa.bindparam("owner"),
    fans.c.id.in_(sa.bindparam("fans", expanding=True)),
)
_INSERT_MANY = {
    name: insert(conversations)
    .from_select(["user_id", "fan_id", "platform"], _NEW_CONVERSATIONS)
    .on_conflict_do_nothing(index_elements=["user_id", "fan_id"])
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}

_OWNED = (
    conversations.c.user_id == sa.bindparam("owner"),
    conversations.c.id == sa.bindparam("conversation"),
)
_WITH_FAN = sa.select(
    *conversations.c, fans.c.handle.label("fan_handle"), fans.c.name.label("fan_name")
).select_from(conversations.join(fans, fans.c.id == conversations.c.fan_id))
# Matches the inbox index (ix_conversations_inbox), so a page is an index walk.
_NEWEST_ACTIVITY_FIRST = (
    conversations.c.last_message_at.desc().nulls_last(),
    conversations.c.id.desc(),
)
# What each subscription filter asks of the fan (core.conversations.Subscription).
_SUBSCRIPTION: dict[Subscription, sa.ColumnElement[bool]] = {
    Subscription.SUBSCRIBED: sa.and_(
        fans.c.subscribed_at.is_not(None), fans.c.unsubscribed_at.is_(None)
    ),
    Subscription.EXPIRED: fans.c.unsubscribed_at.is_not(None),
}
_AT = sa.bindparam("at", type_=UtcDateTime())
# Events can arrive out of order (and the bridge's clock is not ours): it only moves forward.
_LATEST_MESSAGE_AT = sa.case(
    (
        sa.or_(conversations.c.last_message_at.is_(None), conversations.c.last_message_at < _AT),
        _AT,
    ),
    else_=conversations.c.last_message_at,
)
_RECORD_INBOUND = (
    conversations.update()
    .where(*_OWNED)
    .values(unread_count=conversations.c.unread_count + 1, last_message_at=_LATEST_MESSAGE_AT)
)
_RECORD_OUTBOUND = (
    conversations.update()
    .where(
        conversations.c.user_id == sa.bindparam("owner"),
        conversations.c.id.in_(sa.bindparam("conversations", expanding=True)),
    )
    .values(last_message_at=_LATEST_MESSAGE_AT)
)
_MARK_READ = conversations.update().where(*_OWNED).values(unread_count=0)


def _fan_conditions(query: ConversationQuery) -> list[sa.ColumnElement[bool]]:
    """What the query asks of the conversation's fan."""
    conditions = []
    if query.spenders:
        conditions.append(fans.c.value_cents > 0)
    if query.subscription is not None:
        conditions.append(_SUBSCRIPTION[query.subscription])
    if query.search:
        conditions.append(matching_search(query.search))
    return conditions


def conversation_from_row(row: sa.Row[Any]) -> Conversation:
    return Conversation(
        id=row.id,
        user_id=row.user_id,
        fan_id=row.fan_id,
        platform=Platform(row.platform),
        last_message_at=row.last_message_at,
        unread_count=row.unread_count,
    )


def summary_from_row(row: sa.Row[Any]) -> ConversationSummary:
    return ConversationSummary(conversation_from_row(row), row.fan_handle, row.fan_name)


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
        when they all exist, three however many are missing. Ids that are not the tenant's fans
        are left out."""
        if not fan_ids:
            return {}
        found = await self._with_conversations(user_id, fan_ids)
        missing = [fan_id for fan_id, conversation in found.items() if conversation is None]
        if missing:
            # Set-based; a conversation a concurrent transaction made first is read back below.
            insert = _INSERT_MANY[self._connection.dialect.name]
            await self._connection.execute(insert, {"owner": user_id, "fans": missing})
            found.update(await self._with_conversations(user_id, missing))
        return {fan_id: c for fan_id, c in found.items() if c is not None}

    async def _with_conversations(
        self, user_id: str, fan_ids: Collection[int]
    ) -> dict[int, Conversation | None]:
        """The tenant's fans among `fan_ids`, each with its conversation if it has one yet."""
        params = {"owner": user_id, "fans": list(fan_ids)}
        rows = await self._connection.execute(_FANS_WITH_CONVERSATIONS, params)
        return {row.of_fan: None if row.id is None else conversation_from_row(row) for row in rows}

    async def _find(self, user_id: str, fan_id: int) -> Conversation | None:
        result = await self._connection.execute(_GET_BY_FAN, {"owner": user_id, "fan": fan_id})
        row = result.one_or_none()
        return None if row is None else conversation_from_row(row)

    async def get(self, user_id: str, conversation_id: int) -> ConversationSummary | None:
        result = await self._connection.execute(
            _WITH_FAN.where(*_OWNED), {"owner": user_id, "conversation": conversation_id}
        )
        row = result.one_or_none()
        return None if row is None else summary_from_row(row)

    async def list(self, user_id: str, query: ConversationQuery) -> Page[ConversationSummary]:
        conditions = [conversations.c.user_id == user_id]
        if query.unread:
            conditions.append(conversations.c.unread_count > 0)
        of_fan = _fan_conditions(query)
        rows = await self._connection.execute(
            _WITH_FAN.where(*conditions, *of_fan)
            .order_by(*_NEWEST_ACTIVITY_FIRST)
            .limit(query.limit)
            .offset(query.offset)
        )
        # Counted without the fans unless a filter is about them: the inbox's usual total is
        # an index-only count of the tenant's conversations.
        counted = (
            conversations.join(fans, fans.c.id == conversations.c.fan_id)
            if of_fan
            else conversations
        )
        total = await self._connection.scalar(
            sa.select(sa.func.count()).select_from(counted).where(*conditions, *of_fan)
        )
        return Page([summary_from_row(row) for row in rows], total or 0)

    async def record_inbound(self, user_id: str, conversation_id: int, at: datetime) -> None:
        params = {"owner": user_id, "conversation": conversation_id, "at": at}
        await self._connection.execute(_RECORD_INBOUND, params)

    async def record_outbound(
        self, user_id: str, conversation_ids: Sequence[int], at: datetime
    ) -> None:
        params = {"owner": user_id, "conversations": list(conversation_ids), "at": at}
        await self._connection.execute(_RECORD_OUTBOUND, params)

    async def mark_read(self, user_id: str, conversation_id: int) -> bool:
        params = {"owner": user_id, "conversation": conversation_id}
        return (await self._connection.execute(_MARK_READ, params)).rowcount == 1
