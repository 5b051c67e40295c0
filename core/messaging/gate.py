"""Whether an envelope may go out now, by its account's rules: the quiet window, then the
account's bucket as each envelope's lane sees it (core.planning: the bulk lane leaves a token for
replies and single sends, so they pass a running campaign within one interval)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import Unavailable
from core.messaging.config import MessagingConfig
from core.messaging.records import Envelope
from core.planning import Lane, lane_policy, micros
from core.ports import Clock, Metrics, RateLimiter
from core.ratelimit import Policy
from core.settings import AccountRules

log = logging.getLogger(__name__)


def lane_of(envelope: Envelope) -> Lane:
    """Campaigns' and automations' messages in the bulk lane; replies and single sends not."""
    bulk = envelope.campaign_id is not None or envelope.automation_id is not None
    return Lane.BULK if bulk else Lane.INTERACTIVE


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

    async def wait_many(self, envelopes: Sequence[Envelope]) -> list[tuple[float, str] | None]:
        """For each envelope, in order: None when it may go now (a token was taken), else how
        long it waits and why. The quiet window first; then the bucket, in one pipelined call."""
        now = micros(self.clock.now())
        waits: list[tuple[float, str] | None] = []
        asking: list[tuple[int, str, Policy]] = []
        for index, envelope in enumerate(envelopes):
            rules = (await self.rules.of(envelope.user_id)).rules
            opens = rules.next_open(now)
            if opens > now:
                waits.append(((opens - now) / 1_000_000, "quiet_hours"))
                continue
            waits.append(None)
            policy = lane_policy(rules.policy, lane_of(envelope))
            asking.append((index, MessagingConfig.bucket_key(envelope.user_id), policy))
        if not asking:
            return waits
        try:
            decisions = await self.limiter.acquire_many(
                [(key, policy) for _, key, policy in asking]
            )
        except Unavailable:
            # Fail closed: without the bucket we cannot prove a send is within the limit.
            self.metrics.increment("onlyfans.ratelimiter.unavailable", len(asking))
            log.warning("send bucket unreachable; deferring", extra={"envelopes": len(asking)})
            decisions = None
        for position, (index, _, _) in enumerate(asking):
            if decisions is None:
                waits[index] = (self.config.limiter_down_delay_s, "rate_limited")
            elif not decisions[position].allowed:
                waits[index] = (decisions[position].retry_after_s, "rate_limited")
        return waits
