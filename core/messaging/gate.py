"""Whether an envelope may go out now, by its account's rules: the quiet window, then the
account's bucket as the envelope's lane sees it (core.planning: the bulk lane leaves a token for
replies and single sends, so they pass a running campaign within one interval)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.errors import Unavailable
from core.messaging.config import MessagingConfig
from core.messaging.records import Envelope
from core.planning import Lane, lane_policy, micros
from core.ports import Clock, Metrics, RateLimiter
from core.settings import AccountRules

log = logging.getLogger(__name__)


def lane_of(envelope: Envelope) -> Lane:
    return Lane.BULK if envelope.campaign_id is not None else Lane.INTERACTIVE


@dataclass(frozen=True, slots=True)
class SendGate:
    limiter: RateLimiter
    rules: AccountRules
    metrics: Metrics
    clock: Clock
    config: MessagingConfig

    async def interval_s(self, user_id: str) -> float:
        settings = await self.rules.of(user_id)
        return settings.policy.interval_us / 1_000_000

    async def wait_s(self, envelope: Envelope) -> tuple[float, str] | None:
        """None when the envelope may go now (a token was taken); else how long to wait, why."""
        settings = await self.rules.of(envelope.user_id)
        rules = settings.rules
        now = micros(self.clock.now())
        opens = rules.next_open(now)
        if opens > now:
            return (opens - now) / 1_000_000, "quiet_hours"
        policy = lane_policy(rules.policy, lane_of(envelope))
        try:
            decision = await self.limiter.acquire(
                MessagingConfig.bucket_key(envelope.user_id), policy
            )
        except Unavailable:
            # Fail closed: without the bucket we cannot prove the send is within the limit.
            self.metrics.increment("onlyfans.ratelimiter.unavailable")
            log.warning("send bucket unreachable; deferring")
            return self.config.limiter_down_delay_s, "rate_limited"
        return None if decision.allowed else (decision.retry_after_s, "rate_limited")
