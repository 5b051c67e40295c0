"""Bearer JWT (HS256) through Litestar's JWTAuth; the token's `sub` is the user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTAuth, Token

from entrypoints.config import ConfigError

PUBLIC_PATHS = ["^/health$", "^/metrics$", "^/schema", "^/static/"]
# The longest a token may live: the server refuses one that would outlive it (whoever signed
# it), so a leaked token is worthless after a month at most.
MAX_TOKEN_TTL = timedelta(days=30)
_CLOCK_SKEW = timedelta(minutes=5)
_MAX_REMEMBERED = 10_000


class RememberedToken(Token):
    """A Token whose signature check is done once per encoded token, then remembered.

    A client sends the same token on every request; checking its HMAC and decoding its claims
    was a sixth of the send endpoint's CPU (measured). The expiry is still checked every time.
    """

    _verified: ClassVar[dict[tuple[str, str, str], Token]] = {}

    @classmethod
    def decode(cls, encoded_token: str, secret: str, algorithm: str, **options: Any) -> Token:
        key = (encoded_token, secret, algorithm)
        token = cls._verified.get(key)
        if token is None:
            token = super().decode(encoded_token, secret, algorithm, **options)
            if token.exp > datetime.now(UTC) + MAX_TOKEN_TTL + _CLOCK_SKEW:
                raise NotAuthorizedException("token lifetime exceeds 30 days")
            if len(cls._verified) >= _MAX_REMEMBERED:
                cls._verified.clear()
            cls._verified[key] = token
        elif token.exp <= datetime.now(UTC):
            del cls._verified[key]
            raise NotAuthorizedException("Invalid token")
        return token


async def _user_of(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return token.sub or None


def jwt_auth(secret: str) -> JWTAuth[str, Token]:
    if not secret:
        raise ConfigError("JWT_SECRET must be set to serve the API")
    return JWTAuth[str, Token](
        token_secret=secret,
        retrieve_user_handler=_user_of,
        exclude=PUBLIC_PATHS,
        token_cls=RememberedToken,
    )


def issue_token(secret: str, user_id: str, ttl: timedelta = timedelta(hours=24)) -> str:
    if not timedelta(0) < ttl <= MAX_TOKEN_TTL:
        raise ValueError(f"a token lives more than 0 and at most {MAX_TOKEN_TTL}, not {ttl}")
    return Token(sub=user_id, exp=datetime.now(UTC) + ttl).encode(secret, "HS256")
