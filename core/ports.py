"""The ports: what the core needs from the outside world, as structural protocols.

Adapters conform without importing these; the contract tests prove that they do.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from core.imports.models import (
    ImportMode,
    ImportReport,
    ImportStarted,
    MergeOutcome,
    RowError,
    StagedFan,
)
from core.models import (
    Campaign,
    CampaignAudience,
    CampaignCounters,
    CampaignStatus,
    Conversation,
    ConversationSummary,
    Envelope,
    Fan,
    FanSpend,
    Message,
    MessageStatus,
    Outbound,
    Page,
    Platform,
    Purchase,
    QuickReply,
    Spend,
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

    async def record_activity(self, user_id: str, fan_id: int, at: datetime, now: datetime) -> None:
        """last_active_at moved to `at` (and updated_at to `now`) unless it is already later."""
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

    # --- the outbox (issue 7) ---

    async def count_on_queue(self, user_id: str) -> int:
        """What a new single send queues behind: queued/sending rows and pending single sends
        (a campaign's pending rows wait in the database and are relayed at the creator's pace)."""
        ...

    async def stale_single_sends(self, before: datetime, limit: int) -> list[Message]:
        """Any tenant's single sends still `pending` that were written before `before`."""
        ...

    async def outbox_creators(self) -> list[str]:
        """Creators with `pending` rows in a running campaign."""
        ...

    async def campaign_outbox(self, user_id: str, limit: int) -> list[Message]:
        """Up to `limit` pending rows of the creator's running campaigns, oldest campaign first."""
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


@dataclass(frozen=True, slots=True)
class AudienceCount:
    fans: int  # distinct fans of the tenant the audience reaches
    unknown_fan_ids: list[int]  # explicit ids that are not the tenant's fans


@dataclass(frozen=True, slots=True)
class FanOutChunk:
    written: int  # messages written by this chunk
    done: bool  # the audience holds no fan after it: the fan-out has ended


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> Campaign: ...

    async def count_audience(
        self, user_id: str, audience: CampaignAudience, now: datetime
    ) -> AudienceCount: ...

    async def lock(self, user_id: str, campaign_id: int) -> Campaign | None:
        """The campaign, its row locked until the transaction ends (SELECT … FOR UPDATE; SQLite
        has one writer at a time): fan-out chunks and status changes of one campaign queue."""
        ...

    async def fan_out(self, campaign: Campaign, now: datetime, limit: int) -> FanOutChunk:
        """The next chunk: a `pending` message (and a conversation) for each of the next `limit`
        fans of the audience after `campaign.fanout_cursor`, in fan-id order, set-based; then the
        row's cursor moves past them, and `fanned_out_at` is set when none are left."""
        ...

    async def unfinished_fan_outs(self) -> list[tuple[str, int]]:
        """(user_id, campaign id) of every campaign, any tenant's, whose fan-out has not ended and
        that is not cancelled, oldest first."""
        ...

    async def set_status(
        self,
        user_id: str,
        campaign_id: int,
        status: CampaignStatus,
        now: datetime,
        *,
        only_from: Collection[CampaignStatus],
    ) -> bool: ...

    async def get(self, user_id: str, campaign_id: int) -> Campaign | None: ...

    async def add_revenue(
        self, user_id: str, campaign_id: int, amount_cents: int, now: datetime
    ) -> bool:
        """revenue_cents += amount in one UPDATE; False (and no change) when the tenant has no
        such campaign or the sum would pass MAX_VALUE_CENTS."""
        ...

    async def counters(
        self, user_id: str, campaign_ids: Sequence[int]
    ) -> dict[int, CampaignCounters]:
        """Each named campaign's messages counted by state (one grouped query); a campaign of
        another tenant, or with no messages, is missing from the answer."""
        ...

    # After the methods annotated with the builtin `list`: this `list` shadows it below.
    async def list(self, user_id: str, limit: int, offset: int) -> Page[Campaign]:
        """Newest first, with the total."""
        ...


class ProcessedEventRepository(Protocol):
    async def record(self, user_id: str, event_id: str, event_type: str, now: datetime) -> bool:
        """Remember the event; False when it was already recorded (a replay: apply nothing).

        Written in the transaction of the event's effect, so the two commit or vanish together.
        """
        ...


class PurchaseRepository(Protocol):
    async def add(self, purchase: Purchase) -> None:
        """Written in the transaction of the `ppv.purchased` event that reports it."""
        ...


class AnalyticsRepository(Protocol):
    """A tenant's figures over `[start, end)`, by UTC day; a day without data is left out."""

    async def revenue_per_day(
        self, user_id: str, start: datetime, end: datetime
    ) -> dict[date, Spend]:
        """Purchases by the day they occurred."""
        ...

    async def sent_per_day(self, user_id: str, start: datetime, end: datetime) -> dict[date, int]:
        """Messages by the day they were sent."""
        ...

    async def failed_per_day(self, user_id: str, start: datetime, end: datetime) -> dict[date, int]:
        """Messages failed now, by the day they failed (their last update)."""
        ...

    async def new_fans_per_day(
        self, user_id: str, start: datetime, end: datetime
    ) -> dict[date, int]:
        """Fans by the day they were added (created_at)."""
        ...

    async def top_spenders(
        self, user_id: str, start: datetime, end: datetime, limit: int
    ) -> list[FanSpend]:
        """The fans who spent the most in the period, most first, ties by fan id."""
        ...

    async def campaigns_created(
        self, user_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Campaign]:
        """Campaigns created in the period, newest first."""
        ...


class FanImportRepository(Protocol):
    """One CSV import, inside the transaction of the whole import (core/imports/use_case.py)."""

    async def start(self, started: ImportStarted) -> None:
        """Record the import and open its staging area (empty)."""
        ...

    async def stage(self, fans: Sequence[StagedFan]) -> None:
        """Add valid rows to the staging area (several calls as the file streams)."""
        ...

    async def add_errors(self, import_id: UUID, errors: Sequence[RowError]) -> None: ...

    async def merge(
        self, user_id: str, mode: ImportMode, now: datetime, *, dry_run: bool
    ) -> MergeOutcome:
        """Apply the staged rows to the tenant's fans: a row repeating an earlier row's platform
        and handle is skipped (`duplicate of row N`); an existing fan is updated (non-empty
        fields replace, tags merge) or, in skip_existing mode, skipped. A dry run counts only."""
        ...

    async def finish(self, report: ImportReport) -> None:
        """Record the import's counts."""
        ...

    async def columns(self, user_id: str, import_id: UUID) -> tuple[str, ...] | None:
        """The imported file's header; None when the tenant has no such import."""
        ...

    async def errors(self, import_id: UUID, after_row: int, limit: int) -> list[RowError]:
        """Failed rows past `after_row`, in row order, with the values the file held."""
        ...


class UnitOfWork(Protocol):
    fans: FanRepository
    fan_imports: FanImportRepository
    conversations: ConversationRepository
    messages: MessageRepository
    quick_replies: QuickReplyRepository
    campaigns: CampaignRepository
    processed_events: ProcessedEventRepository
    purchases: PurchaseRepository
    analytics: AnalyticsRepository


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
