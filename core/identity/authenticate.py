"""Who a request's credential is, checked afresh on every request: a person's session and
membership (so removal or a lowered role acts at once), or an API key."""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts import Author, Caller
from core.errors import Forbidden, Unauthenticated
from core.identity.ports import IdentityStorage
from core.identity.records import KEY_USE_RECORDED_EVERY
from core.identity.tokens import ApiKeySecret, matches
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class AuthenticatePerson:
    storage: IdentityStorage

    async def execute(self, user_id: str, session_id: str, account: str | None) -> Caller:
        """`account`: the account the request names (its header), if any.

        Unauthenticated when the session has ended; Forbidden when the account named (by the
        request, or at sign-in) is not one the person is a member of. A person who is a member
        of no account, naming none, acts in none (role None).
        """
        async with self.storage.begin() as uow:
            access = await uow.sessions.access(user_id, session_id, account)
        if access is None:
            raise Unauthenticated("the session has ended; sign in again")
        author = Author.member(user_id)
        if access.role is None or access.account is None:
            if access.named:
                raise Forbidden(f"not a member of account {access.account}")
            return Caller("", None, author, user_id, session_id)
        return Caller(access.account, access.role, author, user_id, session_id)


@dataclass(frozen=True, slots=True)
class AuthenticateKey:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, presented: ApiKeySecret) -> Caller:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            key = await uow.api_keys.get(presented.key_id)
            if (
                key is None
                or key.revoked_at is not None
                or not matches(presented.secret, key.secret_hash)
            ):
                raise Unauthenticated("unknown or revoked API key")
            # At most once a minute per key: a key used many times a second writes rarely.
            if key.last_used_at is None or now - key.last_used_at >= KEY_USE_RECORDED_EVERY:
                await uow.api_keys.record_use(key.id, now)
        return Caller(key.account_id, key.role, Author.key(key.id))
