"""The request class of the app: a JSON body too deeply nested to decode is the caller's error."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

TOO_DEEP = "nested too deeply to decode"


class ApiRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        # msgspec decodes recursively and raises RecursionError at the interpreter's limit
        # (about 1,000 levels): refused before any handler sees it, as a 400 and not a 500.
        try:
            return await super().json()
        except RecursionError:
            raise ClientException(TOO_DEEP) from None
