"""What an operator does from the command line: make users and accounts. The operator acts in
an account as its owner would, recorded as the service."""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts import Author, Caller, Role
from core.errors import Conflict, NotFound
from core.identity.ports import IdentityStorage, PasswordHasher
from core.identity.records import (
    MAX_ACCOUNT_NAME_LENGTH,
    Account,
    User,
    check_account_id,
    check_password,
    check_person_name,
    check_required_name,
    normalize_email,
)
from core.identity.tokens import new_id
from core.ports import Clock


def operator_in(account: str) -> Caller:
    """The caller an operator's command acts as: the account's owner, authored as the service."""
    return Caller(account, Role.OWNER, Author.service())


@dataclass(frozen=True, slots=True)
class CreateUser:
    storage: IdentityStorage
    passwords: PasswordHasher
    clock: Clock

    async def execute(self, email: str, password: str, name: str | None = None) -> User:
        email = normalize_email(email)
        check_password(password)
        now = self.clock.now()
        user = User(
            new_id(), email, check_person_name(name), await self.passwords.hash(password), now, now
        )
        async with self.storage.begin() as uow:
            if not await uow.users.add(user):
                raise Conflict(f"a user has the email {email} already")
        return user


@dataclass(frozen=True, slots=True)
class CreateAccount:
    storage: IdentityStorage
    clock: Clock

    async def execute(self, name: str, account_id: str | None = None) -> Account:
        """`account_id`: the tenant id its rows will carry (made up when None)."""
        account = Account(
            new_id() if account_id is None else check_account_id(account_id),
            check_required_name(name, "name", MAX_ACCOUNT_NAME_LENGTH),
            self.clock.now(),
        )
        async with self.storage.begin() as uow:
            if not await uow.accounts.add(account):
                raise Conflict(f"account {account.id} exists already")
        return account


@dataclass(frozen=True, slots=True)
class FindUser:
    storage: IdentityStorage

    async def execute(self, email: str) -> User:
        email = normalize_email(email)
        async with self.storage.begin() as uow:
            user = await uow.users.by_email(email)
        if user is None:
            raise NotFound(f"no user has the email {email}")
        return user
