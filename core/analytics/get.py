"""The analytics use case: one transaction, one grouped query per figure, days zero-filled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.analytics.period import period_of
from core.analytics.ports import AnalyticsStorage
from core.analytics.records import Spend
from core.analytics.report import AnalyticsReport, CampaignFigures, DayFigures, Figures
from core.campaigns import CampaignCounters
from core.errors import Invalid
from core.fans import MAX_TOP
from core.ports import Clock

DEFAULT_TOP = 10
# Campaigns created in the period, newest first; a creator makes a few a week at most.
MAX_CAMPAIGNS = 100


@dataclass(frozen=True, slots=True)
class GetAnalytics:
    storage: AnalyticsStorage
    clock: Clock

    async def execute(
        self,
        user_id: str,
        first: date | None = None,
        last: date | None = None,
        top: int = DEFAULT_TOP,
    ) -> AnalyticsReport:
        """The creator's figures for `first` … `last` (UTC days, both included; Invalid naming
        `from`, `to` or `top` when they make no sense)."""
        if not 1 <= top <= MAX_TOP:
            raise Invalid(f"top must be between 1 and {MAX_TOP}", field="top")
        period = period_of(first, last, self.clock.now().date())
        start, end = period.start, period.end
        async with self.storage.begin() as uow:
            figures = uow.analytics
            revenue = await figures.revenue_per_day(user_id, start, end)
            sent = await figures.sent_per_day(user_id, start, end)
            failed = await figures.failed_per_day(user_id, start, end)
            new_fans = await figures.new_fans_per_day(user_id, start, end)
            counts = (sent, failed, new_fans)  # in the order of Figures' fields
            top_fans = await figures.top_spenders(user_id, start, end, top)
            campaigns = await figures.campaigns_created(user_id, start, end, MAX_CAMPAIGNS)
            ids = [c.id for c in campaigns if c.id is not None]
            counters = await uow.campaigns.counters(user_id, ids) if ids else {}
        days = [
            DayFigures(day, Figures(revenue.get(day, Spend()), *(n.get(day, 0) for n in counts)))
            for day in period.days()
        ]
        return AnalyticsReport(
            period,
            days,
            top_fans,
            [CampaignFigures(c, counters.get(c.id or 0, CampaignCounters())) for c in campaigns],
        )
