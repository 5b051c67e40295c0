"""Read-side use cases: one message, the failed ones, and the queue's status for a creator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.errors import found
from core.messaging.config import MessagingConfig
from core.messaging.eta import already_waiting, plan_backlog
from core.messaging.ports import MessageQueue, MessagingStorage, QueueStats
from core.messaging.records import Message
from core.paging import Page
from core.planning import Lane
from core.ports import Clock, Metrics, RateLimiter
from core.settings import AccountRules

MAX_FAILED_LISTED = 500


@dataclass(frozen=True, slots=True)
class GetMessage:
    storage: MessagingStorage

    async def execute(self, user_id: str, message_id: UUID) -> Message:
        async with self.storage.begin() as uow:
            message = found(await uow.messages.get(user_id, message_id), "message", message_id)
        return message


@dataclass(frozen=True, slots=True)
class ListFailedMessages:
    storage: MessagingStorage

    async def execute(self, user_id: str, limit: int = MAX_FAILED_LISTED) -> Page[Message]:
        async with self.storage.begin() as uow:
            return await uow.messages.list_failed(user_id, min(limit, MAX_FAILED_LISTED))


@dataclass(frozen=True, slots=True)
class QueueStatus:
    stats: QueueStats
    backlog: int  # this creator's messages not yet sent
    estimated_time_s: float
    rate_per_minute: float
    last_processed_at: datetime | None
    healthy: bool
    health_message: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class GetQueueStatus:
    storage: MessagingStorage
    queue: MessageQueue
    limiter: RateLimiter
    metrics: Metrics
    clock: Clock
    config: MessagingConfig
    rules: AccountRules

    async def execute(self, user_id: str) -> QueueStatus:
        stats = await self.queue.stats()
        self.metrics.gauge("onlyfans.queue.depth", stats.depth)
        self.metrics.gauge("onlyfans.dlq.count", stats.dlq_depth)
        async with self.storage.begin() as uow:
            backlog = await uow.messages.count_unsent(user_id)
            interactive = await uow.outbox.count_interactive(user_id)
            last_sent = await uow.messages.last_sent_at(user_id)
        settings, now = await self.rules.of(user_id), self.clock.now()
        waiting = already_waiting(Lane.INTERACTIVE, interactive, now)
        waiting += already_waiting(Lane.BULK, backlog - interactive, now)
        planned = await plan_backlog(self.limiter, settings, now, waiting)
        done = max(planned.values(), default=now)
        healthy, message = _health(stats, self.config)
        return QueueStatus(
            stats=stats,
            backlog=backlog,
            estimated_time_s=max(0.0, (done - now).total_seconds()),
            rate_per_minute=settings.policy.rate_per_minute,
            last_processed_at=last_sent,
            healthy=healthy,
            health_message=message,
            timestamp=self.clock.now(),
        )


def _health(stats: QueueStats, config: MessagingConfig) -> tuple[bool, str]:
    if not config.enabled:
        return False, "outbound messaging is switched off"
    if stats.dlq_depth:
        return False, f"{stats.dlq_depth} message(s) in the dead-letter queue"
    return True, "queue is processing normally"
