"""Read-side use cases: one message, the failed ones, and the queue's status for a creator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.errors import NotFound
from core.messaging.config import MessagingConfig
from core.messaging.eta import tokens_available, wait_for
from core.models import Message, Page
from core.ports import Clock, MessageQueue, Metrics, QueueStats, RateLimiter, Storage

MAX_FAILED_LISTED = 500


class GetMessage:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, message_id: UUID) -> Message:
        async with self._storage.begin() as uow:
            message = await uow.messages.get(user_id, message_id)
        if message is None:
            raise NotFound(f"message {message_id} not found")
        return message


class ListFailedMessages:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, limit: int = MAX_FAILED_LISTED) -> Page[Message]:
        async with self._storage.begin() as uow:
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


class GetQueueStatus:
    def __init__(
        self,
        storage: Storage,
        queue: MessageQueue,
        limiter: RateLimiter,
        metrics: Metrics,
        clock: Clock,
        config: MessagingConfig,
    ) -> None:
        self._storage = storage
        self._queue = queue
        self._limiter = limiter
        self._metrics = metrics
        self._clock = clock
        self._config = config

    async def execute(self, user_id: str) -> QueueStatus:
        stats = await self._queue.stats()
        self._metrics.gauge("onlyfans.queue.depth", stats.depth)
        self._metrics.gauge("onlyfans.dlq.count", stats.dlq_depth)
        async with self._storage.begin() as uow:
            backlog = await uow.messages.count_unsent(user_id)
            last_sent = await uow.messages.last_sent_at(user_id)
        available = await tokens_available(self._limiter, self._config, user_id)
        wait = wait_for(backlog, available, self._config)
        healthy, message = _health(stats, self._config)
        return QueueStatus(
            stats=stats,
            backlog=backlog,
            estimated_time_s=wait.total_seconds(),
            rate_per_minute=self._config.send_policy.rate_per_minute,
            last_processed_at=last_sent,
            healthy=healthy,
            health_message=message,
            timestamp=self._clock.now(),
        )


def _health(stats: QueueStats, config: MessagingConfig) -> tuple[bool, str]:
    if not config.enabled:
        return False, "outbound messaging is switched off"
    if stats.dlq_depth:
        return False, f"{stats.dlq_depth} message(s) in the dead-letter queue"
    return True, "queue is processing normally"
