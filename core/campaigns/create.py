"""Creating a campaign: its row and a `pending` message per recipient, in one transaction.

The fan-out is set-based in storage (100,000 recipients in one INSERT … SELECT); the campaign
row and its rows commit together, so a crash leaves either nothing or all of it. Relaying is the
resumable part: the outbox sweep puts the rows on the queue at the creator's pace, starting now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from core.campaigns.audience import MAX_RECIPIENTS, NewCampaign
from core.campaigns.views import derived_status
from core.errors import Invalid
from core.messaging.config import MessagingConfig
from core.messaging.eta import tokens_available, wait_for
from core.messaging.sweep import SweepOutbox
from core.models import CampaignCounters, CampaignStatus
from core.ports import Clock, Metrics, RateLimiter, Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Accepted:
    campaign_id: int
    total_recipients: int  # distinct recipients asked for: queued + failed
    queued: int  # messages written for the campaign's fans
    failed_recipient_ids: list[int]  # named recipients who are not the creator's fans
    estimated_completion_time: datetime
    status: CampaignStatus


class CreateCampaign:
    def __init__(
        self,
        storage: Storage,
        sweep: SweepOutbox,
        limiter: RateLimiter,
        metrics: Metrics,
        clock: Clock,
        config: MessagingConfig,
    ) -> None:
        self._storage = storage
        self._sweep = sweep
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
            stored = await uow.campaigns.add(replace(campaign, created_at=now, updated_at=now))
            assert stored.id is not None
            written = await uow.campaigns.fan_out(stored, now)
            waiting = await uow.messages.count_unsent(user_id)
        self._metrics.increment("onlyfans.bulk.campaign")
        self._metrics.increment("onlyfans.bulk.recipients", written)
        await self._relay_first_slice(user_id)
        available = await tokens_available(self._limiter, self._config, user_id)
        return Accepted(
            campaign_id=stored.id,
            total_recipients=written + len(audience.unknown_fan_ids),
            queued=written,
            failed_recipient_ids=audience.unknown_fan_ids,
            estimated_completion_time=now + wait_for(waiting, available, self._config),
            status=derived_status(stored.status, CampaignCounters(pending=written)),
        )

    async def _relay_first_slice(self, user_id: str) -> None:
        """What the bucket lets out soon goes on the queue now; the rest waits for the sweep."""
        try:
            await self._sweep.execute(user_id)
        except Exception:  # stored and committed: the next sweep relays it instead
            log.exception("relaying a new campaign failed; the sweep will relay it")
