"""Read-side use cases: one message, the failed ones, and the queue's status for a creator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.errors import found
from core.messaging.config import MessagingConfig
from core.messaging.eta import already_waiting, plan_backlog
from core.messaging.ports import MessagingStorage
from core.messaging.records import Message, MessageStatus
from core.paging import Page
from core.planning import Lane
from core.ports import Clock, RateLimiter
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
    rules: AccountRules

    async def execute(self, user_id: str) -> QueueStatus:
        async with self.storage.begin() as uow:
            counts = OutboundCounts.of(await uow.messages.count_outbound_by_status(user_id))
            interactive = await uow.outbox.count_interactive(user_id)
            last_sent = await uow.messages.last_sent_at(user_id)
        settings, now = await self.rules.of(user_id), self.clock.now()
        waiting = already_waiting(Lane.INTERACTIVE, interactive, now)
        waiting += already_waiting(Lane.BULK, counts.backlog - interactive, now)
        planned = await plan_backlog(self.limiter, settings, now, waiting)
        done = max(planned.values(), default=now)
        healthy, message = _health(self.config)
        return QueueStatus(
            counts=counts,
            estimated_time_s=max(0.0, (done - now).total_seconds()),
            rate_per_minute=settings.policy.rate_per_minute,
            last_processed_at=last_sent,
            healthy=healthy,
            health_message=message,
            timestamp=self.clock.now(),
        )


def _health(config: MessagingConfig) -> tuple[bool, str]:
    if not config.enabled:
        return False, "outbound messaging is switched off"
    return True, "queue is processing normally"
