"""Who is calling: the `Caller` (account, role, author) a handler acts for."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from core.accounts import Caller
from core.errors import Unauthenticated


def caller_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The caller the authentication middleware (entrypoints.http.auth) resolved for this
    request; a public route has none."""
    auth = connection.scope.get("auth")
    if not isinstance(auth, Caller):
        raise Unauthenticated("this route takes no credential")
    return auth
