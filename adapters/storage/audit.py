"""The audit log in SQL: appended to, read newest first, never updated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import audit_log
from core.accounts import Author, AuthorKind
from core.audit import AuditEntry, AuditQuery
from core.paging import Page

_INSERT = audit_log.insert()


def _entry(row: sa.Row[Any]) -> AuditEntry:
    actor = Author(AuthorKind(row.actor_kind), row.actor_id)
    return AuditEntry(row.user_id, row.at, actor, row.action, row.target, row.detail, row.id)


class SqlAlchemyAuditRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, entries: Sequence[AuditEntry]) -> None:
        if not entries:
            return
        rows = [
            {
                "user_id": e.account,
                "at": e.at,
                "actor_kind": e.actor.kind.value,
                "actor_id": e.actor.id,
                "action": e.action,
                "target": e.target,
                "detail": e.detail,
            }
            for e in entries
        ]
        await self._connection.execute(_INSERT, rows)

    async def list(self, account: str, query: AuditQuery) -> Page[AuditEntry]:
        """Newest first, with the total."""
        where = [audit_log.c.user_id == account]
        if query.member is not None:
            where += [
                audit_log.c.actor_kind == AuthorKind.MEMBER.value,
                audit_log.c.actor_id == query.member,
            ]
        if query.action is not None:
            where.append(audit_log.c.action == query.action)
        page = (
            sa.select(audit_log)
            .where(*where)
            .order_by(audit_log.c.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        rows = await self._connection.execute(page)
        total = await self._connection.scalar(
            sa.select(sa.func.count()).select_from(audit_log).where(*where)
        )
        return Page([_entry(row) for row in rows], total or 0)
