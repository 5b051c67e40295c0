"""Users in SQL: one per email (stored trimmed and lower-cased)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.tables import users
from core.identity import User

_INSERT = InsertIgnoringConflicts(users, ["email"])
_BY_ID = sa.select(users).where(users.c.id == sa.bindparam("user_id"))
_BY_EMAIL = sa.select(users).where(users.c.email == sa.bindparam("email"))
_SET_PASSWORD = (
    users.update()
    .where(users.c.id == sa.bindparam("user"))
    .values(password_hash=sa.bindparam("new_hash"), password_changed_at=sa.bindparam("at"))
)


def user_from_row(row: sa.Row[Any]) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        password_hash=row.password_hash,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


class SqlAlchemyUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, user: User) -> bool:
        return await _INSERT(self._connection, asdict(user)) is not None

    async def get(self, user_id: str) -> User | None:
        row = (await self._connection.execute(_BY_ID, {"user_id": user_id})).first()
        return None if row is None else user_from_row(row)

    async def by_email(self, email: str) -> User | None:
        row = (await self._connection.execute(_BY_EMAIL, {"email": email})).first()
        return None if row is None else user_from_row(row)

    async def set_password(self, user_id: str, password_hash: str, at: datetime) -> None:
        params = {"user": user_id, "new_hash": password_hash, "at": at}
        await self._connection.execute(_SET_PASSWORD, params)
