"""What messaging needs of the outside: the queue, the delivery gateway, its rows and the outbox."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from core.audit import AuditRepository
from core.fans import FanRepository, Platform
from core.messaging.records import Deliverable, Envelope, Message, MessageStatus, Outbound, Outcome
from core.paging import Page
from core.ports import Storage
from core.settings import SettingsRepository

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

    async def unsend(
        self, message_id: UUID, user_id: str, platform: Platform, fan_handle: str
    ) -> DeliveryResult:
        """Take a delivered message back from the platform; answers as `deliver` does."""
        ...


class MessageRepository(Protocol):
    """Messages one at a time: the thread, the status machine, the consumer's claim."""

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

    async def hold_while_paused(
        self, user_id: str, message_id: UUID, only_from: MessageStatus, now: datetime
    ) -> bool:
        """A campaign's row → `held`, only while the campaign is still paused; its campaign row
        is locked until commit, so a resume cannot slip in between. Whether the row moved."""
        ...

    async def claim(
        self, user_id: str, message_id: UUID, now: datetime, lease_until: datetime
    ) -> bool:
        """pending/queued → sending, or take over a `sending` row whose lease ran out.

        Returns False when another consumer holds it or it is finished.
        """
        ...

    async def get_deliverable(self, keys: Collection[tuple[str, UUID]]) -> list[Deliverable]:
        """The rows named by `keys` (tenant, message id) with their fan and campaign status, in
        one query; a key whose row or fan is gone is left out."""
        ...

    async def claim_many(
        self, keys: Collection[tuple[str, UUID]], now: datetime, lease_until: datetime
    ) -> set[UUID]:
        """`claim` for every key in one statement; the ids of the rows it claimed."""
        ...

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Each `sending` row named → its outcome's status, attempts and error, in one statement
        (`sent_at`/`queued_at` stamped for those statuses); a row no longer `sending` stays."""
        ...

    async def list_failed(self, user_id: str, limit: int) -> Page[Message]: ...

    async def sent_unread_in_campaign(
        self, user_id: str, campaign_id: int, after: UUID | None, limit: int
    ) -> list[UUID]:
        """Ids of the campaign's `sent` rows the fan has not read (no read_at), in id order,
        after `after`."""
        ...

    async def count_unsent(self, user_id: str) -> int: ...

    async def count_outbound_by_status(self, user_id: str) -> dict[MessageStatus, int]:
        """This creator's outbound messages per status; a status with none is left out."""
        ...

    async def last_sent_at(self, user_id: str) -> datetime | None: ...

    async def list_in_conversation(
        self, user_id: str, conversation_id: int, limit: int, offset: int
    ) -> Page[Message]:
        """A conversation's messages, newest first, with the total."""
        ...

    async def mark_inbound_read(self, user_id: str, conversation_id: int, now: datetime) -> int:
        """Stamp read_at on the conversation's inbound messages not read yet; how many."""
        ...


@dataclass(frozen=True, slots=True)
class CampaignPace:
    """A running campaign with a rate of its own, and where its pace stands."""

    campaign_id: int
    rate_per_minute: int
    last_sent_at: datetime | None  # its latest delivery
    on_queue: int  # its rows queued or being delivered


class OutboxRepository(Protocol):
    """Rows written `pending`, not yet on the queue, and what the relay needs to pace them."""

    async def mark_queued(self, user_id: str, message_ids: Sequence[UUID], now: datetime) -> None:
        """pending → queued; a row the consumer already took stays as it is."""
        ...

    async def count_interactive(self, user_id: str) -> int:
        """The creator's replies and single sends not sent yet (pending, queued or sending)."""
        ...

    async def count_on_queue(self, user_id: str) -> int:
        """What a new single send queues behind: queued/sending rows and pending single sends
        (a campaign's pending rows wait in the database and are relayed at the creator's pace)."""
        ...

    async def stale_single_sends(self, before: datetime, limit: int) -> list[Message]:
        """Any tenant's single sends still `pending` that were written before `before`, or that
        were scheduled and are now due."""
        ...

    async def pend_due_scheduled(self, now: datetime) -> int:
        """Any tenant's scheduled single sends whose `send_at` is at or before `now` → pending
        (then relayed as `stale_single_sends`); how many."""
        ...

    async def outbox_creators(self) -> list[str]:
        """Creators with `pending` rows in a running campaign or written by an automation."""
        ...

    async def campaign_outbox(
        self, user_id: str, limit: int, caps: Mapping[int, int] | None = None
    ) -> list[Message]:
        """Up to `limit` pending bulk rows of the creator: their automations' (oldest first),
        then their running campaigns', oldest campaign first; at most `caps[id]` of a campaign
        named in `caps`."""
        ...

    async def campaign_paces(self, user_id: str) -> list[CampaignPace]:
        """The creator's running campaigns that have a rate of their own and pending rows."""
        ...

    async def move_campaign_rows(
        self,
        user_id: str,
        campaign_id: int,
        from_statuses: Collection[MessageStatus],
        to: MessageStatus,
        now: datetime,
        *,
        reset_attempts: bool = False,
    ) -> int:
        """Every row of the campaign in one of `from_statuses` → `to` (attempts and error cleared
        with `reset_attempts`); how many moved."""
        ...


class Threaded(Protocol):
    @property
    def id(self) -> int | None: ...


class ConversationIndex(Protocol):
    """What sending needs of the inbox: a conversation per fan, moved up by each send."""

    async def get_or_create_many(
        self, user_id: str, fan_ids: Collection[int]
    ) -> Mapping[int, Threaded]:
        """By fan id, the conversation with each of the tenant's fans among `fan_ids`."""
        ...

    async def record_outbound(
        self, user_id: str, conversation_ids: Sequence[int], at: datetime
    ) -> None: ...


class HasStatus(Protocol):
    @property
    def status(self) -> str: ...


class CampaignStates(Protocol):
    """What the consumer needs of a campaign: whether its messages may go out now."""

    async def get(self, user_id: str, campaign_id: int) -> HasStatus | None: ...


class MessagingStore(Protocol):
    """One transaction, as the messaging use cases see it."""

    fans: FanRepository
    messages: MessageRepository
    outbox: OutboxRepository
    conversations: ConversationIndex
    campaigns: CampaignStates
    settings: SettingsRepository
    audit: AuditRepository


MessagingStorage = Storage[MessagingStore]
