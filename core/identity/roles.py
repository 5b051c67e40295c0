"""The rules of who may change whom in an account, beyond what a route's role allows."""

from __future__ import annotations

from core.accounts import Caller, Role
from core.errors import Conflict, Forbidden
from core.identity.ports import IdentityStore


def account_of(caller: Caller, at_least: Role | None = None) -> str:
    """The caller's account; Forbidden when they act in none, or with a role below `at_least`."""
    if caller.role is None:
        raise Forbidden("this needs an account: name one with the X-Fancrm-Account header")
    if at_least is not None and not caller.role.includes(at_least):
        raise Forbidden(f"this needs the {at_least.value} role")
    return caller.account


def may_grant(caller: Caller, role: Role) -> None:
    """Only an owner makes an owner (by role change, invitation or direct addition)."""
    if role is Role.OWNER and caller.role is not Role.OWNER:
        raise Forbidden("only an owner may make someone an owner")


def may_manage(caller: Caller, member_role: Role) -> None:
    """A manager may not change or remove an owner."""
    if member_role is Role.OWNER and caller.role is not Role.OWNER:
        raise Forbidden("only an owner may change or remove an owner")


async def keep_an_owner(uow: IdentityStore, account: str, leaving: str) -> None:
    """Conflict when `leaving` is the account's last owner (the owners stay locked meanwhile,
    so two owners demoting each other at once cannot leave none)."""
    if await uow.memberships.owners(account) == [leaving]:
        raise Conflict("the account's last owner cannot be removed or demoted")
