"""Who is calling: the bearer credential of every request but the public ones, resolved into the
`Caller` (account, role, author) the handlers act for.

Three kinds, all in `Authorization: Bearer …`:
- a person's access token: a JWT (HS256, JWT_SECRET) with `typ: "access"`, the user in `sub`
  and the session in `sid`, living 15 minutes. Every request checks the session and the
  membership in one query, so a removed member or a lowered role acts at once. The account is
  the `X-Fancrm-Account` header, else the one chosen at sign-in, else the earliest joined;
- an API key `fck_<key id>_<secret>`, acting in its account with its role;
- the service token: a JWT signed with JWT_SECRET without `typ`, its `sub` the account it acts
  in as owner (server-to-server clients, `fancrm token`).

The console's routes (opt `console`) read the same credential from the `fancrm_session` cookie
and the account from `fancrm_account` instead (entrypoints.http.console.session), and nothing
else does: a cookie alone never authenticates an API call, so the API needs no CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.middleware import DefineMiddleware
from litestar.middleware.authentication import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
)
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme
from litestar.types import ASGIApp, Method

from core.accounts import Author, Caller, Role
from core.errors import Forbidden, Unauthenticated
from core.identity import MAX_ACCOUNT_ID_LENGTH, ApiKeySecret, AuthenticateKey, AuthenticatePerson
from entrypoints.config import ConfigError

# Public: no bearer token. The sign-in routes carry their own credential (a password, a refresh
# token, an invitation token) and answer these statuses besides the ones every route may.
SIGN_IN_ANSWERS: dict[str, tuple[int, ...]] = {
    "/api/auth/login": (401, 403, 429),
    "/api/auth/refresh": (401,),
    "/api/auth/logout": (),
    "/api/auth/invitations/accept": (401, 404, 429),
}
ACCOUNT_HEADER = "X-Fancrm-Account"
CONSOLE = "console"  # the opt of a console route: its credential comes in cookies
ACCESS_COOKIE = "fancrm_session"
ACCOUNT_COOKIE = "fancrm_account"
SECURITY_SCHEME = "BearerToken"
# The longest a token may live: the server refuses one that would outlive it (whoever signed
# it), so a leaked token is worthless after a month at most.
MAX_TOKEN_TTL = timedelta(days=30)
ACCESS_TTL = timedelta(minutes=15)
_CLOCK_SKEW = timedelta(minutes=5)
_MAX_REMEMBERED = 10_000
_ALGORITHM = "HS256"
_ACCESS = "access"


def is_console(scope: Any) -> bool:
    """Whether the request is routed to a console page (its credential is in cookies)."""
    handler = scope.get("route_handler")
    return handler is not None and bool(handler.opt.get(CONSOLE))


class BearerTokens:
    """Signs people's access tokens and checks every JWT, with JWT_SECRET.

    A client sends the same token on every request; checking its HMAC and decoding its claims
    was a sixth of the send endpoint's CPU (measured), so a token checked once is remembered
    (its expiry is still checked every time).
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ConfigError("JWT_SECRET must be set to serve the API")
        self._secret = secret
        self._verified: dict[str, dict[str, Any]] = {}

    def access(self, user_id: str, session_id: str) -> str:
        now = datetime.now(UTC)
        claims = {"typ": _ACCESS, "sub": user_id, "sid": session_id, "iat": now}
        return jwt.encode({**claims, "exp": now + ACCESS_TTL}, self._secret, _ALGORITHM)

    def claims(self, encoded: str) -> dict[str, Any]:
        """The claims of a token signed with the secret, unexpired, living at most 30 days."""
        claims = self._verified.get(encoded)
        now = datetime.now(UTC)
        if claims is None:
            claims = self._decode(encoded, now)
            if len(self._verified) >= _MAX_REMEMBERED:
                self._verified.clear()
            self._verified[encoded] = claims
        elif claims["exp"] <= now.timestamp():
            del self._verified[encoded]
            raise Unauthenticated("the token has expired")
        return claims

    def _decode(self, encoded: str, now: datetime) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                encoded, self._secret, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]}
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("invalid token") from None
        if claims["exp"] > (now + MAX_TOKEN_TTL + _CLOCK_SKEW).timestamp():
            raise Unauthenticated("token lifetime exceeds 30 days")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise Unauthenticated("invalid token")
        return claims


def issue_token(secret: str, user_id: str, ttl: timedelta = timedelta(hours=24)) -> str:
    """A service token: acts as the owner of account `user_id` (no `typ` claim)."""
    if not timedelta(0) < ttl <= MAX_TOKEN_TTL:
        raise ValueError(f"a token lives more than 0 and at most {MAX_TOKEN_TTL}, not {ttl}")
    now = datetime.now(UTC)
    return jwt.encode({"sub": user_id, "iat": now, "exp": now + ttl}, secret, _ALGORITHM)


