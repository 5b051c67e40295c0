"""The console's session in the browser: cookies holding the credentials of `POST /api/auth/login`.

- `fancrm_session`: the 15-minute access token, read by the same authentication as a bearer
  token (entrypoints.http.auth), but only on console routes, which check a CSRF token on every
  change: the API itself never reads a cookie, so it needs none.
- `fancrm_session_refresh`: the session's refresh token. When the access token has expired,
  `SessionRefresh` spends it before the request is authenticated and sets both anew.
- `fancrm_account`: the account chosen in the switcher (the API's `X-Fancrm-Account`).

All are HttpOnly: no script of the page reads a credential.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

from litestar.datastructures import Cookie
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import Unauthenticated
from core.identity import REFRESH_TTL, IssuedRefresh, RefreshSession
from entrypoints.http.auth import (
    ACCESS_COOKIE,
    ACCESS_TTL,
    ACCOUNT_COOKIE,
    BearerTokens,
    is_console,
)

REFRESH_COOKIE = "fancrm_session_refresh"
# A page and its polls may all find the access token expired at once and present the same
# refresh token: the first spends it, the others get its successor instead of ending the session
# as a replay would. A token is remembered this long after it is spent, in this process.
_SPENT_GRACE_S = 30.0


def session_cookies(tokens: BearerTokens, issued: IssuedRefresh) -> list[Cookie]:
    access = tokens.access(issued.user_id, issued.session_id)
    return [
        _cookie(ACCESS_COOKIE, access, ACCESS_TTL.total_seconds()),
        _cookie(REFRESH_COOKIE, issued.token, REFRESH_TTL.total_seconds()),
    ]


def account_cookie(account_id: str) -> Cookie:
    return _cookie(ACCOUNT_COOKIE, account_id, REFRESH_TTL.total_seconds())


def cleared_cookies() -> list[Cookie]:
    return [_cookie(name, "", 0) for name in (ACCESS_COOKIE, REFRESH_COOKIE, ACCOUNT_COOKIE)]


def _cookie(key: str, value: str, max_age_s: float) -> Cookie:
    # Lax, not Strict: a link into the console from elsewhere (an invitation) finds the session.
    # Changes are guarded by the CSRF token, not by SameSite.
    return Cookie(
        key=key,
        value=value,
        path="/",
        max_age=int(max_age_s),
        httponly=True,
        secure=True,
        samesite="lax",
    )


class SessionRefresh:
    """Before a console route is authenticated: an expired or missing access cookie is renewed
    from the refresh cookie, for this request (its cookie header) and the browser (Set-Cookie).
    A refresh token that cannot be spent changes nothing: the route then asks to sign in."""

    def __init__(
        self,
        app: ASGIApp,
        tokens: BearerTokens,
        refresh_session: Callable[[], Awaitable[RefreshSession]],
    ) -> None:
        self._app = app
        self._tokens = tokens
        self._refresh_session = refresh_session
        self._spent: dict[str, tuple[float, asyncio.Future[IssuedRefresh]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_console(scope):
            await self._app(scope, receive, send)
            return
        cookies = _cookies_of(scope)
        refresh = cookies.get(REFRESH_COOKIE)
        if not refresh or self._access_is_live(cookies.get(ACCESS_COOKIE)):
            await self._app(scope, receive, send)
            return
        try:
            issued = await self._spend(refresh)
        except Unauthenticated:
            await self._app(scope, receive, send)
            return
        renewed = session_cookies(self._tokens, issued)
        _replace_cookie_header(scope, {**cookies, **{c.key: c.value or "" for c in renewed}})
        await self._app(scope, receive, _setting(send, renewed))

    def _access_is_live(self, access: str | None) -> bool:
        if not access:
            return False
        try:
            self._tokens.claims(access)
        except Unauthenticated:
            return False
        return True

    async def _spend(self, refresh: str) -> IssuedRefresh:
        now = time.monotonic()
        self._spent = {t: v for t, v in self._spent.items() if now - v[0] < _SPENT_GRACE_S}
        if refresh in self._spent:
            return await asyncio.shield(self._spent[refresh][1])
        future: asyncio.Future[IssuedRefresh] = asyncio.get_running_loop().create_future()
        self._spent[refresh] = (now, future)
        try:
            future.set_result(await (await self._refresh_session()).execute(refresh))
        except Exception as error:
            del self._spent[refresh]
            future.set_exception(error)
            future.exception()  # retrieved: a refusal no one else awaited is not "never retrieved"
            raise
        return future.result()


def _cookies_of(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope["headers"] if k == b"cookie").decode("latin-1")
    parsed: SimpleCookie = SimpleCookie()
    try:
        parsed.load(raw)
    except Exception:  # a malformed cookie header is as good as none
        return {}
    return {key: morsel.value for key, morsel in parsed.items()}


def _replace_cookie_header(scope: Scope, cookies: dict[str, str]) -> None:
    header = "; ".join(f"{k}={v}" for k, v in cookies.items()).encode("latin-1")
    scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
    scope["headers"].append((b"cookie", header))


def _setting(send: Send, cookies: list[Cookie]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: Any = message.setdefault("headers", [])
            for cookie in cookies:
                headers.append((b"set-cookie", cookie.to_header(header="").encode("latin-1")))
        await send(message)

    return sending
