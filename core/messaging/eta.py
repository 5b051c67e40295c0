"""When a creator's backlog gets through the send bucket: one estimate for sends and status."""

from __future__ import annotations

from datetime import timedelta

from core.errors import Unavailable
from core.messaging.config import MessagingConfig
from core.ports import RateLimiter


async def tokens_available(limiter: RateLimiter, config: MessagingConfig, user_id: str) -> int:
    """Tokens the creator's bucket holds now; none when it cannot be asked (fail closed)."""
    try:
        decision = await limiter.peek(MessagingConfig.bucket_key(user_id), config.send_policy)
    except Unavailable:
        return 0
    return decision.remaining


def wait_for(position: int, available: int, config: MessagingConfig) -> timedelta:
    """How long the `position`-th message of a backlog waits, with `available` tokens now."""
    waiting = max(0, position - available)
    return timedelta(microseconds=waiting * config.send_policy.interval_us)