@dataclass(frozen=True, slots=True)
class Authenticators:
    person: AuthenticatePerson
    key: AuthenticateKey


class CredentialsMiddleware(AbstractAuthenticationMiddleware):
    """Sets `scope["user"]` to the account (the tenant the handlers read as `request.user`, and
    the key of the API limit) and `scope["auth"]` to the `Caller`."""

    def __init__(
        self,
        app: ASGIApp,
        tokens: BearerTokens,
        authenticators: Callable[[], Awaitable[Authenticators]],
        exclude_http_methods: list[Method],
    ) -> None:
        # What needs no bearer token is the permission table's to say: it marks those routes
        # `exclude_from_auth` (entrypoints.http.permissions), the option this checks.
        super().__init__(app, exclude_http_methods=exclude_http_methods)
        self._tokens = tokens
        self._made = authenticators
        self._authenticators: Authenticators | None = None

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        if is_console(connection.scope):
            caller = await self._console_caller(connection)
        else:
            caller = await self._caller(_bearer(connection), _account_named(connection))
        return AuthenticationResult(user=caller.account, auth=caller)

    async def _console_caller(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
        credential = _session_cookie(connection)
        account = connection.cookies.get(ACCOUNT_COOKIE) or None
        try:
            return await self._caller(credential, account)
        except Forbidden:
            # The account chosen earlier is no longer theirs: the console opens in the default
            # one rather than refusing every page, the switcher included.
            if account is None:
                raise
            return await self._caller(credential, None)

    async def _caller(self, credential: str, account: str | None) -> Caller:
        # Built on the first request: the container's storage opens in the app's lifespan.
        if self._authenticators is None:
            self._authenticators = await self._made()
        if ApiKeySecret.looks_like_one(credential):
            key = ApiKeySecret.parse(credential)
            if key is None:
                raise Unauthenticated("malformed API key")
            return _acting_in(await self._authenticators.key.execute(key), account)
        claims = self._tokens.claims(credential)
        kind = claims.get("typ")
        if kind is None:  # the service token
            return _acting_in(Caller(claims["sub"], Role.OWNER, Author.service()), account)
        if kind == _ACCESS and isinstance(claims.get("sid"), str):
            return await self._authenticators.person.execute(claims["sub"], claims["sid"], account)
        raise Unauthenticated("invalid token")


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    scheme, _, credential = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Unauthenticated("no bearer token: send Authorization: Bearer <token>")
    return credential.strip()


def _session_cookie(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    credential = connection.cookies.get(ACCESS_COOKIE)
    if not credential:
        raise Unauthenticated("not signed in")
    return credential


def _account_named(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    named = connection.headers.get(ACCOUNT_HEADER)
    if named is None:
        return None
    if not named or len(named) > MAX_ACCOUNT_ID_LENGTH or not named.isprintable():
        raise Forbidden(f"{ACCOUNT_HEADER} names no account you are a member of")
    return named


def _acting_in(caller: Caller, account: str | None) -> Caller:
    """A key or the service token acts in its own account only."""
    if account is not None and account != caller.account:
        raise Forbidden(f"this credential acts in account {caller.account} only")
    return caller


_DESCRIPTION = (
    "A person's access token (from POST /api/auth/login, 15 minutes; the account is the "
    f"{ACCOUNT_HEADER} header, else the one chosen at sign-in, else the earliest joined), an "
    "API key `fck_…` (made by an owner for one account, with a role), or the service token "
    "signed with JWT_SECRET (acts as the owner of the account its `sub` names)."
)


@dataclass(frozen=True, slots=True)
class Authentication:
    """The app's authentication: the middleware first of all, and the bearer scheme in the
    OpenAPI document (as Litestar's own security configs do)."""

    tokens: BearerTokens
    authenticators: Callable[[], Awaitable[Authenticators]]

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        middleware = DefineMiddleware(
            CredentialsMiddleware,
            tokens=self.tokens,
            authenticators=self.authenticators,
            exclude_http_methods=["OPTIONS", "HEAD"],
        )
        app_config.middleware.insert(0, middleware)
        if app_config.openapi_config is not None:
            openapi = app_config.openapi_config = copy(app_config.openapi_config)
            scheme = SecurityScheme(
                type="http",
                scheme="Bearer",
                name="Authorization",
                bearer_format="JWT or fck_ API key",
                description=_DESCRIPTION,
            )
            openapi.components = [
                Components(security_schemes={SECURITY_SCHEME: scheme}),
                *(
                    openapi.components
                    if isinstance(openapi.components, list)
                    else [openapi.components]
                ),
            ]
            requirement: SecurityRequirement = {SECURITY_SCHEME: []}
            openapi.security = [*(openapi.security or []), requirement]
        return app_config
