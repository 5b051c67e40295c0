"""Quick replies in SQL, always within one tenant."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import quick_replies
from core.paging import Page
from core.quick_replies import QuickReply

_OWNER = quick_replies.c.user_id == sa.bindparam("owner")
_OWNED = (_OWNER, quick_replies.c.id == sa.bindparam("reply_id"))
_INSERT = quick_replies.insert().returning(quick_replies.c.id)
_GET = sa.select(quick_replies).where(*_OWNED)
_LIST = (
    sa.select(quick_replies)
    .where(_OWNER)
    .order_by(quick_replies.c.id)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT = sa.select(sa.func.count()).select_from(quick_replies).where(_OWNER)
_UPDATE = (
    quick_replies.update()
    .where(*_OWNED)
    .values(
        title=sa.bindparam("title"),
        content=sa.bindparam("content"),
        updated_at=sa.bindparam("updated_at"),
    )
)
_DELETE = quick_replies.delete().where(*_OWNED)


def quick_reply_from_row(row: sa.Row[Any]) -> QuickReply:
    return QuickReply(
        id=row.id,
        user_id=row.user_id,
        title=row.title,
        content=row.content,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyQuickReplyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, reply: QuickReply) -> QuickReply:
        values = {
            "user_id": reply.user_id,
            "title": reply.title,
            "content": reply.content,
            "created_at": reply.created_at,
            "updated_at": reply.updated_at,
        }
        reply_id = (await self._connection.execute(_INSERT, values)).scalar_one()
        return replace(reply, id=reply_id)

    async def get(self, user_id: str, reply_id: int) -> QuickReply | None:
        result = await self._connection.execute(_GET, {"owner": user_id, "reply_id": reply_id})
        row = result.one_or_none()
        return None if row is None else quick_reply_from_row(row)

    async def list(self, user_id: str, limit: int, offset: int) -> Page[QuickReply]:
        """In creation order, with the total."""
        params = {"owner": user_id, "limit": limit, "offset": offset}
        rows = await self._connection.execute(_LIST, params)
        total = await self._connection.scalar(_COUNT, {"owner": user_id})
        return Page([quick_reply_from_row(row) for row in rows], total or 0)

    async def update(self, reply: QuickReply) -> bool:
        """Write title, content and updated_at; False when the tenant has no such reply."""
        params = {
            "owner": reply.user_id,
            "reply_id": reply.id,
            "title": reply.title,
            "content": reply.content,
            "updated_at": reply.updated_at,
        }
        return (await self._connection.execute(_UPDATE, params)).rowcount == 1

    async def delete(self, user_id: str, reply_id: int) -> bool:
        result = await self._connection.execute(_DELETE, {"owner": user_id, "reply_id": reply_id})
        return result.rowcount == 1
