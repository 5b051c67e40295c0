"""Scheduled campaigns: edited while they wait, started once when due.

A scheduled campaign is only its row: nothing is fanned out (its audience is resolved when it
starts) and it survives any restart. Every tick (`fancrm worker`, the dev server's worker, the
scheduled Lambda) looks for due ones and claims each with a conditional UPDATE (scheduled →
running while still scheduled), so with several runners exactly one starts it; that runner then
fans it out, and a runner that dies after the claim leaves an unfinished fan-out that the next
tick carries on (core/campaigns/fan_out.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace
from datetime import datetime

from core.accounts import Author
from core.audit import AuditEntry, Detail, field_list
from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.fan_out import FanOutCampaign
from core.campaigns.ports import CampaignStorage
from core.campaigns.records import CampaignStatus
from core.campaigns.views import CampaignView, GetCampaign
from core.errors import Conflict, found
from core.messaging import MessageStatus
from core.ports import Clock
from core.settings import AccountRules, check_blocked

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StartDueCampaigns:
    storage: CampaignStorage
    fan_out: FanOutCampaign
    clock: Clock

    async def execute(self) -> list[int]:
        """Start every scheduled campaign now due that this runner wins; the ids it started."""
        now = self.clock.now()
        async with self.storage.begin() as uow:
            due = await uow.campaigns.due_scheduled(now)
        started = []
        for user_id, campaign_id in due:
            async with self.storage.begin() as uow:
                won = await uow.campaigns.start_scheduled(user_id, campaign_id, now)
            if not won:
                continue  # another runner started it, or it was cancelled or moved meanwhile
            log.info("scheduled campaign started", extra={"campaign_id": campaign_id})
            started.append(campaign_id)
            await self.fan_out.execute(user_id, campaign_id)
        return started


@dataclass(frozen=True, slots=True)
class StopCampaignsPastStopAt:
    """At a campaign's `stopAt`, what is left is cancelled: its fan-out ends and its pending,
    queued and held messages are cancelled (what is being delivered finishes). It is then
    `completed` (a paused one is resumed for that), its counters showing what was cancelled."""

    storage: CampaignStorage
    clock: Clock

    async def execute(self) -> list[int]:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            due = await uow.campaigns.running_past_stop(now)
        stopped = []
        for user_id, campaign_id in due:
            async with self.storage.begin() as uow:
                # Under the row's lock, as fan-out chunks are: none is written after this.
                campaign = await uow.campaigns.lock(user_id, campaign_id)
                if campaign is None or campaign.status not in (_RUNNING, _PAUSED):
                    continue
                await uow.campaigns.end_fan_out(user_id, campaign_id, now)
                await uow.campaigns.set_status(
                    user_id, campaign_id, _RUNNING, now, only_from=[_PAUSED]
                )
                await uow.outbox.move_campaign_rows(
                    user_id, campaign_id,
                    [MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.HELD],
                    MessageStatus.CANCELLED, now,
                )  # fmt: skip
            stopped.append(campaign_id)
        return stopped


_RUNNING, _PAUSED = CampaignStatus.RUNNING, CampaignStatus.PAUSED


@dataclass(frozen=True, slots=True)
class CampaignEdit:
    """What a client changes in a scheduled campaign: None keeps the stored value. Giving
    `recipient_ids` or `segment` (or `clear_segment`) replaces the audience's part it names."""

    name: str | None = None
    content: str | None = None
    media_urls: tuple[str, ...] | None = None
    price_cents: int | None = None
    priority: int | None = None
    recipient_ids: tuple[int, ...] | None = None
    segment: Segment | None = None
    clear_segment: bool = False
    send_at: datetime | None = None
    rate_per_minute: int | None = None
    stop_at: datetime | None = None
    max_messages: int | None = None

    def named(self) -> str:
        """The fields this edit changes, by their API names, comma-separated (for the audit)."""
        given = [f.name for f in fields(self) if getattr(self, f.name) not in (None, False)]
        return field_list(given)

    def applied_to(self, current: NewCampaign) -> NewCampaign:
        changes: dict[str, object] = {
            name: value
            for name, value in (
                ("name", self.name), ("content", self.content),
                ("media_urls", self.media_urls), ("price_cents", self.price_cents),
                ("priority", self.priority), ("recipient_ids", self.recipient_ids),
                ("send_at", self.send_at),
            )
            if value is not None
        }  # fmt: skip
        if self.segment is not None:
            changes["segment"] = self.segment
        if self.clear_segment:
            changes["segment"] = None
        limits = {
            name: value
            for name, value in (
                ("rate_per_minute", self.rate_per_minute), ("stop_at", self.stop_at),
                ("max_messages", self.max_messages),
            )
            if value is not None
        }  # fmt: skip
        changes["limits"] = replace(current.limits, **limits)  # type: ignore[arg-type]
        return replace(current, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class EditScheduledCampaign:
    storage: CampaignStorage
    clock: Clock
    rules: AccountRules

    async def execute(
        self, user_id: str, campaign_id: int, edit: CampaignEdit, *, actor: Author
    ) -> CampaignView:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            stored = found(await uow.campaigns.get(user_id, campaign_id), "campaign", campaign_id)
        if stored.status is not CampaignStatus.SCHEDULED:
            raise Conflict(f"campaign {campaign_id} is {stored.status}: only a scheduled one "
                           "can be edited")  # fmt: skip
        new = edit.applied_to(NewCampaign.of(stored))
        campaign = new.to_campaign(user_id)
        settings = await self.rules.of(user_id)
        new.check_times(now, settings.rate_per_minute)
        check_blocked({"content": campaign.template.content}, settings.blocked_words)
        edited = replace(campaign, id=campaign_id, updated_at=now)
        async with self.storage.begin() as uow:
            if not await uow.campaigns.edit_scheduled(edited, now):
                raise Conflict(f"campaign {campaign_id} started or was cancelled meanwhile")
            detail: Detail = {"fields": edit.named()}
            entry = AuditEntry(user_id, now, actor, "campaign.edit", str(campaign_id), detail)
            await uow.audit.add([entry])
        return await GetCampaign(self.storage).execute(user_id, campaign_id)
