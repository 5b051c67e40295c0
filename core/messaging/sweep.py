"""The outbox sweep: relay what is left `pending`, paced by each creator's send bucket.

Single sends are relayed by the API at once; the sweep picks up those a crash left behind.
A campaign's rows are relayed here only: per creator, as many as the bucket will let through
within `campaign_horizon_s` after what is already on the queue, each delayed until its turn.
Run by each tick (core/tick.py) of `fancrm worker`, the dev server's worker and the Lambda.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from core.messaging.config import MessagingConfig
from core.messaging.eta import tokens_available, wait_for
from core.messaging.ports import MessagingStorage
from core.messaging.relay import OutboxRelay
from core.ports import Clock, RateLimiter

BATCH = 500  # rows read and relayed at a time
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SweepOutbox:
    storage: MessagingStorage
    relay: OutboxRelay
    limiter: RateLimiter
    clock: Clock
    config: MessagingConfig

    async def execute(self, user_id: str | None = None) -> int:
        """Relay what is due (only `user_id`'s campaigns, when given); how many were queued."""
        if not self.config.enabled:
            return 0  # the kill switch: nothing goes on the queue
        relayed = 0 if user_id else await self._single_sends()
        if user_id:
            creators = [user_id]
        else:
            async with self.storage.begin() as uow:
                creators = await uow.outbox.outbox_creators()
        for creator in creators:
            relayed += await self._campaign_rows(creator)
        return relayed

    async def _single_sends(self) -> int:
        before = self.clock.now() - timedelta(seconds=self.config.stale_single_send_s)
        relayed = 0
        while True:
            async with self.storage.begin() as uow:
                stale = await uow.outbox.stale_single_sends(before, BATCH)
            if not stale:
                return relayed
            unqueued = await self.relay.relay(stale, fail_unqueued=False)
            relayed += len(stale) - len(unqueued)
            _warn_if_unqueued(unqueued)
            if unqueued or len(stale) < BATCH:  # the queue is down, or nothing is left
                return relayed

    async def _campaign_rows(self, user_id: str) -> int:
        available = await tokens_available(self.limiter, self.config, user_id)
        interval_us = self.config.send_policy.interval_us
        within_horizon = available + self.config.campaign_horizon_s * 1_000_000 // interval_us
        relayed = 0
        while True:
            async with self.storage.begin() as uow:
                ahead = await uow.outbox.count_on_queue(user_id)
                room = min(int(within_horizon) - ahead, BATCH)
                rows = await uow.outbox.campaign_outbox(user_id, room) if room > 0 else []
            if not rows:
                return relayed
            delays = {
                m.id: int(wait_for(ahead + i + 1, available, self.config).total_seconds())
                for i, m in enumerate(rows)
            }
            unqueued = await self.relay.relay(rows, delays, fail_unqueued=False)
            relayed += len(rows) - len(unqueued)
            _warn_if_unqueued(unqueued)
            if unqueued or len(rows) < room:
                return relayed


def _warn_if_unqueued(unqueued: set[UUID]) -> None:
    if unqueued:
        log.warning("queue unreachable; rows stay pending for the next sweep",
                    extra={"rows": len(unqueued)})  # fmt: skip
