"""What identity needs of the outside: password hashing, and storage of people and accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.accounts import Role
from core.audit import AuditRepository
from core.identity.records import (
    Account,
    AccountRole,
    ApiKey,
    Invitation,
    Member,
    Membership,
    RefreshToken,
    Session,
    SessionAccess,
    User,
)
from core.paging import Page
from core.ports import Storage


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2id). Both calls take tens of milliseconds of CPU,
    off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` is the one hashed; with None, checks it against a dummy hash,
        taking as long, and is False: an unknown email must not answer faster."""
        ...


class UserRepository(Protocol):
    async def add(self, user: User) -> bool:
        """False (and nothing written) when a user already has the email."""
        ...

    async def get(self, user_id: str) -> User | None: ...

    async def by_email(self, email: str) -> User | None: ...

    async def set_password(self, user_id: str, password_hash: str, at: datetime) -> None: ...


class AccountRepository(Protocol):
    async def add(self, account: Account) -> bool:
        """False (and nothing written) when the id is taken."""
        ...

    async def get(self, account_id: str) -> Account | None: ...

    async def ensure(self, account_id: str, at: datetime) -> None:
        """The account row of a tenant that has none yet (one the service token made rows
        for), named after its id."""
        ...


class MembershipRepository(Protocol):
    async def add(self, membership: Membership) -> bool:
        """False (and nothing written) when the user is a member already."""
        ...

    async def get(self, account_id: str, user_id: str) -> Member | None: ...

    async def set_role(self, account_id: str, user_id: str, role: Role) -> None: ...

    async def remove(self, account_id: str, user_id: str) -> bool: ...

    async def owners(self, account_id: str) -> list[str]:
        """The owners' user ids, locked until the transaction ends (the last owner stays)."""
        ...

    async def accounts_of(self, user_id: str) -> list[AccountRole]:
        """Every account the user is a member of, the earliest joined first."""
        ...

    async def list(self, account_id: str, limit: int, offset: int) -> Page[Member]:
        """In the order they joined, with the total."""
        ...


class SessionRepository(Protocol):
    async def add(self, session: Session, first_token: RefreshToken) -> None: ...

    async def add_token(self, token: RefreshToken) -> None: ...

    async def token(self, token_hash: str) -> tuple[RefreshToken, Session] | None:
        """The refresh token with this digest and its session, locked until the transaction
        ends (two refreshes with one token are decided one after the other)."""
        ...

    async def use_token(self, token_hash: str, at: datetime) -> bool:
        """Mark it exchanged; False when it already was."""
        ...

    async def revoke(self, session_id: str, at: datetime) -> None: ...

    async def revoke_others(self, user_id: str, keep: str, at: datetime) -> None:
        """Revoke every live session of the user but `keep`."""
        ...

    async def access(
        self, user_id: str, session_id: str, account: str | None
    ) -> SessionAccess | None:
        """One query for every request: None unless the session is the user's and live; else
        the role in `account` (or, with None, the account chosen at sign-in, or the earliest
        membership)."""
        ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey) -> None: ...

    async def get(self, key_id: str) -> ApiKey | None: ...

    async def list(self, account_id: str, limit: int, offset: int) -> Page[ApiKey]:
        """Newest first, revoked ones included, with the total."""
        ...

    async def revoke(self, account_id: str, key_id: str, at: datetime) -> bool:
        """False when the account has no such key, or it is revoked already."""
        ...

    async def record_use(self, key_id: str, at: datetime) -> None: ...


class InvitationRepository(Protocol):
    async def add(self, invitation: Invitation) -> None: ...

    async def by_token(self, token_hash: str) -> Invitation | None: ...

    async def pending(
        self, account_id: str, now: datetime, limit: int, offset: int
    ) -> Page[Invitation]:
        """Neither accepted, revoked nor expired at `now`; newest first, with the total."""
        ...

    async def revoke(self, account_id: str, invitation_id: str, now: datetime) -> bool:
        """False unless the account has that invitation and it is pending at `now`."""
        ...

    async def revoke_pending_for(self, account_id: str, email: str, now: datetime) -> None: ...

    async def accept(self, invitation_id: str, now: datetime) -> bool:
        """Mark it accepted; False when it no longer was pending (used by a racing request)."""
        ...


class IdentityStore(Protocol):
    """One transaction, as the identity use cases see it."""

    users: UserRepository
    accounts: AccountRepository
    memberships: MembershipRepository
    sessions: SessionRepository
    api_keys: ApiKeyRepository
    invitations: InvitationRepository
    audit: AuditRepository


IdentityStorage = Storage[IdentityStore]
