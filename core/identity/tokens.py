"""Opaque secrets (refresh tokens, API key secrets, invitation tokens) and the ids of what they
open. A secret is 256 random bits, shown once and stored only as its SHA-256 digest: a leaked
table opens nothing, and 256 bits need no slow hash to resist guessing."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

API_KEY_PREFIX = "fck_"
_KEY_ID_BYTES = 8
_SECRET_BYTES = 32
# token_urlsafe(32): 43 characters of the URL-safe base64 alphabet, without padding.
SECRET_PATTERN = r"[A-Za-z0-9_-]{43}"
KEY_ID_PATTERN = rf"[0-9a-f]{{{2 * _KEY_ID_BYTES}}}"
API_KEY_PATTERN = rf"{API_KEY_PREFIX}({KEY_ID_PATTERN})_({SECRET_PATTERN})"
_API_KEY = re.compile(API_KEY_PATTERN)


def new_id() -> str:
    """A user's or a session's id: 128 random bits in hex."""
    return secrets.token_hex(16)


def new_short_id() -> str:
    """An API key's or an invitation's id: 64 random bits in hex (the secret guards it)."""
    return secrets.token_hex(_KEY_ID_BYTES)


def new_secret() -> str:
    return secrets.token_urlsafe(_SECRET_BYTES)


def digest(secret: str) -> str:
    """What is stored of a secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    """Whether `secret` is the one `stored_digest` was made from, in constant time."""
    return hmac.compare_digest(digest(secret), stored_digest)


@dataclass(frozen=True, slots=True)
class ApiKeySecret:
    """An API key as its holder sends it: `fck_<key id>_<secret>`."""

    key_id: str
    secret: str

    def __str__(self) -> str:
        return f"{API_KEY_PREFIX}{self.key_id}_{self.secret}"

    @classmethod
    def new(cls) -> ApiKeySecret:
        return cls(new_short_id(), new_secret())

    @classmethod
    def parse(cls, text: str) -> ApiKeySecret | None:
        """The key `text` spells, or None when it is not one (never raises)."""
        found = _API_KEY.fullmatch(text)
        return None if found is None else cls(found.group(1), found.group(2))

    @staticmethod
    def looks_like_one(text: str) -> bool:
        """Whether a bearer credential is meant as an API key rather than a JWT."""
        return text.startswith(API_KEY_PREFIX)
