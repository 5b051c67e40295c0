"""Counting an audience before any campaign is made: what the form shows as it is filled in."""

from __future__ import annotations

from dataclasses import dataclass

from core.campaigns.audience import Segment, checked_audience
from core.campaigns.ports import AudienceCount, CampaignStorage
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class CountAudience:
    """The fans a campaign for this audience would target now, counted by the query that
    CreateCampaign counts with (so the two agree); nothing is written."""

    storage: CampaignStorage
    clock: Clock

    async def execute(
        self, user_id: str, recipient_ids: tuple[int, ...] = (), segment: Segment | None = None
    ) -> AudienceCount:
        audience = checked_audience(recipient_ids, segment)
        async with self.storage.begin() as uow:
            return await uow.campaigns.count_audience(user_id, audience, self.clock.now())
