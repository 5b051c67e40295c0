"""The outbox sweep: relay what is left `pending`, paced by each creator's send bucket.

A full sweep first carries on any campaign fan-out not yet ended (an API that crashed or stopped
mid-fan-out), so what it relays next includes those rows.
Single sends are relayed by the API at once; the sweep picks up those a crash left behind.
A campaign's rows are relayed here only: per creator, as many as the bucket will let through
within `campaign_horizon_s` after what is already on the queue, each delayed until its turn.
Run by `fancrm worker` (and the dev server's worker) every few seconds and by a scheduled Lambda.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from core.campaigns.fan_out import ContinueFanOuts
from core.messaging.config import MessagingConfig
from core.messaging.eta import tokens_available, wait_for
from core.messaging.relay import OutboxRelay
from core.ports import Clock, RateLimiter, Storage

BATCH = 500  # rows read and relayed at a time
log = logging.getLogger(__name__)


class SweepOutbox:
    def __init__(
        self,
        storage: Storage,
        relay: OutboxRelay,
        limiter: RateLimiter,
        clock: Clock,
        config: MessagingConfig,
        fan_outs: ContinueFanOuts,
    ) -> None:
        self._storage = storage
        self._fan_outs = fan_outs
        self._relay = relay
        self._limiter = limiter
        self._clock = clock
        self._config = config

    async def execute(self, user_id: str | None = None) -> int:
        """Relay what is due (only `user_id`'s campaigns, when given); how many were queued."""
        if not self._config.enabled:
            return 0  # the kill switch: nothing goes on the queue
        if user_id is None:
            await self._fan_outs.execute()
        relayed = 0 if user_id else await self._single_sends()
        if user_id:
            creators = [user_id]
        else:
            async with self._storage.begin() as uow:
                creators = await uow.messages.outbox_creators()
        for creator in creators:
            relayed += await self._campaign_rows(creator)
        return relayed

    async def _single_sends(self) -> int:
        before = self._clock.now() - timedelta(seconds=self._config.stale_single_send_s)
        relayed = 0
        while True:
            async with self._storage.begin() as uow:
                stale = await uow.messages.stale_single_sends(before, BATCH)
            if not stale:
                return relayed
            unqueued = await self._relay.relay(stale, fail_unqueued=False)
            relayed += len(stale) - len(unqueued)
            _warn_if_unqueued(unqueued)
            if unqueued or len(stale) < BATCH:  # the queue is down, or nothing is left
                return relayed

    async def _campaign_rows(self, user_id: str) -> int:
        available = await tokens_available(self._limiter, self._config, user_id)
        interval_us = self._config.send_policy.interval_us
        within_horizon = available + self._config.campaign_horizon_s * 1_000_000 // interval_us
        relayed = 0
        while True:
            async with self._storage.begin() as uow:
                ahead = await uow.messages.count_on_queue(user_id)
                room = min(int(within_horizon) - ahead, BATCH)
                rows = await uow.messages.campaign_outbox(user_id, room) if room > 0 else []
            if not rows:
                return relayed
            delays = {
                m.id: int(wait_for(ahead + i + 1, available, self._config).total_seconds())
                for i, m in enumerate(rows)
            }
            unqueued = await self._relay.relay(rows, delays, fail_unqueued=False)
            relayed += len(rows) - len(unqueued)
            _warn_if_unqueued(unqueued)
            if unqueued or len(rows) < room:
                return relayed


def _warn_if_unqueued(unqueued: set[UUID]) -> None:
    if unqueued:
        log.warning("queue unreachable; rows stay pending for the next sweep",
                    extra={"rows": len(unqueued)})  # fmt: skip
