"""The `Allow` header of OPTIONS answers names every method of the path.

Litestar makes a route's OPTIONS handler when the path's first handler is added, and that handler
keeps answering with the methods of that moment: `OPTIONS /api/crm/fans` said `OPTIONS, POST`
though GET is there too. The header is rewritten from the finished routes, once per app.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


class AllowHeader:
    """A `before_send` hook; `learn(app)` once the app has all its routes."""

    def __init__(self) -> None:
        self._allowed: dict[int, bytes] = {}

    def learn(self, app: Litestar) -> None:
        for route in app.routes:
            if isinstance(route, HTTPRoute):
                allow = ", ".join(sorted(route.methods)).encode()
                for handler in route.route_handlers:
                    if handler.http_methods == {"OPTIONS"}:
                        self._allowed[id(handler)] = allow

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
            return
        allow = self._allowed.get(id(scope.get("route_handler")))
        if allow is not None:
            headers: list[Any] = message.setdefault("headers", [])
            headers[:] = [(k, v) for k, v in headers if k.lower() != b"allow"]
            headers.append((b"allow", allow))
