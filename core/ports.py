"""The ports: what the core needs from the outside world, as structural protocols.

Adapters conform without importing these; the contract tests prove that they do.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from core.models import (
    Conversation,
    Envelope,
    Fan,
    Message,
    MessageStatus,
    Outbound,
    Page,
    Platform,
)
from core.ratelimit import Decision, Policy

# --- queue ---------------------------------------------------------------------------------------

MAX_DELAY_S = 900  # SQS's ceiling for a per-message delay
MAX_BATCH = 10  # SQS's ceiling for one SendMessageBatch call


@dataclass(frozen=True, slots=True)
class Received:
    envelope: Envelope
    receipt: str
    receive_count: int


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class QueueStats:
    depth: int  # visible now
    in_flight: int  # received, not yet acknowledged
    delayed: int  # sent with a delay that has not run out
    dlq_depth: int


class MessageQueue(Protocol):
    async def send(self, envelope: Envelope, delay_s: int = 0) -> None: ...

    async def send_batch(
        self, envelopes: Sequence[Envelope], delays_s: Sequence[int] | None = None
    ) -> list[SendResult]:
        """One result per envelope, in order; `delays_s`, when given, is one delay per envelope."""
        ...

    async def receive(self, max_messages: int = 10, wait_s: float = 0) -> list[Received]: ...

    async def ack(self, receipt: str) -> None: ...

    async def stats(self) -> QueueStats: ...


# --- rate limiter --------------------------------------------------------------------------------


class RateLimiter(Protocol):
    async def acquire(self, key: str, policy: Policy, cost: int = 1) -> Decision: ...

    async def peek(self, key: str, policy: Policy) -> Decision: ...


# --- storage -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FanQuery:
    limit: int = 50
    offset: int = 0
    platform: Platform | None = None


class FanRepository(Protocol):
    async def add(self, fan: Fan) -> Fan: ...

    async def get(self, user_id: str, fan_id: int) -> Fan | None: ...

    async def list(self, user_id: str, query: FanQuery) -> Page[Fan]: ...


class ConversationRepository(Protocol):
    async def get_or_create(self, user_id: str, fan_id: int, platform: Platform) -> Conversation:
        """The tenant's conversation with the fan; NotFound when the fan is not the tenant's."""
        ...

    async def get_or_create_many(
        self, user_id: str, fan_ids: Collection[int]
    ) -> dict[int, Conversation]:
        """By fan id, the conversation with each of the tenant's fans among `fan_ids`.

        Ids that are not the tenant's fans are left out of the answer.
        """
        ...


class MessageRepository(Protocol):
    async def add(self, message: Message) -> None: ...

    async def add_many(self, messages: Sequence[Message]) -> None: ...

    async def get(self, user_id: str, message_id: UUID) -> Message | None: ...

    async def set_status(
        self,
        user_id: str,
        message_id: UUID,
        status: MessageStatus,
        now: datetime,
        *,
        error: str | None = None,
        attempts: int | None = None,
        only_from: MessageStatus | None = None,
    ) -> bool:
        """Move a row to `status` (and `error`), stamping `queued_at`/`sent_at` for those statuses.

        With `only_from`, only a row still in that status moves. Returns whether the row moved.
        """
        ...

    async def mark_queued(self, user_id: str, message_ids: Sequence[UUID], now: datetime) -> None:
        """pending → queued; a row the consumer already took stays as it is."""
        ...

    async def claim(
        self, user_id: str, message_id: UUID, now: datetime, lease_until: datetime
    ) -> bool:
        """pending/queued → sending, or take over a `sending` row whose lease ran out.

        Returns False when another consumer holds it or it is finished.
        """
        ...

    async def list_failed(self, user_id: str, limit: int) -> Page[Message]: ...

    async def count_unsent(self, user_id: str) -> int: ...

    async def last_sent_at(self, user_id: str) -> datetime | None: ...


class UnitOfWork(Protocol):
    fans: FanRepository
    conversations: ConversationRepository
    messages: MessageRepository


class Storage(Protocol):
    def begin(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """One transaction: committed when the block exits normally, rolled back when it raises."""
        ...

    async def ping(self) -> None: ...


# --- metrics, delivery, clock --------------------------------------------------------------------


class Metrics(Protocol):
    def increment(self, name: str, value: float = 1, **dims: str) -> None: ...

    def gauge(self, name: str, value: float, **dims: str) -> None: ...

    def timing(self, name: str, ms: float, **dims: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Delivered:
    pass


@dataclass(frozen=True, slots=True)
class Throttled:
    retry_after_s: float


@dataclass(frozen=True, slots=True)
class TransientFailure:
    reason: str


@dataclass(frozen=True, slots=True)
class PermanentFailure:
    reason: str


DeliveryResult = Delivered | Throttled | TransientFailure | PermanentFailure


class DeliveryGateway(Protocol):
    async def deliver(self, outbound: Outbound) -> DeliveryResult: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC."""
        ...
