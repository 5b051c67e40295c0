"""Sessions and their refresh tokens in SQL, and the one query each request's check makes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import memberships, refresh_tokens, sessions
from core.accounts import Role
from core.identity import RefreshToken, Session, SessionAccess

_S, _T, _M = sessions.c, refresh_tokens.c, memberships.c
_INSERT_SESSION = sessions.insert()
_INSERT_TOKEN = refresh_tokens.insert()
# Locked: two refreshes with one token are decided one after the other (the second is a reuse).
_TOKEN = (
    sa.select(
        _T.token_hash, _T.session_id, _T.issued_at, _T.expires_at, _T.used_at,
        _S.user_id, _S.account_id, _S.created_at, _S.revoked_at,
    )
    .join(sessions, _S.id == _T.session_id)
    .where(_T.token_hash == sa.bindparam("token_hash"))
    .with_for_update()
)  # fmt: skip
_USE_TOKEN = (
    refresh_tokens.update()
    .where(_T.token_hash == sa.bindparam("token"), _T.used_at.is_(None))
    .values(used_at=sa.bindparam("at"))
)
_REVOKE = (
    sessions.update()
    .where(_S.id == sa.bindparam("session_id"), _S.revoked_at.is_(None))
    .values(revoked_at=sa.bindparam("at"))
)
_REVOKE_OTHERS = (
    sessions.update()
    .where(
        _S.user_id == sa.bindparam("user"),
        _S.id != sa.bindparam("keep"),
        _S.revoked_at.is_(None),
    )
    .values(revoked_at=sa.bindparam("at"))
)
_LIVE = (
    _S.id == sa.bindparam("session_id"),
    _S.user_id == sa.bindparam("user_id"),
    _S.revoked_at.is_(None),
)
# The account the request names: the session's membership there, if any.
_ACCESS_NAMED = (
    sa.select(_M.account_id, _M.role)
    .select_from(sessions)
    .outerjoin(
        memberships,
        sa.and_(_M.user_id == _S.user_id, _M.account_id == sa.bindparam("account")),
    )
    .where(*_LIVE)
)
# None named: the account chosen at sign-in, else the earliest joined.
_ACCESS_DEFAULT = (
    sa.select(_S.account_id.label("chosen"), _M.account_id, _M.role)
    .select_from(sessions)
    .outerjoin(
        memberships,
        sa.and_(
            _M.user_id == _S.user_id,
            sa.or_(_S.account_id.is_(None), _M.account_id == _S.account_id),
        ),
    )
    .where(*_LIVE)
    .order_by(_M.created_at, _M.account_id)
    .limit(1)
)


def _token_and_session(row: sa.Row[Any]) -> tuple[RefreshToken, Session]:
    token = RefreshToken(row.token_hash, row.session_id, row.issued_at, row.expires_at, row.used_at)
    session = Session(row.session_id, row.user_id, row.account_id, row.created_at, row.revoked_at)
    return token, session


class SqlAlchemySessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, session: Session, first_token: RefreshToken) -> None:
        await self._connection.execute(_INSERT_SESSION, asdict(session))
        await self.add_token(first_token)

    async def add_token(self, token: RefreshToken) -> None:
        await self._connection.execute(_INSERT_TOKEN, asdict(token))

    async def token(self, token_hash: str) -> tuple[RefreshToken, Session] | None:
        row = (await self._connection.execute(_TOKEN, {"token_hash": token_hash})).first()
        return None if row is None else _token_and_session(row)

    async def use_token(self, token_hash: str, at: datetime) -> bool:
        params = {"token": token_hash, "at": at}
        return (await self._connection.execute(_USE_TOKEN, params)).rowcount == 1

    async def revoke(self, session_id: str, at: datetime) -> None:
        await self._connection.execute(_REVOKE, {"session_id": session_id, "at": at})

    async def revoke_others(self, user_id: str, keep: str, at: datetime) -> None:
        await self._connection.execute(_REVOKE_OTHERS, {"user": user_id, "keep": keep, "at": at})

    async def access(
        self, user_id: str, session_id: str, account: str | None
    ) -> SessionAccess | None:
        params = {"user_id": user_id, "session_id": session_id}
        if account is not None:
            row = (
                await self._connection.execute(_ACCESS_NAMED, {**params, "account": account})
            ).first()
            if row is None:
                return None
            return SessionAccess(account, True, None if row.role is None else Role(row.role))
        row = (await self._connection.execute(_ACCESS_DEFAULT, params)).first()
        if row is None:
            return None
        role = None if row.role is None else Role(row.role)
        return SessionAccess(row.chosen or row.account_id, row.chosen is not None, role)
