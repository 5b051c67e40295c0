"""Signing in and out: a session is a family of rotating refresh tokens; a token used twice
(stolen and replayed, or replayed by the thief's victim) ends the whole family."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from core.accounts import Author, Caller
from core.audit import Detail
from core.errors import Forbidden, Invalid, Unauthenticated, found
from core.identity.audit import in_each
from core.identity.ports import IdentityStorage, IdentityStore, PasswordHasher
from core.identity.records import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    REFRESH_TTL,
    AccountRole,
    RefreshToken,
    Session,
    User,
    check_password,
)
from core.identity.throttle import LoginThrottle
from core.identity.tokens import digest, new_id, new_secret
from core.ports import Clock

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "email or password is wrong"
REUSED = "this refresh token was used already: its session is ended; sign in again"


@dataclass(frozen=True, slots=True)
class IssuedRefresh:
    """A refresh token as its holder gets it: the secret itself, shown this once."""

    session_id: str
    user_id: str
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    refresh: IssuedRefresh
    accounts: list[AccountRole]


@dataclass(frozen=True, slots=True)
class Profile:
    user: User
    accounts: list[AccountRole]


def person_of(caller: Caller) -> tuple[str, str]:
    """The user and session ids of a person signed in; Forbidden for a key or the service."""
    if caller.user_id is None or caller.session_id is None:
        raise Forbidden("only a person signed in may do this (not an API key or the service)")
    return caller.user_id, caller.session_id


def login_email(raw: str) -> str:
    """As stored (trimmed, lower case); not checked further: a malformed one matches nobody."""
    email = raw.strip().lower()
    if not email or len(email) > MAX_EMAIL_LENGTH:
        raise Invalid(f"email must hold 1 to {MAX_EMAIL_LENGTH} characters", field="email")
    return email


def check_given_password(raw: str, field: str = "password") -> str:
    """A password given to prove who one is: any length a password may have."""
    if not raw or len(raw) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"{field} must hold 1 to {MAX_PASSWORD_LENGTH} characters", field=field)
    return raw


def new_refresh(session_id: str, user_id: str, now: datetime) -> tuple[IssuedRefresh, RefreshToken]:
    token = new_secret()
    expires_at = now + REFRESH_TTL
    stored = RefreshToken(digest(token), session_id, now, expires_at)
    return IssuedRefresh(session_id, user_id, token, expires_at), stored


@dataclass(frozen=True, slots=True)
class SignIn:
    storage: IdentityStorage
    passwords: PasswordHasher
    throttle: LoginThrottle
    clock: Clock

    async def execute(
        self, email: str, password: str, address: str | None, account: str | None = None
    ) -> SignedIn:
        """`account`: the account requests act in when they name none (else the earliest)."""
        email = login_email(email)
        check_given_password(password)
        await self.throttle.check(email, address)
        async with self.storage.begin() as uow:
            user = await uow.users.by_email(email)
        # An unknown email is checked against a dummy hash: it answers as late as a wrong password.
        matched = await self.passwords.verify(
            None if user is None else user.password_hash, password
        )
        if user is None or not matched:
            await self._failed(email, address, user)
            raise Unauthenticated(WRONG_CREDENTIALS)
        return await self._open_session(user, address, account)

    async def _failed(self, email: str, address: str | None, user: User | None) -> None:
        await self.throttle.failed(email, address)
        if user is None:
            log.info("sign-in for an unknown email", extra={"address": address})
            return
        now = self.clock.now()
        async with self.storage.begin() as uow:
            accounts = [a.id for a in await uow.memberships.accounts_of(user.id)]
            detail: Detail = {"address": address}
            await uow.audit.add(
                in_each(accounts, now, Author.member(user.id), "login.failed", user.id, detail)
            )

    async def _open_session(self, user: User, address: str | None, account: str | None) -> SignedIn:
        now = self.clock.now()
        session = Session(new_id(), user.id, account, now)
        issued, stored = new_refresh(session.id, user.id, now)
        async with self.storage.begin() as uow:
            accounts = await uow.memberships.accounts_of(user.id)
            if account is not None and account not in {a.id for a in accounts}:
                raise Forbidden(f"not a member of account {account}")
            await uow.sessions.add(session, stored)
            detail: Detail = {"address": address, "session": session.id}
            ids = [a.id for a in accounts]
            await uow.audit.add(
                in_each(ids, now, Author.member(user.id), "login.ok", user.id, detail)
            )
        return SignedIn(user, issued, accounts)


@dataclass(frozen=True, slots=True)
class RefreshSession:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, token: str | None) -> IssuedRefresh:
        """The next refresh token of the session; this one is spent."""
        if not token:
            raise Unauthenticated("no refresh token: give refreshToken, or the cookie")
        now = self.clock.now()
        token_hash = digest(token)
        # A reuse revokes the session and must stay revoked: the block commits, then refuses.
        async with self.storage.begin() as uow:
            spent = await self._spend(uow, token_hash, now)
            if isinstance(spent, Session):
                issued, stored = new_refresh(spent.id, spent.user_id, now)
                await uow.sessions.add_token(stored)
        if isinstance(spent, str):
            raise Unauthenticated(spent)
        return issued

    @staticmethod
    async def _spend(uow: IdentityStore, token_hash: str, now: datetime) -> Session | str:
        """The token's session once the token is marked used, or why it cannot be."""
        found_token = await uow.sessions.token(token_hash)
        if found_token is None:
            return "unknown refresh token"
        token, session = found_token
        if session.revoked_at is not None:
            return "the session has ended; sign in again"
        if token.used_at is not None:
            await uow.sessions.revoke(session.id, now)
            return REUSED
        if token.expires_at <= now:
            return "the refresh token has expired; sign in again"
        if not await uow.sessions.use_token(token_hash, now):  # spent by a racing request
            await uow.sessions.revoke(session.id, now)
            return REUSED
        return session


@dataclass(frozen=True, slots=True)
class SignOut:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, token: str | None) -> None:
        """Ends the session of any token of its family; an unknown token changes nothing."""
        if not token:
            return
        async with self.storage.begin() as uow:
            found_token = await uow.sessions.token(digest(token))
            if found_token is not None:
                await uow.sessions.revoke(found_token[1].id, self.clock.now())


@dataclass(frozen=True, slots=True)
class ChangePassword:
    storage: IdentityStorage
    passwords: PasswordHasher
    throttle: LoginThrottle
    clock: Clock

    async def execute(self, caller: Caller, current: str, new: str, address: str | None) -> None:
        """Every other session of the person ends; the one asking stays signed in."""
        user_id, session_id = person_of(caller)
        check_given_password(current, "currentPassword")
        check_password(new, "newPassword")
        async with self.storage.begin() as uow:
            user = found(await uow.users.get(user_id), "user", user_id)
        # The current password is a guess like any sign-in: it counts against the same limits.
        await self.throttle.check(user.email, address)
        if not await self.passwords.verify(user.password_hash, current):
            await self.throttle.failed(user.email, address)
            raise Invalid("currentPassword is not the current password", field="currentPassword")
        new_hash = await self.passwords.hash(new)
        now = self.clock.now()
        async with self.storage.begin() as uow:
            await uow.users.set_password(user_id, new_hash, now)
            await uow.sessions.revoke_others(user_id, session_id, now)


@dataclass(frozen=True, slots=True)
class GetProfile:
    storage: IdentityStorage

    async def execute(self, caller: Caller) -> Profile:
        user_id, _ = person_of(caller)
        async with self.storage.begin() as uow:
            user = found(await uow.users.get(user_id), "user", user_id)
            return Profile(user, await uow.memberships.accounts_of(user_id))
