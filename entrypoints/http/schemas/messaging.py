"""Messaging schemas: sends, their receipts, messages, and the queue's status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from core.checks import MAX_ID
from core.messaging import (
    MAX_CONTENT_LENGTH,
    MAX_MEDIA_URL_LENGTH,
    MAX_PRIORITY,
    MIN_PRIORITY,
    BatchItemResult,
    Message,
    NewMessage,
    QueueStatus,
    SendReceipt,
)
from entrypoints.http.schemas import Body, Cents, Schema, not_blank, text
from entrypoints.http.schemas.authors import AuthorView

Content = not_blank(MAX_CONTENT_LENGTH)
MediaUrls = list[text(MAX_MEDIA_URL_LENGTH)]  # type: ignore[misc]
Priority = Annotated[int, msgspec.Meta(ge=MIN_PRIORITY, le=MAX_PRIORITY)]
FanId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
_AUTHOR = (
    "Who sent it (a retry keeps it): a PPV purchase naming the message credits this author. "
    "null on inbound messages and on messages stored before authorship was recorded."
)


class BatchItemBody(Body):
    """One message of a batch. What the core refuses of a message (blank or NUL text, a price
    past a BIGINT) fails that item alone, in its result, so the schema leaves it to the core."""

    recipient_id: FanId
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_CONTENT_LENGTH)]
    media_urls: list[str] = []
    price_cents: Annotated[int, msgspec.Meta(ge=0)] | None = None
    priority: Priority = 5
    # With a UTC offset, in the future: the message waits `scheduled` until then.
    send_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None

    def to_core(self) -> NewMessage:
        return NewMessage(
            self.recipient_id, self.content, tuple(self.media_urls), self.price_cents,
            self.priority, self.send_at,
        )  # fmt: skip


class SendMessageBody(BatchItemBody):
    """One message sent alone: every rule is in its schema, and a break of one is a 400."""

    content: Content
    media_urls: MediaUrls = []
    price_cents: Cents | None = None


class SendBatchBody(Body):
    messages: Annotated[list[BatchItemBody], msgspec.Meta(min_length=1, max_length=100)]


class SendMessageResponse(Schema):
    message_id: UUID
    status: str
    queued_at: datetime
    queue_position: int
    estimated_send_time: datetime

    @classmethod
    def of(cls, receipt: SendReceipt) -> SendMessageResponse:
        return cls(
            message_id=receipt.message_id,
            status=receipt.status,
            queued_at=receipt.queued_at,
            queue_position=receipt.queue_position,
            estimated_send_time=receipt.estimated_send_time,
        )


class BatchItem(Schema):
    index: int
    message_id: UUID | None
    status: str | None
    error: str | None = None


class SendBatchResponse(Schema):
    results: list[BatchItem]
    queued: int
    failed: int

    @classmethod
    def of(cls, results: list[BatchItemResult]) -> SendBatchResponse:
        items = [
            BatchItem(index=r.index, message_id=r.message_id, status=r.status, error=r.error)
            for r in results
        ]
        queued = sum(1 for r in results if r.status == "queued")
        return cls(results=items, queued=queued, failed=len(results) - queued)


class MessageView(Schema):
    id: UUID
    recipient_id: int
    conversation_id: int
    direction: str
    content: str
    media_urls: list[str]
    price_cents: int | None
    priority: int
    status: str
    attempts: int
    error: str | None
    campaign_id: int | None
    created_at: datetime
    queued_at: datetime | None
    sent_at: datetime | None
    read_at: datetime | None = None  # inbound messages: when the creator read them
    send_at: datetime | None = None  # a scheduled send: when it goes out
    author: Annotated[AuthorView | None, msgspec.Meta(description=_AUTHOR)] = None

    @classmethod
    def of(cls, m: Message) -> MessageView:
        return cls(
            id=m.id,
            recipient_id=m.fan_id,
            conversation_id=m.conversation_id,
            direction=m.direction,
            content=m.text,
            media_urls=list(m.media_urls),
            price_cents=m.price_cents,
            priority=m.priority,
            status=m.status,
            attempts=m.attempts,
            error=m.error,
            campaign_id=m.campaign_id,
            created_at=m.created_at,
            queued_at=m.queued_at,
            sent_at=m.sent_at,
            read_at=m.read_at,
            send_at=m.send_at,
            author=AuthorView.of_optional(m.author),
        )


class FailedMessage(Schema):
    id: UUID
    recipient_id: int
    content: str
    failed_at: datetime | None
    error: str | None
    author: Annotated[AuthorView | None, msgspec.Meta(description=_AUTHOR)] = None


class FailedMessagesResponse(Schema):
    failed_messages: list[FailedMessage]
    total: int

    @classmethod
    def of(cls, messages: list[Message], total: int) -> FailedMessagesResponse:
        failed = [
            FailedMessage(
                id=m.id,
                recipient_id=m.fan_id,
                content=m.text,
                failed_at=m.updated_at,
                error=m.error,
                author=AuthorView.of_optional(m.author),
            )
            for m in messages
        ]
        return cls(failed_messages=failed, total=total)


class RetryResponse(Schema):
    success: bool
    message_id: UUID
    status: str


class QueueCounts(Schema):
    """The caller's own outbound messages; no figure counts another account's."""

    depth: int
    in_flight: int
    held: int
    failed: int
    total: int


class Processing(Schema):
    estimated_time_seconds: float
    rate_limit: str
    last_processed_at: datetime | None


class Health(Schema):
    status: str
    message: str


class QueueStatusResponse(Schema):
    queue: QueueCounts
    processing: Processing
    health: Health
    timestamp: datetime

    @classmethod
    def of(cls, s: QueueStatus) -> QueueStatusResponse:
        counts = s.counts
        return cls(
            queue=QueueCounts(
                depth=counts.waiting,
                in_flight=counts.sending,
                held=counts.held,
                failed=counts.failed,
                total=counts.waiting + counts.sending + counts.held,
            ),
            processing=Processing(
                estimated_time_seconds=s.estimated_time_s,
                rate_limit=f"{s.rate_per_minute:g} messages/minute",
                last_processed_at=s.last_processed_at,
            ),
            health=Health(status="healthy" if s.healthy else "degraded", message=s.health_message),
            timestamp=s.timestamp,
        )
