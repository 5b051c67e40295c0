"""Brute force: failed sign-ins are counted per email and per client address in the token
bucket every process shares; past either limit, no password is even checked (429)."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import RateLimited
from core.identity.tokens import digest
from core.ports import RateLimiter
from core.ratelimit import MICROS, Decision, Policy

# 5 failures at once for one email, then one more every 3 minutes (5 per 15 minutes).
FAILURES_PER_EMAIL = Policy(capacity=5, interval_us=180 * MICROS)
# 20 at once from one address (an agency's office shares one), then one every 45 s.
FAILURES_PER_ADDRESS = Policy(capacity=20, interval_us=45 * MICROS)
TOO_MANY = "too many failed sign-ins; try again later"


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    limiter: RateLimiter

    async def check(self, email: str, address: str | None) -> None:
        """RateLimited when one more failure would pass a limit. Fails closed: with the
        limiter unreachable this raises Unavailable, and no password is guessed unthrottled."""
        for key, policy in self._buckets(email, address):
            decision = await self.limiter.peek(key, policy)
            if decision.remaining < 1:
                wait_s = _until_one_more(decision, policy) / MICROS
                raise RateLimited(
                    TOO_MANY, retry_after_s=wait_s, detail={"retryAfterSeconds": round(wait_s)}
                )

    async def failed(self, email: str, address: str | None) -> None:
        await self.limiter.acquire_many(self._buckets(email, address))

    @staticmethod
    def _buckets(email: str, address: str | None) -> list[tuple[str, Policy]]:
        # The email's digest: a key (and Redis) never holds what someone typed as an email,
        # which is now and then their password.
        buckets = [(f"login:email:{digest(email)[:32]}", FAILURES_PER_EMAIL)]
        if address:
            buckets.append((f"login:address:{address}", FAILURES_PER_ADDRESS))
        return buckets


def _until_one_more(decision: Decision, policy: Policy) -> int:
    """Microseconds until the bucket (empty now) holds one token again."""
    return max(1, decision.reset_after_us - (policy.capacity - 1) * policy.interval_us)
