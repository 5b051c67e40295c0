"""Identity storage on SQLite (memory, file) and PostgreSQL: the one query each person's request
makes, and the two races that must not open a hole (a refresh token spent twice at once, two
owners demoting each other at once)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from core.accounts import Role
from core.errors import Conflict, Unauthenticated
from core.identity import (
    ChangeMemberRole,
    Membership,
    RefreshSession,
    Session,
    SessionAccess,
    User,
    operator_in,
)
from core.identity.sessions import new_refresh
from core.identity.tokens import new_id

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def a_person(storage: SqlAlchemyStorage, memberships: dict[str, Role]) -> User:
    """A user, a member of each account given (made where missing), joined in that order."""
    user_id = new_id()
    user = User(user_id, f"{user_id}@example.com", None, "not a hash", T0, T0)
    async with storage.begin() as uow:
        assert await uow.users.add(user)
        for minute, (account_id, role) in enumerate(memberships.items()):
            await uow.accounts.ensure(account_id, T0)
            joined = T0.replace(minute=minute)
            assert await uow.memberships.add(Membership(account_id, user.id, role, joined))
    return user


@dataclass
class Signed:
    user: User
    session_id: str
    refresh_token: str


async def signed_in(
    storage: SqlAlchemyStorage, memberships: dict[str, Role], chosen: str | None = None
) -> Signed:
    user = await a_person(storage, memberships)
    session = Session(new_id(), user.id, chosen, T0)
    issued, stored = new_refresh(session.id, user.id, T0)
    async with storage.begin() as uow:
        await uow.sessions.add(session, stored)
    return Signed(user, session.id, issued.token)


async def access(
    storage: SqlAlchemyStorage, signed: Signed, account: str | None
) -> SessionAccess | None:
    async with storage.begin() as uow:
        return await uow.sessions.access(signed.user.id, signed.session_id, account)


async def test_a_request_finds_the_role_in_the_account_it_names_or_the_earliest(storage):
    ann = await signed_in(storage, {"acct-b": Role.CHATTER, "acct-a": Role.OWNER})

    assert await access(storage, ann, None) == SessionAccess("acct-b", False, Role.CHATTER)
    assert await access(storage, ann, "acct-a") == SessionAccess("acct-a", True, Role.OWNER)
    assert await access(storage, ann, "acct-c") == SessionAccess("acct-c", True, None)


async def test_the_account_chosen_at_sign_in_stands_in_for_a_header(storage):
    ann = await signed_in(storage, {"acct-b": Role.CHATTER, "acct-a": Role.OWNER}, "acct-a")

    assert await access(storage, ann, None) == SessionAccess("acct-a", True, Role.OWNER)
    async with storage.begin() as uow:
        await uow.memberships.remove("acct-a", ann.user.id)
    assert await access(storage, ann, None) == SessionAccess("acct-a", True, None)


async def test_a_member_of_nothing_has_a_session_but_no_account(storage):
    solo = await signed_in(storage, {})
    assert await access(storage, solo, None) == SessionAccess(None, False, None)


async def test_a_revoked_session_or_another_users_finds_nothing(storage):
    ann = await signed_in(storage, {"acct-a": Role.OWNER})
    other = await a_person(storage, {"acct-a": Role.OWNER})
    async with storage.begin() as uow:
        assert await uow.sessions.access(other.id, ann.session_id, None) is None
        await uow.sessions.revoke(ann.session_id, T0)
    assert await access(storage, ann, "acct-a") is None


async def test_one_refresh_token_spent_twice_at_once_ends_the_session(storage):
    ann = await signed_in(storage, {"acct-a": Role.OWNER})
    refresh = RefreshSession(storage, ManualClock(T0))

    outcomes = await asyncio.gather(
        refresh.execute(ann.refresh_token),
        refresh.execute(ann.refresh_token),
        return_exceptions=True,
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["IssuedRefresh", "Unauthenticated"]
    [issued] = [o for o in outcomes if not isinstance(o, BaseException)]
    with pytest.raises(Unauthenticated):  # the family ended with the second spend
        await refresh.execute(issued.token)
    assert await access(storage, ann, "acct-a") is None


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(storage):
    first = await a_person(storage, {"acct-a": Role.OWNER})
    second = await a_person(storage, {"acct-a": Role.OWNER, "acct-z": Role.CHATTER})
    change = ChangeMemberRole(storage, ManualClock(T0))

    outcomes = await asyncio.gather(
        change.execute(operator_in("acct-a"), first.id, Role.MANAGER),
        change.execute(operator_in("acct-a"), second.id, Role.MANAGER),
        return_exceptions=True,
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Member"]
    assert any(isinstance(o, Conflict) for o in outcomes)
    async with storage.begin() as uow:
        assert len(await uow.memberships.owners("acct-a")) == 1
