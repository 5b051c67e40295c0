"""The outbox sweep: relay what is left `pending`, paced by each creator's send bucket.

Single sends are relayed by the API at once; the sweep picks up those a crash left behind, and
scheduled ones once due (made pending first, in one UPDATE: a duplicate relay by two sweeps is
harmless, the consumer's claim lets one delivery through).
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
from core.messaging.eta import already_waiting, plan_backlog
from core.messaging.pace import paced, slots_within
from core.messaging.ports import MessagingStorage
from core.messaging.relay import OutboxRelay
from core.planning import Lane, Waiting, micros
from core.ports import Clock, RateLimiter
from core.settings import AccountRules

BATCH = 500  # rows read and relayed at a time
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SweepOutbox:
    storage: MessagingStorage
    relay: OutboxRelay
    limiter: RateLimiter
    clock: Clock
    config: MessagingConfig
    rules: AccountRules | None = None  # None: read from `storage`, with a cache of its own

    def __post_init__(self) -> None:
        if self.rules is None:
            object.__setattr__(self, "rules", AccountRules(self.storage, self.config.send_policy))

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
        async with self.storage.begin() as uow:
            await uow.outbox.pend_due_scheduled(self.clock.now())
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
        """Relay the rows the planner puts within the horizon, each delayed until its time: not
        those it puts past a quiet window, nor past what the bucket lets through meanwhile."""
        assert self.rules is not None
        settings = await self.rules.of(user_id)
        policy = settings.policy
        horizon = timedelta(seconds=self.config.campaign_horizon_s)
        within_horizon = policy.capacity + horizon // timedelta(microseconds=policy.interval_us)
        relayed = 0
        while True:
            now = self.clock.now()
            async with self.storage.begin() as uow:
                interactive = await uow.outbox.count_interactive(user_id)
                ahead = await uow.outbox.count_on_queue(user_id) - interactive
                room = min(within_horizon - max(ahead, 0), BATCH)
                paces = await uow.outbox.campaign_paces(user_id)
                caps = {p.campaign_id: slots_within(p, now, horizon) for p in paces}
                rows = await uow.outbox.campaign_outbox(user_id, room, caps) if room > 0 else []
            waiting = already_waiting(Lane.INTERACTIVE, interactive, now)
            waiting += already_waiting(Lane.BULK, ahead, now)
            waiting += [Waiting(Lane.BULK, m.priority, micros(now), key=m.id) for m in rows]
            planned = paced(
                await plan_backlog(self.limiter, settings, now, waiting), rows, paces, now
            )
            due = [m for m in rows if planned[m.id] - now <= horizon]
            if not due:
                return relayed
            delays = {m.id: int((planned[m.id] - now).total_seconds()) for m in due}
            unqueued = await self.relay.relay(due, delays, fail_unqueued=False)
            relayed += len(due) - len(unqueued)
            _warn_if_unqueued(unqueued)
            if unqueued or len(due) < room:
                return relayed


def _warn_if_unqueued(unqueued: set[UUID]) -> None:
    if unqueued:
        log.warning("queue unreachable; rows stay pending for the next sweep",
                    extra={"rows": len(unqueued)})  # fmt: skip
