"""Bearer JWT (HS256) through Litestar's JWTAuth; the token's `sub` is the user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTAuth, Token

PUBLIC_PATHS = ["^/health$", "^/metrics$", "^/schema"]
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
    return JWTAuth[str, Token](
        token_secret=secret,
        retrieve_user_handler=_user_of,
        exclude=PUBLIC_PATHS,
        token_cls=RememberedToken,
    )


def issue_token(secret: str, user_id: str, ttl: timedelta = timedelta(hours=24)) -> str:
    return Token(sub=user_id, exp=datetime.now(UTC) + ttl).encode(secret, "HS256")
