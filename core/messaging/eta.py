"""When a creator's backlog gets through the send bucket: the send planner (core.planning) fed
with the bucket as it is now, for every estimate the API gives and every delay the relay sets."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime

from core.errors import Unavailable
from core.messaging.config import MessagingConfig
from core.messaging.records import MAX_PRIORITY
from core.planning import Lane, Waiting, from_micros, micros, plan
from core.ports import RateLimiter
from core.ratelimit import Policy
from core.settings import AccountSettings


async def bucket_tat_us(limiter: RateLimiter, policy: Policy, user_id: str, now_us: int) -> int:
    """The creator's bucket as the planner takes it (its TAT); empty when it cannot be asked."""
    try:
        decision = await limiter.peek(MessagingConfig.bucket_key(user_id), policy)
    except Unavailable:
        return now_us + policy.capacity * policy.interval_us
    return now_us + decision.reset_after_us


async def plan_backlog(
    limiter: RateLimiter,
    settings: AccountSettings,
    now: datetime,
    waiting: Sequence[Waiting],
) -> dict[Hashable, datetime]:
    """When each of `waiting` should go out (a group: its last), from the bucket as it is now."""
    now_us = micros(now)
    tat = await bucket_tat_us(limiter, settings.policy, settings.user_id, now_us)
    planned = plan(settings.rules, tat, now_us, waiting)
    return {key: from_micros(at) for key, at in planned.items()}


def already_waiting(lane: Lane, count: int, now: datetime) -> list[Waiting]:
    """A creator's `count` messages of `lane` already waiting, as one group ahead of new ones:
    the consumer serves them in queue order, whatever their priority."""
    if count <= 0:
        return []
    return [Waiting(lane, MAX_PRIORITY + 1, micros(now) - 1, key=("waiting", lane), count=count)]
