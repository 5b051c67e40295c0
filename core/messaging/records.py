"""The outbound and inbound message, its lifecycle, and what travels on the queue."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.accounts import Author, AuthorKind
from core.fans import Platform


class Direction(enum.StrEnum):
    IN = "in"
    OUT = "out"


class MessageStatus(enum.StrEnum):
    """Outbound lifecycle (README, "Message lifecycle"); inbound messages are `received`."""

    SCHEDULED = "scheduled"  # a single send waiting for its `send_at`; the tick makes it pending
    PENDING = "pending"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    CANCELLED = "cancelled"
    UNSENT = "unsent"  # sent, then taken back from the platform before the fan read it
    RECEIVED = "received"


# The consumer acknowledges an envelope whose row is already in one of these: it was handled before.
FINISHED_STATUSES = frozenset(
    {MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.UNSENT}
)


# A creator's backlog: what the send bucket still has to let through.
UNSENT_STATUSES = frozenset({MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING})


MIN_PRIORITY, DEFAULT_PRIORITY, MAX_PRIORITY = 1, 5, 10


MAX_CONTENT_LENGTH = 5000


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
    send_at: datetime | None = None  # a scheduled single send goes out then, not before
    author: Author | None = None  # who sent it (outbound); None for inbound and older rows


@dataclass(frozen=True, slots=True)
class Envelope:
    """What goes on the queue: only ids, so content never leaves the database."""

    message_id: UUID
    user_id: str
    fan_id: int
    attempt: int = 0
    campaign_id: int | None = None
    # An automation's step: like a campaign's, it goes in the bulk lane (core.planning).
    automation_id: int | None = None

    @classmethod
    def for_message(cls, message: Message) -> Envelope:
        author = message.author
        automation = author.id if author and author.kind is AuthorKind.AUTOMATION else None
        return cls(
            message.id, message.user_id, message.fan_id, message.attempts, message.campaign_id,
            None if automation is None else int(automation),
        )  # fmt: skip


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


@dataclass(frozen=True, slots=True)
class Deliverable:
    """A message as the consumer loads it: the row, what the gateway needs, its campaign's status
    (None for a single send)."""

    message: Message
    outbound: Outbound
    campaign_status: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt leaves on a `sending` row: its new status, attempts and error."""

    user_id: str
    message_id: UUID
    status: MessageStatus
    attempts: int
    error: str | None = None
