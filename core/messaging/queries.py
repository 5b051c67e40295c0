"""Read-side use cases: one message, the failed ones, and the queue's status for a creator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.errors import found
from core.messaging.config import MessagingConfig
from core.messaging.eta import tokens_available, wait_for
from core.messaging.ports import MessagingStorage
from core.messaging.records import Message, MessageStatus
from core.paging import Page
from core.ports import Clock, RateLimiter

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
class OutboundCounts:
    """One creator's outbound messages by where they are; nothing of another tenant's queue."""

    waiting: int  # pending or queued: not yet taken by a consumer (a deferred one included)
    sending: int  # claimed by a consumer, delivery under way
    held: int  # of a paused campaign
    failed: int  # given up on; each can be retried

    @classmethod
    def of(cls, by_status: dict[MessageStatus, int]) -> OutboundCounts:
        count = by_status.get
        return cls(
            waiting=count(MessageStatus.PENDING, 0) + count(MessageStatus.QUEUED, 0),
            sending=count(MessageStatus.SENDING, 0),
            held=count(MessageStatus.HELD, 0),
            failed=count(MessageStatus.FAILED, 0),
        )

    @property
    def backlog(self) -> int:
        """What the creator's bucket still has to let through (held rows wait for a resume)."""
        return self.waiting + self.sending


@dataclass(frozen=True, slots=True)
class QueueStatus:
    counts: OutboundCounts
    estimated_time_s: float
    rate_per_minute: float
    last_processed_at: datetime | None
    healthy: bool
    health_message: str
    timestamp: datetime

    @property
    def backlog(self) -> int:
        return self.counts.backlog


@dataclass(frozen=True, slots=True)
class GetQueueStatus:
    """The queue as one creator sees it: figures of their own messages only (the shared queue's
    totals are for operators, on /metrics)."""

    storage: MessagingStorage
    limiter: RateLimiter
    clock: Clock
    config: MessagingConfig

    async def execute(self, user_id: str) -> QueueStatus:
        async with self.storage.begin() as uow:
            counts = OutboundCounts.of(await uow.messages.count_outbound_by_status(user_id))
            last_sent = await uow.messages.last_sent_at(user_id)
        available = await tokens_available(self.limiter, self.config, user_id)
        wait = wait_for(counts.backlog, available, self.config)
        healthy, message = _health(self.config)
        return QueueStatus(
            counts=counts,
            estimated_time_s=wait.total_seconds(),
            rate_per_minute=self.config.send_policy.rate_per_minute,
            last_processed_at=last_sent,
            healthy=healthy,
            health_message=message,
            timestamp=self.clock.now(),
        )


def _health(config: MessagingConfig) -> tuple[bool, str]:
    if not config.enabled:
        return False, "outbound messaging is switched off"
    return True, "queue is processing normally"
