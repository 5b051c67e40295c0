"""Sending: one message or a batch, each written `pending` and relayed to the queue at once.

Concurrent single sends are written together (core.batching): under load, one transaction and
one relay serve many requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.accounts import Author
from core.batching import MicroBatcher
from core.errors import Invalid, Unavailable
from core.messaging.config import MessagingConfig
from core.messaging.records import Message, MessageStatus
from core.messaging.writer import NewMessage, OutboundWriter, Request, Written
from core.ports import Clock

MAX_BATCH_SIZE = 100


@dataclass(frozen=True, slots=True)
class SendReceipt:
    message_id: UUID
    status: MessageStatus
    queued_at: datetime
    queue_position: int
    estimated_send_time: datetime


@dataclass(frozen=True, slots=True)
class BatchItemResult:
    index: int
    message_id: UUID | None
    status: MessageStatus | None
    error: str | None = None


class SendMessage:
    def __init__(self, writer: OutboundWriter, clock: Clock, config: MessagingConfig) -> None:
        self.writer = writer
        self.clock = clock
        self.config = config
        # Concurrent sends share one write: the batcher is this use case's only state.
        self._batcher = MicroBatcher[Request, SendReceipt](self._flush, MAX_BATCH_SIZE)

    async def execute(self, user_id: str, new: NewMessage, *, author: Author) -> SendReceipt:
        """Queue `new` for the creator `user_id`, sent by `author` (on the row and audited)."""
        self.config.ensure_enabled()
        new.validate()
        return await self._batcher.submit(Request(user_id, new, author))

    async def _flush(self, requests: Sequence[Request]) -> list[SendReceipt | Exception]:
        written = await self.writer.write(requests)
        queued_at = self.clock.now()
        return [_receipt(outcome, written, queued_at) for outcome in written.outcomes]


@dataclass(frozen=True, slots=True)
class SendBatch:
    writer: OutboundWriter
    config: MessagingConfig

    async def execute(
        self, user_id: str, items: Sequence[NewMessage], *, author: Author
    ) -> list[BatchItemResult]:
        self.config.ensure_enabled()
        if not 1 <= len(items) <= MAX_BATCH_SIZE:
            raise Invalid(f"a batch holds 1 to {MAX_BATCH_SIZE} messages", field="messages")
        requests = [Request(user_id, item, author) for item in items]
        written = await self.writer.write(requests, batch=True)
        return [_item_result(i, outcome, written) for i, outcome in enumerate(written.outcomes)]


def _receipt(
    outcome: Message | Exception, written: Written, queued_at: datetime
) -> SendReceipt | Exception:
    if not isinstance(outcome, Message):
        return outcome
    if outcome.id in written.unqueued:
        return Unavailable(
            "the queue is unreachable; the message is stored as failed and can be retried",
            detail={"messageId": str(outcome.id)},
        )
    slot = written.slots[outcome.id]
    status = MessageStatus.QUEUED if outcome.send_at is None else MessageStatus.SCHEDULED
    return SendReceipt(outcome.id, status, queued_at, slot.position, queued_at + slot.wait)


def _item_result(index: int, outcome: Message | Exception, written: Written) -> BatchItemResult:
    if not isinstance(outcome, Message):
        return BatchItemResult(index, None, None, str(outcome))
    if outcome.id in written.unqueued:
        return BatchItemResult(index, outcome.id, MessageStatus.FAILED, "queue_unavailable")
    status = MessageStatus.QUEUED if outcome.send_at is None else MessageStatus.SCHEDULED
    return BatchItemResult(index, outcome.id, status)
