"""Accepting a campaign: the audience counted and the campaign row written in one short
transaction, answered at once; its messages are written afterwards, in chunks.

The fan-out starts in the background right after (core/campaigns/fan_out.py) and the outbox
sweep carries it on if this process dies first; the counts in the answer are the audience as
counted now (the segment is evaluated again as the fan-out reaches each chunk).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.accounts import Author
from core.audit import AuditEntry, Detail
from core.campaigns.audience import MAX_RECIPIENTS, NewCampaign
from core.campaigns.fan_out import BackgroundFanOuts
from core.campaigns.ports import CampaignStorage
from core.campaigns.records import CampaignCounters, CampaignLimits, CampaignStatus
from core.campaigns.views import derived_status
from core.errors import Invalid
from core.messaging import MessagingConfig, already_waiting, plan_backlog
from core.planning import Lane
from core.ports import Clock, Metrics, RateLimiter
from core.settings import AccountRules, check_blocked


@dataclass(frozen=True, slots=True)
class Accepted:
    campaign_id: int
    total_recipients: int  # distinct recipients asked for: queued + failed
    queued: int  # the campaign's fans counted at acceptance: the messages the fan-out will write
    failed_recipient_ids: list[int]  # named recipients who are not the creator's fans
    estimated_completion_time: datetime
    status: CampaignStatus


@dataclass(frozen=True, slots=True)
class CreateCampaign:
    storage: CampaignStorage
    fan_outs: BackgroundFanOuts
    limiter: RateLimiter
    metrics: Metrics
    clock: Clock
    config: MessagingConfig
    rules: AccountRules

    async def execute(self, user_id: str, new: NewCampaign, *, actor: Author) -> Accepted:
        """`actor` is who asked for it (audited); its messages' author is the campaign."""
        self.config.ensure_enabled()
        campaign = new.to_campaign(user_id)
        settings = await self.rules.of(user_id)
        check_blocked({"content": campaign.template.content}, settings.blocked_words)
        now = self.clock.now()
        new.check_times(now, settings.rate_per_minute)
        scheduled = campaign.status is CampaignStatus.SCHEDULED
        async with self.storage.begin() as uow:
            audience = await uow.campaigns.count_audience(user_id, campaign.audience, now)
            if audience.fans > MAX_RECIPIENTS:
                where = "segment" if campaign.audience.segment else "recipientIds"
                raise Invalid(
                    f"the audience holds {audience.fans} fans; at most {MAX_RECIPIENTS}",
                    field=where,
                )
            # What the fan-out will write: its audience, up to the campaign's cap.
            fans = min(audience.fans, campaign.limits.max_messages or audience.fans)
            # Nobody to write: the fan-out has ended (a scheduled one resolves its audience later).
            done_at = None if fans or scheduled else now
            stored = await uow.campaigns.add(
                replace(campaign, created_at=now, updated_at=now, fanned_out_at=done_at)
            )
            assert stored.id is not None
            detail: Detail = {"fans": fans, "scheduled": scheduled}
            entry = AuditEntry(user_id, now, actor, "campaign.create", str(stored.id), detail)
            await uow.audit.add([entry])
            unsent = await uow.messages.count_unsent(user_id)
            interactive = await uow.outbox.count_interactive(user_id)
        self.metrics.increment("onlyfans.bulk.campaign")
        self.metrics.increment("onlyfans.bulk.recipients", fans)
        if scheduled:  # as if it started on time with nothing else waiting
            starts = campaign.send_at or now
            waiting = already_waiting(Lane.BULK, fans, starts)
        else:
            starts = now
            if fans:
                self.fan_outs.start(user_id, stored.id)
            waiting = already_waiting(Lane.INTERACTIVE, interactive, now)
            waiting += already_waiting(Lane.BULK, unsent - interactive + fans, now)
        planned = await plan_backlog(self.limiter, settings, starts, waiting)
        counters = CampaignCounters(pending=fans)
        return Accepted(
            campaign_id=stored.id,
            total_recipients=audience.fans + len(audience.unknown_fan_ids),
            queued=fans,
            failed_recipient_ids=audience.unknown_fan_ids,
            estimated_completion_time=_completion(campaign.limits, fans, starts, planned.values()),
            status=derived_status(stored.status, counters, fanned_out=done_at is not None),
        )


def _completion(
    limits: CampaignLimits, fans: int, starts: datetime, planned: Iterable[datetime]
) -> datetime:
    """The planner's last time, later at the campaign's own rate, and never after its stop."""
    done = max(planned, default=starts)
    if limits.rate_per_minute and fans:
        done = max(done, starts + (fans - 1) * (timedelta(minutes=1) / limits.rate_per_minute))
    if limits.stop_at is not None:
        done = min(done, limits.stop_at)
    return done
