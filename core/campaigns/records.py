"""A bulk message: its template, its audience, its state and its counters."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from core.fans import Platform
from core.messaging import DEFAULT_PRIORITY


class CampaignType(enum.StrEnum):
    BULK_MESSAGE = "bulk_message"


class CampaignStatus(enum.StrEnum):
    # Waits for its `send_at`; its audience is resolved and its messages written when it starts.
    SCHEDULED = "scheduled"
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
class CampaignLimits:
    """A campaign's own pace and bounds, each optional: a slower rate than the account's bucket
    (which still holds for everything together), a time after which what is left is cancelled,
    and a cap on how many messages it writes."""

    rate_per_minute: int | None = None
    stop_at: datetime | None = None
    max_messages: int | None = None


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
    # When a scheduled campaign starts (None: it started when it was accepted).
    send_at: datetime | None = None
    limits: CampaignLimits = field(default_factory=CampaignLimits)


@dataclass(frozen=True, slots=True)
class CampaignCounters:
    """A campaign's messages by state, counted from its rows: they always add up to `targeted`."""

    pending: int = 0  # in the outbox, not yet on the queue
    queued: int = 0  # on the queue or being delivered (`queued` and `sending` rows)
    sent: int = 0
    failed: int = 0
    held: int = 0  # reached the consumer while the campaign was paused
    cancelled: int = 0
    unsent: int = 0  # sent, then taken back before the fan read them

    @property
    def targeted(self) -> int:
        return (
            self.pending + self.queued + self.sent + self.failed + self.held + self.cancelled
            + self.unsent
        )  # fmt: skip
