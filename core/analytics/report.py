"""What an analytics answer holds: figures per day (zero-filled), their totals, top fans and
campaigns. Plain records; the use case in core.analytics.get fills them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.analytics.period import Period
from core.analytics.records import FanSpend, Spend
from core.campaigns import Campaign, CampaignCounters


@dataclass(frozen=True, slots=True)
class Figures:
    revenue: Spend = field(default_factory=Spend)
    sent: int = 0
    failed: int = 0
    new_fans: int = 0

    def __add__(self, other: Figures) -> Figures:
        revenue = Spend(
            self.revenue.cents + other.revenue.cents,
            self.revenue.purchases + other.revenue.purchases,
        )
        return Figures(
            revenue, self.sent + other.sent, self.failed + other.failed,
            self.new_fans + other.new_fans,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    figures: Figures


@dataclass(frozen=True, slots=True)
class CampaignFigures:
    """A campaign with its counters and revenue to date (not only the period's)."""

    campaign: Campaign
    counters: CampaignCounters


@dataclass(frozen=True, slots=True)
class AnalyticsReport:
    period: Period
    days: list[DayFigures]  # every day of the period, in order, zeros where nothing happened
    top_fans: list[FanSpend]
    campaigns: list[CampaignFigures]

    @property
    def totals(self) -> Figures:
        return sum((d.figures for d in self.days), Figures())
