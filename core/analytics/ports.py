"""What the analytics need of storage."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from core.analytics.records import FanSpend, MemberSends, ReplyTimes, Spend, TeamMember
from core.campaigns import Campaign, CampaignRepository
from core.ports import Storage


class AnalyticsRepository(Protocol):
    """A tenant's figures over `[start, end)`, by UTC day; a day without data is left out."""

    async def revenue_per_day(
        self, user_id: str, start: datetime, end: datetime
    ) -> dict[date, Spend]:
        """Purchases by the day they occurred."""
        ...

    async def sent_per_day(self, user_id: str, start: datetime, end: datetime) -> dict[date, int]:
        """Messages by the day they were sent."""
        ...

    async def failed_per_day(self, user_id: str, start: datetime, end: datetime) -> dict[date, int]:
        """Messages failed now, by the day they failed (their last update)."""
        ...

    async def new_fans_per_day(
        self, user_id: str, start: datetime, end: datetime
    ) -> dict[date, int]:
        """Fans by the day they were added (created_at)."""
        ...

    async def top_spenders(
        self, user_id: str, start: datetime, end: datetime, limit: int
    ) -> list[FanSpend]:
        """The fans who spent the most in the period, most first, ties by fan id."""
        ...

    async def campaigns_created(
        self, user_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Campaign]:
        """Campaigns created in the period, newest first."""
        ...


class AnalyticsStore(Protocol):
    """One transaction, as the analytics use cases see it."""

    analytics: AnalyticsRepository
    campaigns: CampaignRepository


AnalyticsStorage = Storage[AnalyticsStore]


class TeamAnalyticsRepository(Protocol):
    """An account's figures per member over `[start, end)`, keyed by the member's user id; a
    member with nothing to count is left out (definitions: core/analytics/team.py)."""

    async def member_sends(
        self, account: str, start: datetime, end: datetime
    ) -> dict[str, MemberSends]: ...

    async def member_revenue(
        self, account: str, start: datetime, end: datetime
    ) -> dict[str, Spend]: ...

    async def member_reply_times(
        self, account: str, start: datetime, end: datetime
    ) -> dict[str, ReplyTimes]: ...

    async def people(self, account: str, user_ids: Collection[str]) -> dict[str, TeamMember]:
        """The account's members now, and the users named (past members), by user id."""
        ...


class TeamAnalyticsStore(Protocol):
    team: TeamAnalyticsRepository


TeamAnalyticsStorage = Storage[TeamAnalyticsStore]
