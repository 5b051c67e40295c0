"""People for API tests: accounts, users and memberships made through the use cases, signing
in over HTTP, and the bearer headers of each kind of credential.

The test client runs the app on an event loop of its own (a thread): storage opened there
(PostgreSQL's pool) is used only there, so these run their use cases through the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar import Request, get

from core.accounts import Role
from core.audit import AuditEntry, AuditQuery
from core.errors import Conflict
from core.identity import User, operator_in
from entrypoints.container import Container, resolve
from entrypoints.http.caller import caller_of

PASSWORD = "correct horse battery staple"
T = TypeVar("T")


async def in_app(client: Any, work: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """`work(*args, **kwargs)` on the app's event loop."""
    call = functools.partial(client.blocking_portal.call, functools.partial(work, *args, **kwargs))
    return await asyncio.to_thread(call)


def bearer(token: str, account: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    return headers if account is None else {**headers, "X-Fancrm-Account": account}


async def account(container: Container, account_id: str, name: str | None = None) -> None:
    with contextlib.suppress(Conflict):  # made by an earlier call
        await (await resolve(container.create_account)).execute(name or account_id, account_id)


async def person(
    api: Any, email: str, memberships: dict[str, Role] | None = None, password: str = PASSWORD
) -> User:
    """A user, a member of each account given (made where missing) with its role; `api` is a
    tests.integration.conftest.Api."""
    return await in_app(api.client, _person, api.container, email, memberships or {}, password)


async def _person(
    container: Container, email: str, memberships: dict[str, Role], password: str
) -> User:
    user = await (await resolve(container.create_user)).execute(email, password)
    add = await resolve(container.add_member)
    for account_id, role in memberships.items():
        await account(container, account_id)
        await add.execute(operator_in(account_id), email, role)
    return user


async def sign_in(client: Any, email: str, password: str = PASSWORD, **extra: str) -> Any:
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": password, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def audit_of(api: Any, account_id: str) -> list[AuditEntry]:
    return await in_app(api.client, _audit_of, api.container, account_id)


async def _audit_of(container: Container, account_id: str) -> list[AuditEntry]:
    storage = await resolve(container.storage)
    async with storage.begin() as uow:
        return (await uow.audit.list(account_id, AuditQuery(limit=200))).items


@get("/test/whoami", include_in_schema=False)
async def whoami(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What the middleware resolved for this request: register it on a test app."""
    caller = caller_of(request)
    role = None if caller.role is None else caller.role.value
    author = {"kind": caller.author.kind.value, "id": caller.author.id}
    return {"account": caller.account, "role": role, "author": author}
