"""Invitations in SQL: the token's digest, never the token."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import invitations
from core.accounts import Role
from core.identity import Invitation
from core.paging import Page

_I = invitations.c
_IN_ACCOUNT = _I.account_id == sa.bindparam("account")
_PENDING = (_I.accepted_at.is_(None), _I.revoked_at.is_(None), _I.expires_at > sa.bindparam("now"))
_INSERT = invitations.insert()
_BY_TOKEN = sa.select(invitations).where(_I.token_hash == sa.bindparam("token_hash"))
_LIST_PENDING = (
    sa.select(invitations)
    .where(_IN_ACCOUNT, *_PENDING)
    .order_by(_I.created_at.desc(), _I.id)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT_PENDING = sa.select(sa.func.count()).select_from(invitations).where(_IN_ACCOUNT, *_PENDING)
_REVOKE = (
    invitations.update()
    .where(_IN_ACCOUNT, _I.id == sa.bindparam("invitation_id"), *_PENDING)
    .values(revoked_at=sa.bindparam("now"))
)
_REVOKE_FOR_EMAIL = (
    invitations.update()
    .where(_IN_ACCOUNT, _I.email == sa.bindparam("invited"), *_PENDING)
    .values(revoked_at=sa.bindparam("now"))
)
_ACCEPT = (
    invitations.update()
    .where(_I.id == sa.bindparam("invitation_id"), *_PENDING)
    .values(accepted_at=sa.bindparam("now"))
)


def invitation_from_row(row: sa.Row[Any]) -> Invitation:
    return Invitation(
        id=row.id,
        account_id=row.account_id,
        email=row.email,
        role=Role(row.role),
        token_hash=row.token_hash,
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
        revoked_at=row.revoked_at,
    )


class SqlAlchemyInvitationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, invitation: Invitation) -> None:
        values = {**asdict(invitation), "role": invitation.role.value}
        await self._connection.execute(_INSERT, values)

    async def by_token(self, token_hash: str) -> Invitation | None:
        row = (await self._connection.execute(_BY_TOKEN, {"token_hash": token_hash})).first()
        return None if row is None else invitation_from_row(row)

    async def pending(
        self, account_id: str, now: datetime, limit: int, offset: int
    ) -> Page[Invitation]:
        where = {"account": account_id, "now": now}
        rows = await self._connection.execute(
            _LIST_PENDING, {**where, "limit": limit, "offset": offset}
        )
        total = await self._connection.scalar(_COUNT_PENDING, where)
        return Page([invitation_from_row(row) for row in rows], total or 0)

    async def revoke(self, account_id: str, invitation_id: str, now: datetime) -> bool:
        params = {"account": account_id, "invitation_id": invitation_id, "now": now}
        return (await self._connection.execute(_REVOKE, params)).rowcount == 1

    async def revoke_pending_for(self, account_id: str, email: str, now: datetime) -> None:
        params = {"account": account_id, "invited": email, "now": now}
        await self._connection.execute(_REVOKE_FOR_EMAIL, params)

    async def accept(self, invitation_id: str, now: datetime) -> bool:
        params = {"invitation_id": invitation_id, "now": now}
        return (await self._connection.execute(_ACCEPT, params)).rowcount == 1
