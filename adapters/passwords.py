"""Passwords hashed with argon2id (argon2-cffi), off the event loop: each hash or check takes
tens of milliseconds of CPU and 64 MiB, which must not stall every other request."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_DUMMY_PASSWORD = "not anyone's password"  # hashed once; it matches no sign-in


class Argon2PasswordHasher:
    """RFC 9106's low-memory profile by default (argon2id, 3 passes, 64 MiB, 4 lanes)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    @classmethod
    def cheap(cls) -> Argon2PasswordHasher:
        """The same algorithm at its smallest cost: for tests, never for real passwords."""
        return cls(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """With None, checks against a dummy hash of the same cost, and is False."""
        stored = password_hash if password_hash is not None else await self._dummy()
        try:
            matched = await asyncio.to_thread(self._hasher.verify, stored, password)
        except (VerificationError, InvalidHashError):
            return False
        return matched and password_hash is not None

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(_DUMMY_PASSWORD)
        return self._dummy_hash
