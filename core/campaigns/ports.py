"""What campaigns need of storage."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.audit import AuditRepository
from core.campaigns.records import Campaign, CampaignAudience, CampaignCounters, CampaignStatus
from core.messaging import MessageRepository, OutboxRepository
from core.paging import Page
from core.ports import Storage


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

    async def end_fan_out(self, user_id: str, campaign_id: int, now: datetime) -> None:
        """Mark the fan-out ended (its cap reached, or its stop time passed)."""
        ...

    async def running_past_stop(self, now: datetime) -> list[tuple[str, int]]:
        """(user_id, campaign id) of every running or paused campaign, any tenant's, whose
        `stop_at` is at or before `now`."""
        ...

    async def unfinished_fan_outs(self) -> list[tuple[str, int]]:
        """(user_id, campaign id) of every campaign, any tenant's, whose fan-out has not ended and
        that is not cancelled, oldest first."""
        ...

    async def due_scheduled(self, now: datetime) -> list[tuple[str, int]]:
        """(user_id, campaign id) of every scheduled campaign, any tenant's, whose `send_at` is at
        or before `now`, soonest first."""
        ...

    async def start_scheduled(self, user_id: str, campaign_id: int, now: datetime) -> bool:
        """scheduled → running in one conditional UPDATE, only while it is still scheduled and
        due: of runners racing for it, exactly one sees True."""
        ...

    async def edit_scheduled(self, campaign: Campaign, now: datetime) -> bool:
        """Its name, template, audience and `send_at` replaced, only while it is still
        scheduled; whether it was."""
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


class CampaignStore(Protocol):
    """One transaction, as the campaigns use cases see it."""

    campaigns: CampaignRepository
    messages: MessageRepository
    outbox: OutboxRepository
    audit: AuditRepository


CampaignStorage = Storage[CampaignStore]
