"""Accepting a campaign: the audience counted and the campaign row written in one short
transaction, answered at once; its messages are written afterwards, in chunks.

The fan-out starts in the background right after (core/campaigns/fan_out.py) and the outbox
sweep carries it on if this process dies first; the counts in the answer are the audience as
counted now (the segment is evaluated again as the fan-out reaches each chunk).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.campaigns.audience import MAX_RECIPIENTS, NewCampaign
from core.campaigns.fan_out import BackgroundFanOuts
from core.campaigns.views import derived_status
from core.errors import Invalid
from core.messaging.config import MessagingConfig
from core.messaging.eta import tokens_available, wait_for
from core.models import CampaignCounters, CampaignStatus
from core.ports import Clock, Metrics, RateLimiter, Storage


@dataclass(frozen=True, slots=True)
class Accepted:
    campaign_id: int
    total_recipients: int  # distinct recipients asked for: queued + failed
    queued: int  # the campaign's fans counted at acceptance: the messages the fan-out will write
    failed_recipient_ids: list[int]  # named recipients who are not the creator's fans
    estimated_completion_time: datetime
    status: CampaignStatus


class CreateCampaign:
    def __init__(
        self,
        storage: Storage,
        fan_outs: BackgroundFanOuts,
        limiter: RateLimiter,
        metrics: Metrics,
        clock: Clock,
        config: MessagingConfig,
    ) -> None:
        self._storage = storage
        self._fan_outs = fan_outs
        self._limiter = limiter
        self._metrics = metrics
        self._clock = clock
        self._config = config

    async def execute(self, user_id: str, new: NewCampaign) -> Accepted:
        self._config.ensure_enabled()
        campaign = new.to_campaign(user_id)
        now = self._clock.now()
        async with self._storage.begin() as uow:
            audience = await uow.campaigns.count_audience(user_id, campaign.audience, now)
            if audience.fans > MAX_RECIPIENTS:
                where = "segment" if campaign.audience.segment else "recipientIds"
                raise Invalid(
                    f"the audience holds {audience.fans} fans; at most {MAX_RECIPIENTS}",
                    field=where,
                )
            done_at = None if audience.fans else now  # nobody to write: the fan-out has ended
            stored = await uow.campaigns.add(
                replace(campaign, created_at=now, updated_at=now, fanned_out_at=done_at)
            )
            assert stored.id is not None
            waiting = await uow.messages.count_unsent(user_id) + audience.fans
        self._metrics.increment("onlyfans.bulk.campaign")
        self._metrics.increment("onlyfans.bulk.recipients", audience.fans)
        if audience.fans:
            self._fan_outs.start(user_id, stored.id)
        available = await tokens_available(self._limiter, self._config, user_id)
        counters = CampaignCounters(pending=audience.fans)
        return Accepted(
            campaign_id=stored.id,
            total_recipients=audience.fans + len(audience.unknown_fan_ids),
            queued=audience.fans,
            failed_recipient_ids=audience.unknown_fan_ids,
            estimated_completion_time=now + wait_for(waiting, available, self._config),
            status=derived_status(stored.status, counters, fanned_out=done_at is not None),
        )
