"""Who is calling: the `Caller` (account, role, author) a handler acts for."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from core.accounts import Author, Caller, Role


def caller_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The caller the authentication middleware resolved for this request.

    Until people can sign in, every credential is the shared-secret service token: it acts as
    the owner of the account its `sub` names.
    """
    auth = connection.scope.get("auth")
    if isinstance(auth, Caller):
        return auth
    return Caller(account=connection.user, role=Role.OWNER, author=Author.service())
