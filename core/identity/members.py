"""The people of an account: list them, change a role, remove one, add one (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.accounts import Caller, Role
from core.audit import AuditEntry, Detail
from core.errors import Conflict, NotFound, found
from core.identity.ports import IdentityStorage
from core.identity.records import Member, Membership, normalize_email
from core.identity.roles import account_of, keep_an_owner, may_grant, may_manage
from core.paging import Page, check_page
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class ListMembers:
    storage: IdentityStorage

    async def execute(self, caller: Caller, limit: int = 50, offset: int = 0) -> Page[Member]:
        check_page(limit, offset)
        account = account_of(caller)
        async with self.storage.begin() as uow:
            return await uow.memberships.list(account, limit, offset)


@dataclass(frozen=True, slots=True)
class ChangeMemberRole:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, user_id: str, role: Role) -> Member:
        account = account_of(caller, Role.MANAGER)
        may_grant(caller, role)
        async with self.storage.begin() as uow:
            member = found(await uow.memberships.get(account, user_id), "member", user_id)
            may_manage(caller, member.role)
            if member.role is role:
                return member
            if member.role is Role.OWNER:
                await keep_an_owner(uow, account, user_id)
            await uow.memberships.set_role(account, user_id, role)
            detail: Detail = {"from": member.role.value, "to": role.value}
            changed = AuditEntry(
                account, self.clock.now(), caller.author, "member.role_changed", user_id, detail
            )
            await uow.audit.add([changed])
        return replace(member, role=role)


@dataclass(frozen=True, slots=True)
class RemoveMember:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, user_id: str) -> None:
        """The person loses access to the account on their next request."""
        account = account_of(caller, Role.MANAGER)
        async with self.storage.begin() as uow:
            member = found(await uow.memberships.get(account, user_id), "member", user_id)
            may_manage(caller, member.role)
            if member.role is Role.OWNER:
                await keep_an_owner(uow, account, user_id)
            await uow.memberships.remove(account, user_id)
            detail: Detail = {"role": member.role.value}
            removed = AuditEntry(
                account, self.clock.now(), caller.author, "member.removed", user_id, detail
            )
            await uow.audit.add([removed])


@dataclass(frozen=True, slots=True)
class AddMember:
    """A person who has a user already joins with a role, without an invitation (the CLI)."""

    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, email: str, role: Role) -> Member:
        account = account_of(caller, Role.MANAGER)
        may_grant(caller, role)
        email = normalize_email(email)
        now = self.clock.now()
        async with self.storage.begin() as uow:
            found(await uow.accounts.get(account), "account", account)
            user = await uow.users.by_email(email)
            if user is None:
                raise NotFound(f"no user has the email {email}: create one first")
            if not await uow.memberships.add(Membership(account, user.id, role, now)):
                raise Conflict(f"{email} is a member of {account} already")
            detail: Detail = {"role": role.value}
            await uow.audit.add(
                [AuditEntry(account, now, caller.author, "member.added", user.id, detail)]
            )
        return Member(user.id, user.email, user.name, role, now)
