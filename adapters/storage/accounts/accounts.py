"""Creator accounts and their members in SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.tables import accounts, memberships, users
from core.accounts import Role
from core.identity import Account, AccountRole, Member, Membership
from core.paging import Page

_INSERT_ACCOUNT = InsertIgnoringConflicts(accounts, ["id"])
_GET_ACCOUNT = sa.select(accounts).where(accounts.c.id == sa.bindparam("account_id"))

_M = memberships.c
_IN_ACCOUNT = _M.account_id == sa.bindparam("account")
_ONE = (_IN_ACCOUNT, _M.user_id == sa.bindparam("user"))
_INSERT_MEMBERSHIP = InsertIgnoringConflicts(
    memberships, ["account_id", "user_id"], returning="user_id"
)
_MEMBERS = sa.select(
    _M.user_id, users.c.email, users.c.name, _M.role, _M.created_at.label("joined_at")
).join(users, users.c.id == _M.user_id)
_GET_MEMBER = _MEMBERS.where(*_ONE)
_LIST_MEMBERS = (
    _MEMBERS.where(_IN_ACCOUNT)
    .order_by(_M.created_at, _M.user_id)
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT_MEMBERS = sa.select(sa.func.count()).select_from(memberships).where(_IN_ACCOUNT)
_SET_ROLE = memberships.update().where(*_ONE).values(role=sa.bindparam("role"))
_REMOVE = memberships.delete().where(*_ONE)
# Locked: the last owner check and the change it allows happen with no other change between.
_OWNERS = (
    sa.select(_M.user_id)
    .where(_IN_ACCOUNT, _M.role == Role.OWNER.value)
    .order_by(_M.user_id)
    .with_for_update()
)
_ACCOUNTS_OF = (
    sa.select(accounts.c.id, accounts.c.name, _M.role)
    .join(accounts, accounts.c.id == _M.account_id)
    .where(_M.user_id == sa.bindparam("user"))
    .order_by(_M.created_at, _M.account_id)
)


def member_from_row(row: sa.Row[Any]) -> Member:
    return Member(row.user_id, row.email, row.name, Role(row.role), row.joined_at)


class SqlAlchemyAccountRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, account: Account) -> bool:
        return await _INSERT_ACCOUNT(self._connection, asdict(account)) is not None

    async def get(self, account_id: str) -> Account | None:
        row = (await self._connection.execute(_GET_ACCOUNT, {"account_id": account_id})).first()
        return None if row is None else Account(row.id, row.name, row.created_at)

    async def ensure(self, account_id: str, at: datetime) -> None:
        values = {"id": account_id, "name": account_id, "created_at": at}
        await _INSERT_ACCOUNT(self._connection, values)


class SqlAlchemyMembershipRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, membership: Membership) -> bool:
        values = {**asdict(membership), "role": membership.role.value}
        return await _INSERT_MEMBERSHIP(self._connection, values) is not None

    async def get(self, account_id: str, user_id: str) -> Member | None:
        params = {"account": account_id, "user": user_id}
        row = (await self._connection.execute(_GET_MEMBER, params)).first()
        return None if row is None else member_from_row(row)

    async def set_role(self, account_id: str, user_id: str, role: Role) -> None:
        params = {"account": account_id, "user": user_id, "role": role.value}
        await self._connection.execute(_SET_ROLE, params)

    async def remove(self, account_id: str, user_id: str) -> bool:
        params = {"account": account_id, "user": user_id}
        return (await self._connection.execute(_REMOVE, params)).rowcount == 1

    async def owners(self, account_id: str) -> list[str]:
        rows = await self._connection.execute(_OWNERS, {"account": account_id})
        return [row.user_id for row in rows]

    async def accounts_of(self, user_id: str) -> list[AccountRole]:
        rows = await self._connection.execute(_ACCOUNTS_OF, {"user": user_id})
        return [AccountRole(row.id, row.name, Role(row.role)) for row in rows]

    async def list(self, account_id: str, limit: int, offset: int) -> Page[Member]:
        params = {"account": account_id, "limit": limit, "offset": offset}
        rows = await self._connection.execute(_LIST_MEMBERS, params)
        total = await self._connection.scalar(_COUNT_MEMBERS, {"account": account_id})
        return Page([member_from_row(row) for row in rows], total or 0)
