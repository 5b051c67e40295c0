"""API keys: an owner's machine credentials for one account, each named and with a role. The
key is shown once, when made; only its secret's digest is kept."""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts import Caller, Role
from core.audit import AuditEntry, Detail
from core.errors import NotFound
from core.identity.ports import IdentityStorage
from core.identity.records import MAX_KEY_NAME_LENGTH, ApiKey, check_required_name
from core.identity.roles import account_of
from core.identity.tokens import ApiKeySecret, digest
from core.paging import Page, check_page
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    secret: ApiKeySecret  # what its holder sends, shown this once


@dataclass(frozen=True, slots=True)
class CreateApiKey:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, name: str, role: Role) -> IssuedKey:
        account = account_of(caller, Role.OWNER)
        name = check_required_name(name, "name", MAX_KEY_NAME_LENGTH)
        now = self.clock.now()
        secret = ApiKeySecret.new()
        key = ApiKey(secret.key_id, account, name, role, digest(secret.secret), now)
        async with self.storage.begin() as uow:
            await uow.accounts.ensure(account, now)
            await uow.api_keys.add(key)
            detail: Detail = {"name": name, "role": role.value}
            await uow.audit.add(
                [AuditEntry(account, now, caller.author, "key.created", key.id, detail)]
            )
        return IssuedKey(key, secret)


@dataclass(frozen=True, slots=True)
class ListApiKeys:
    storage: IdentityStorage

    async def execute(self, caller: Caller, limit: int = 50, offset: int = 0) -> Page[ApiKey]:
        check_page(limit, offset)
        account = account_of(caller, Role.OWNER)
        async with self.storage.begin() as uow:
            return await uow.api_keys.list(account, limit, offset)


@dataclass(frozen=True, slots=True)
class RevokeApiKey:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, caller: Caller, key_id: str) -> None:
        """The key stops working on its next request; revoking it twice is a 404."""
        account = account_of(caller, Role.OWNER)
        now = self.clock.now()
        async with self.storage.begin() as uow:
            if not await uow.api_keys.revoke(account, key_id, now):
                raise NotFound(f"API key {key_id} not found")
            await uow.audit.add([AuditEntry(account, now, caller.author, "key.revoked", key_id)])
