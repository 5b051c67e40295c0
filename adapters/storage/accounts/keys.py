"""API keys in SQL: the secret's digest, never the secret."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import api_keys
from core.accounts import Role
from core.identity import ApiKey
from core.paging import Page

_K = api_keys.c
_IN_ACCOUNT = _K.account_id == sa.bindparam("account")
_INSERT = api_keys.insert()
_GET = sa.select(api_keys).where(_K.id == sa.bindparam("key_id"))
_LIST = (
    sa.select(api_keys)
    .where(_IN_ACCOUNT)
    .order_by(_K.created_at.desc(), _K.id)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT = sa.select(sa.func.count()).select_from(api_keys).where(_IN_ACCOUNT)
_REVOKE = (
    api_keys.update()
    .where(_IN_ACCOUNT, _K.id == sa.bindparam("key_id"), _K.revoked_at.is_(None))
    .values(revoked_at=sa.bindparam("at"))
)
_RECORD_USE = (
    api_keys.update().where(_K.id == sa.bindparam("key_id")).values(last_used_at=sa.bindparam("at"))
)


def key_from_row(row: sa.Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        role=Role(row.role),
        secret_hash=row.secret_hash,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class SqlAlchemyApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, key: ApiKey) -> None:
        await self._connection.execute(_INSERT, {**asdict(key), "role": key.role.value})

    async def get(self, key_id: str) -> ApiKey | None:
        row = (await self._connection.execute(_GET, {"key_id": key_id})).first()
        return None if row is None else key_from_row(row)

    async def list(self, account_id: str, limit: int, offset: int) -> Page[ApiKey]:
        params = {"account": account_id, "limit": limit, "offset": offset}
        rows = await self._connection.execute(_LIST, params)
        total = await self._connection.scalar(_COUNT, {"account": account_id})
        return Page([key_from_row(row) for row in rows], total or 0)

    async def revoke(self, account_id: str, key_id: str, at: datetime) -> bool:
        params = {"account": account_id, "key_id": key_id, "at": at}
        return (await self._connection.execute(_REVOKE, params)).rowcount == 1

    async def record_use(self, key_id: str, at: datetime) -> None:
        await self._connection.execute(_RECORD_USE, {"key_id": key_id, "at": at})
