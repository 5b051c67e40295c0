"""The domain's records: fans, conversations, messages, and the envelope on the queue."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

T = TypeVar("T")


class Platform(enum.StrEnum):
    ONLYFANS = "onlyfans"
    FANSLY = "fansly"
    PATREON = "patreon"
    OTHER = "other"


class Direction(enum.StrEnum):
    IN = "in"
    OUT = "out"


class MessageStatus(enum.StrEnum):
    """Outbound lifecycle (DESIGN.md section 4); inbound messages are stored as `received`."""

    PENDING = "pending"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    CANCELLED = "cancelled"
    RECEIVED = "received"


# The consumer acknowledges an envelope whose row is already in one of these: it was handled before.
FINISHED_STATUSES = frozenset({MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED})
# A creator's backlog: what the send bucket still has to let through.
UNSENT_STATUSES = frozenset({MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING})

MIN_PRIORITY, DEFAULT_PRIORITY, MAX_PRIORITY = 1, 5, 10
MAX_CONTENT_LENGTH = 5000
MAX_HANDLE_LENGTH = 64
# Ids, cents and offsets are BIGINT (SQLite: 64-bit INTEGER): a larger int is a database error.
MAX_BIGINT = 2**63 - 1
MAX_ID = MAX_BIGINT


@dataclass(frozen=True, slots=True)
class Fan:
    id: int | None
    user_id: str
    platform: Platform
    handle: str
    name: str | None = None
    email: str | None = None
    tags: frozenset[str] = frozenset()
    notes: str | None = None
    value_cents: int = 0
    subscribed_at: datetime | None = None
    last_active_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Set by the bridge's `fan.unsubscribed`, cleared by `fan.subscribed`.
    unsubscribed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int | None
    user_id: str
    fan_id: int
    platform: Platform
    last_message_at: datetime | None = None
    unread_count: int = 0


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """A conversation as an inbox shows it: with whom it is, not only the fan's id."""

    conversation: Conversation
    fan_handle: str
    fan_name: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: UUID
    user_id: str
    conversation_id: int
    fan_id: int
    direction: Direction
    text: str
    status: MessageStatus
    created_at: datetime
    media_urls: tuple[str, ...] = ()
    price_cents: int | None = None
    priority: int = DEFAULT_PRIORITY
    campaign_id: int | None = None
    attempts: int = 0
    error: str | None = None
    queued_at: datetime | None = None
    sent_at: datetime | None = None
    read_at: datetime | None = None
    updated_at: datetime | None = None
    # While `sending`: until when the claimant owns the row; after it, another may take over.
    lease_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Envelope:
    """What goes on the queue: only ids, so content never leaves the database."""

    message_id: UUID
    user_id: str
    fan_id: int
    attempt: int = 0
    campaign_id: int | None = None

    @classmethod
    def for_message(cls, message: Message) -> Envelope:
        return cls(
            message.id, message.user_id, message.fan_id, message.attempts, message.campaign_id
        )


@dataclass(frozen=True, slots=True)
class Outbound:
    """What the delivery gateway needs to put one message on the platform."""

    message_id: UUID
    user_id: str
    platform: Platform
    fan_handle: str
    text: str
    media_urls: tuple[str, ...] = ()
    price_cents: int | None = None


MAX_QUICK_REPLY_TITLE_LENGTH = 100


@dataclass(frozen=True, slots=True)
class QuickReply:
    """A canned answer a creator inserts into a conversation instead of typing it again."""

    id: int | None
    user_id: str
    title: str
    content: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


class CampaignType(enum.StrEnum):
    BULK_MESSAGE = "bulk_message"


class CampaignStatus(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class CampaignTemplate:
    """What every recipient of a campaign gets."""

    content: str
    media_urls: tuple[str, ...] = ()
    price_cents: int | None = None
    priority: int = DEFAULT_PRIORITY


@dataclass(frozen=True, slots=True)
class CampaignAudience:
    """Who a campaign is for: explicit fans and/or a segment of the creator's fans."""

    fan_ids: tuple[int, ...] = ()
    tags_any: frozenset[str] = frozenset()
    tags_all: frozenset[str] = frozenset()
    tags_none: frozenset[str] = frozenset()
    min_value_cents: int | None = None
    max_value_cents: int | None = None
    platform: Platform | None = None
    exclude_fan_ids: tuple[int, ...] = ()
    # False: only `fan_ids`. True: the filters above select from all the creator's fans too.
    segment: bool = False
    # Segment exclusions: fans sent a message in the last N hours; fans with unread messages.
    exclude_messaged_within_hours: int | None = None
    exclude_unread: bool = False


@dataclass(frozen=True, slots=True)
class Campaign:
    """A bulk message; its sent/failed counters are derived from its message rows."""

    id: int | None
    user_id: str
    name: str
    template: CampaignTemplate
    audience: CampaignAudience = field(default_factory=CampaignAudience)
    type: CampaignType = CampaignType.BULK_MESSAGE
    status: CampaignStatus = CampaignStatus.RUNNING
    # Kept on the row, not derived: PPV purchases arrive as events, not as message states.
    revenue_cents: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # The fan-out writes its messages in chunks after the campaign is accepted: the last fan id
    # written so far, and when the last chunk was written (None while it runs).
    fanout_cursor: int = 0
    fanned_out_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CampaignCounters:
    """A campaign's messages by state, counted from its rows: they always add up to `targeted`."""

    pending: int = 0  # in the outbox, not yet on the queue
    queued: int = 0  # on the queue or being delivered (`queued` and `sending` rows)
    sent: int = 0
    failed: int = 0
    held: int = 0  # reached the consumer while the campaign was paused
    cancelled: int = 0

    @property
    def targeted(self) -> int:
        return self.pending + self.queued + self.sent + self.failed + self.held + self.cancelled


@dataclass(frozen=True, slots=True)
class Purchase:
    """One PPV purchase the bridge reported: the record revenue per day is counted from."""

    id: int | None
    user_id: str
    # None once the fan is deleted: the money was still earned, so the row stays.
    fan_id: int | None
    amount_cents: int
    occurred_at: datetime  # the event's occurredAt, not when we heard of it
    campaign_id: int | None = None
    message_id: UUID | None = None  # the creator's message whose content was bought


@dataclass(frozen=True, slots=True)
class Spend:
    """Money in over a period: the sum and how many purchases made it."""

    cents: int = 0
    purchases: int = 0


@dataclass(frozen=True, slots=True)
class FanSpend:
    fan: Fan
    spend: Spend


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    total: int = 0
