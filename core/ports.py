"""The ports: what the core needs from the outside world, as structural protocols.

Adapters conform without importing these; the contract tests prove that they do.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from core.models import (
    Campaign,
    Conversation,
    ConversationSummary,
    Envelope,
    Fan,
    Message,
    MessageStatus,
    Outbound,
    Page,
    Platform,
    QuickReply,
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


class FanSort(enum.StrEnum):
    """A fan list's order; `-` means descending. Ties go by id, in the same direction."""

    CREATED = "created"
    NEWEST = "-created"
    VALUE = "value"
    TOP_VALUE = "-value"
    # A fan never seen active (no last_active_at) is the least recently active of all.
    LEAST_RECENTLY_ACTIVE = "lastActive"
    MOST_RECENTLY_ACTIVE = "-lastActive"


@dataclass(frozen=True, slots=True)
class FanQuery:
    limit: int = 50
    offset: int = 0
    platform: Platform | None = None
    # A case-insensitive substring of the handle, the name or the email.
    search: str | None = None
    # Only fans that carry every one of these tags.
    tags: frozenset[str] = frozenset()
    sort: FanSort = FanSort.CREATED


class FanRepository(Protocol):
    async def add(self, fan: Fan) -> Fan: ...

    async def get(self, user_id: str, fan_id: int, *, for_update: bool = False) -> Fan | None:
        """With `for_update`, the row stays locked until the transaction ends (PostgreSQL)."""
        ...

    async def top(self, user_id: str, limit: int) -> list[Fan]:
        """The fans who spent the most (value_cents > 0), highest first."""
        ...

    # After the methods annotated with the builtin `list`: this `list` shadows it below.
    async def list(self, user_id: str, query: FanQuery) -> Page[Fan]: ...

    async def update(self, fan: Fan) -> bool:
        """Write every field of the tenant's fan `fan.id`; False when there is no such fan.

        A handle already taken by another of the tenant's fans on that platform is a Conflict.
        """
        ...

    async def delete(self, user_id: str, fan_id: int) -> bool:
        """Remove the fan with its conversations and messages; False when there is none."""
        ...

    async def find_by_handle(self, user_id: str, platform: Platform, handle: str) -> Fan | None:
        """The tenant's fan with that (normalised) handle on that platform."""
        ...

    async def add_value(self, user_id: str, fan_id: int, amount_cents: int, now: datetime) -> bool:
        """value_cents += amount in one UPDATE, so concurrent purchases all count; False (and
        no change) when the tenant has no such fan or the sum would pass MAX_VALUE_CENTS."""
        ...

    async def record_activity(self, user_id: str, fan_id: int, at: datetime) -> None:
        """last_active_at moved to `at` unless it is already later."""
        ...

    async def set_subscription(
        self,
        user_id: str,
        fan_id: int,
        now: datetime,
        *,
        subscribed_at: datetime | None = None,
        unsubscribed_at: datetime | None = None,
    ) -> bool:
        """By the events' times, whatever their arrival order. Given `subscribed_at`: kept when
        later than the one stored (the latest subscribe counts), and clears an unsubscribed_at
        not later than it (a fan who comes back). Given `unsubscribed_at`: set when later than
        both dates stored, keeping subscribed_at (when they joined still counts).
        False when the tenant has no such fan."""
        ...


class QuickReplyRepository(Protocol):
    async def add(self, reply: QuickReply) -> QuickReply: ...

    async def get(self, user_id: str, reply_id: int) -> QuickReply | None: ...

    async def list(self, user_id: str, limit: int, offset: int) -> Page[QuickReply]:
        """In creation order, with the total."""
        ...

    async def update(self, reply: QuickReply) -> bool:
        """Write title, content and updated_at; False when the tenant has no such reply."""
        ...

    async def delete(self, user_id: str, reply_id: int) -> bool: ...


@dataclass(frozen=True, slots=True)
class ConversationQuery:
    limit: int = 50
    offset: int = 0
    # Only conversations with inbound messages not read yet.
    unread: bool = False


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

    async def get(self, user_id: str, conversation_id: int) -> ConversationSummary | None: ...

    async def list(self, user_id: str, query: ConversationQuery) -> Page[ConversationSummary]:
        """Newest activity first (never active last), with the total."""
        ...

    async def record_inbound(self, user_id: str, conversation_id: int, at: datetime) -> None:
        """unread_count + 1, and last_message_at moved to `at` unless it is already later."""
        ...

    async def record_outbound(
        self, user_id: str, conversation_ids: Sequence[int], at: datetime
    ) -> None:
        """last_message_at moved to `at` unless already later (the unread count stays)."""
        ...

    async def mark_read(self, user_id: str, conversation_id: int) -> bool:
        """unread_count → 0; False when the tenant has no such conversation."""
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

    async def list_in_conversation(
        self, user_id: str, conversation_id: int, limit: int, offset: int
    ) -> Page[Message]:
        """A conversation's messages, newest first, with the total."""
        ...

    async def mark_inbound_read(self, user_id: str, conversation_id: int, now: datetime) -> int:
        """Stamp read_at on the conversation's inbound messages not read yet; how many."""
        ...


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> Campaign: ...

    async def get(self, user_id: str, campaign_id: int) -> Campaign | None: ...

    async def add_revenue(
        self, user_id: str, campaign_id: int, amount_cents: int, now: datetime
    ) -> bool:
        """revenue_cents += amount in one UPDATE; False (and no change) when the tenant has no
        such campaign or the sum would pass MAX_VALUE_CENTS."""
        ...


class ProcessedEventRepository(Protocol):
    async def record(self, user_id: str, event_id: str, event_type: str, now: datetime) -> bool:
        """Remember the event; False when it was already recorded (a replay: apply nothing).

        Written in the transaction of the event's effect, so the two commit or vanish together.
        """
        ...


class UnitOfWork(Protocol):
    fans: FanRepository
    conversations: ConversationRepository
    messages: MessageRepository
    quick_replies: QuickReplyRepository
    campaigns: CampaignRepository
    processed_events: ProcessedEventRepository


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
