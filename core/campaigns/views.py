"""Campaigns as clients see them: the stored row with counters derived from its messages."""

from __future__ import annotations

from dataclasses import dataclass

from core.campaigns.ports import CampaignStorage, CampaignStore
from core.campaigns.records import Campaign, CampaignCounters, CampaignStatus
from core.errors import found
from core.paging import Page, check_page


def derived_status(
    stored: CampaignStatus, counters: CampaignCounters, *, fanned_out: bool
) -> CampaignStatus:
    """`completed` is derived, never stored: a running campaign whose fan-out has ended with
    nothing left to send."""
    unsent = counters.pending + counters.queued + counters.held
    if stored is CampaignStatus.RUNNING and fanned_out and unsent == 0:
        return CampaignStatus.COMPLETED
    return stored


@dataclass(frozen=True, slots=True)
class CampaignView:
    campaign: Campaign
    counters: CampaignCounters
    status: CampaignStatus

    @property
    def fan_out_complete(self) -> bool:
        """Every message of the campaign is written (`targeted` grows until then)."""
        return self.campaign.fanned_out_at is not None

    @property
    def progress_percent(self) -> float:
        """Share of the targeted messages that are finished: sent, failed, cancelled or unsent."""
        c = self.counters
        if not c.targeted:
            return 100.0
        return round(100 * (c.sent + c.failed + c.cancelled + c.unsent) / c.targeted, 1)


async def views_of(uow: CampaignStore, campaigns: list[Campaign]) -> list[CampaignView]:
    """The campaigns with their counters, read in the caller's transaction (one grouped query)."""
    if not campaigns:
        return []
    user_id = campaigns[0].user_id
    counted = await uow.campaigns.counters(user_id, [c.id for c in campaigns if c.id])
    views = []
    for campaign in campaigns:
        counters = counted.get(campaign.id or 0, CampaignCounters())
        fanned_out = campaign.fanned_out_at is not None
        status = derived_status(campaign.status, counters, fanned_out=fanned_out)
        views.append(CampaignView(campaign, counters, status))
    return views


@dataclass(frozen=True, slots=True)
class GetCampaign:
    storage: CampaignStorage

    async def execute(self, user_id: str, campaign_id: int) -> CampaignView:
        async with self.storage.begin() as uow:
            campaign = found(await uow.campaigns.get(user_id, campaign_id), "campaign", campaign_id)
            return (await views_of(uow, [campaign]))[0]


@dataclass(frozen=True, slots=True)
class ListCampaigns:
    storage: CampaignStorage

    async def execute(self, user_id: str, limit: int, offset: int) -> Page[CampaignView]:
        check_page(limit, offset)
        async with self.storage.begin() as uow:
            page = await uow.campaigns.list(user_id, limit, offset)
            return Page(await views_of(uow, page.items), page.total)
