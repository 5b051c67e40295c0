"""Invitations: an owner or manager invites an email with a role; the one-time link's token,
shown once, lets that person set a password (or prove theirs) and join. No email is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.accounts import Author, Caller, Role
from core.audit import AuditEntry, Detail
from core.errors import Conflict, NotFound, Unauthenticated
from core.identity.ports import IdentityStorage, IdentityStore, PasswordHasher
from core.identity.records import (
    INVITATION_TTL,
    Account,
    AccountRole,
    Invitation,
    Membership,
    User,
    check_password,
    check_person_name,
    normalize_email,
)
from core.identity.roles import account_of, may_grant
from core.identity.sessions import check_given_password
from core.identity.throttle import LoginThrottle
from core.identity.tokens import digest, new_id, new_secret, new_short_id
from core.paging import Page, check_page
from core.ports import Clock

NOT_PENDING = "no such invitation: it may have been used, revoked or have expired"


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown this once; only its digest is kept


@dataclass(frozen=True, slots=True)
class Accepted:
    user: User
    account: AccountRole


@dataclass(frozen=True, slots=True)
class InvitationOffer:
    """What a pending invitation offers the holder of its link, before they accept it."""

    email: str
    account_name: str
    role: Role
    expires_at: datetime
    has_user: bool  # the email has a user already: accepting asks for its current password


@dataclass(frozen=True, slots=True)
class InviteMember:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, email: str, role: Role) -> IssuedInvitation:
        """A new invitation replaces any pending one for the same email in the account."""
        account = account_of(caller, Role.MANAGER)
        may_grant(caller, role)
        email = normalize_email(email)
        now = self.clock.now()
        token = new_secret()
        invitation = Invitation(
            new_short_id(), account, email, role, digest(token), caller.user_id, now,
            now + INVITATION_TTL,
        )  # fmt: skip
        async with self.storage.begin() as uow:
            await uow.accounts.ensure(account, now)
            user = await uow.users.by_email(email)
            if user is not None and await uow.memberships.get(account, user.id) is not None:
                raise Conflict(f"{email} is a member of this account already")
            await uow.invitations.revoke_pending_for(account, email, now)
            await uow.invitations.add(invitation)
            detail: Detail = {"email": email, "role": role.value}
            created = AuditEntry(
                account, now, caller.author, "invitation.created", invitation.id, detail
            )
            await uow.audit.add([created])
        return IssuedInvitation(invitation, token)


@dataclass(frozen=True, slots=True)
class ListInvitations:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, limit: int = 50, offset: int = 0) -> Page[Invitation]:
        """The pending ones, newest first."""
        check_page(limit, offset)
        account = account_of(caller)
        async with self.storage.begin() as uow:
            return await uow.invitations.pending(account, self.clock.now(), limit, offset)


@dataclass(frozen=True, slots=True)
class RevokeInvitation:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, invitation_id: str) -> None:
        account = account_of(caller, Role.MANAGER)
        now = self.clock.now()
        async with self.storage.begin() as uow:
            if not await uow.invitations.revoke(account, invitation_id, now):
                raise NotFound(f"invitation {invitation_id} not found")
            revoked = AuditEntry(account, now, caller.author, "invitation.revoked", invitation_id)
            await uow.audit.add([revoked])


@dataclass(frozen=True, slots=True)
class AcceptInvitation:
    storage: IdentityStorage
    passwords: PasswordHasher
    throttle: LoginThrottle
    clock: Clock

    async def execute(
        self, token: str, password: str, name: str | None, address: str | None
    ) -> Accepted:
        """A new email gets a user with this password. An email that has a user already must
        give that user's current password: a link never resets anyone's password."""
        check_given_password(password)
        async with self.storage.begin() as uow:
            invitation = await _pending_invitation(uow, token, self.clock.now())
            user = await uow.users.by_email(invitation.email)
        if user is None:
            user = await self._new_user(invitation.email, password, name)
        else:
            await self._prove(user, password, address)
        return await self._join(invitation, user)

    async def _new_user(self, email: str, password: str, name: str | None) -> User:
        check_password(password)
        now = self.clock.now()
        password_hash = await self.passwords.hash(password)
        return User(new_id(), email, check_person_name(name), password_hash, now, now)

    async def _prove(self, user: User, password: str, address: str | None) -> None:
        await self.throttle.check(user.email, address)
        if not await self.passwords.verify(user.password_hash, password):
            await self.throttle.failed(user.email, address)
            raise Unauthenticated("this email has a user already: give its current password")

    async def _join(self, invitation: Invitation, user: User) -> Accepted:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            if await uow.users.get(user.id) is None and not await uow.users.add(user):
                raise Conflict(f"{user.email} signed up meanwhile: open the link again")
            if not await uow.invitations.accept(invitation.id, now):
                raise NotFound(NOT_PENDING)
            joined = Membership(invitation.account_id, user.id, invitation.role, now)
            if not await uow.memberships.add(joined):
                raise Conflict(f"{user.email} is a member of this account already")
            account = await uow.accounts.get(invitation.account_id)
            detail: Detail = {"role": invitation.role.value, "invitation": invitation.id}
            actor = Author.member(user.id)
            await uow.audit.add(
                [AuditEntry(joined.account_id, now, actor, "member.joined", user.id, detail)]
            )
        name = _account_name(account, invitation)
        return Accepted(user, AccountRole(invitation.account_id, name, invitation.role))


@dataclass(frozen=True, slots=True)
class OpenInvitation:
    """The invitation a link holds, as the page that accepts it shows it: whose account, which
    role, and whether the email has a user already (then AcceptInvitation wants its current
    password, not a new one). A used, revoked, expired or unknown token is NotFound, as there."""

    storage: IdentityStorage
    clock: Clock

    async def execute(self, token: str) -> InvitationOffer:
        async with self.storage.begin() as uow:
            invitation = await _pending_invitation(uow, token, self.clock.now())
            user = await uow.users.by_email(invitation.email)
            account = await uow.accounts.get(invitation.account_id)
        return InvitationOffer(
            invitation.email,
            _account_name(account, invitation),
            invitation.role,
            invitation.expires_at,
            has_user=user is not None,
        )


async def _pending_invitation(uow: IdentityStore, token: str, now: datetime) -> Invitation:
    """The invitation of this link's token, if it may still be accepted; else NotFound."""
    invitation = await uow.invitations.by_token(digest(token))
    if invitation is None or not invitation.pending_at(now):
        raise NotFound(NOT_PENDING)
    return invitation


def _account_name(account: Account | None, invitation: Invitation) -> str:
    """The account's name; its id when it has no row (a service token's tenant)."""
    return account.name if account is not None else invitation.account_id
