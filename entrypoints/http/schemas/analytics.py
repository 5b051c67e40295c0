"""The answers of GET /api/onlyfans/analytics and of its team figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from core.accounts import Role
from core.analytics import (
    AnalyticsReport,
    CampaignFigures,
    DayFigures,
    FanSpend,
    Figures,
    MemberFigures,
    TeamReport,
)
from core.automations import AutomationView
from entrypoints.http.schemas import Schema
from entrypoints.http.schemas.automations import AutomationFiguresRow


class FiguresView(Schema):
    revenue_cents: int
    purchases: int
    messages_sent: int
    messages_failed: int
    new_fans: int

    @classmethod
    def of(cls, f: Figures) -> FiguresView:
        return cls(
            revenue_cents=f.revenue.cents,
            purchases=f.revenue.purchases,
            messages_sent=f.sent,
            messages_failed=f.failed,
            new_fans=f.new_fans,
        )


class DayView(FiguresView):
    date: date

    @classmethod
    def of_day(cls, d: DayFigures) -> DayView:
        return cls(date=d.day, **msgspec.structs.asdict(FiguresView.of(d.figures)))


class TopFanView(Schema):
    fan_id: int
    platform: str
    handle: str
    name: str | None
    spent_cents: int  # in the period
    purchases: int  # in the period
    value_cents: int  # lifetime

    @classmethod
    def of(cls, s: FanSpend) -> TopFanView:
        assert s.fan.id is not None
        return cls(
            fan_id=s.fan.id,
            platform=s.fan.platform,
            handle=s.fan.handle,
            name=s.fan.name,
            spent_cents=s.spend.cents,
            purchases=s.spend.purchases,
            value_cents=s.fan.value_cents,
        )


class CampaignFiguresView(Schema):
    id: int
    name: str
    status: str
    created_at: datetime | None
    targeted: int
    sent: int
    failed: int
    revenue_cents: int

    @classmethod
    def of(cls, c: CampaignFigures) -> CampaignFiguresView:
        assert c.campaign.id is not None
        return cls(
            id=c.campaign.id,
            name=c.campaign.name,
            status=c.campaign.status,
            created_at=c.campaign.created_at,
            targeted=c.counters.targeted,
            sent=c.counters.sent,
            failed=c.counters.failed,
            revenue_cents=c.campaign.revenue_cents,
        )


class AnalyticsView(Schema):
    from_: date = msgspec.field(name="from")
    to: date
    timezone: str
    totals: FiguresView
    days: list[DayView]
    top_fans: list[TopFanView]
    campaigns: list[CampaignFiguresView]
    automations: list[AutomationFiguresRow]

    @classmethod
    def of(cls, r: AnalyticsReport, automations: list[AutomationView]) -> AnalyticsView:
        return cls(
            from_=r.period.first,
            to=r.period.last,
            timezone="UTC",
            totals=FiguresView.of(r.totals),
            days=[DayView.of_day(d) for d in r.days],
            top_fans=[TopFanView.of(s) for s in r.top_fans],
            campaigns=[CampaignFiguresView.of(c) for c in r.campaigns],
            automations=[AutomationFiguresRow.of(a) for a in automations],
        )


class MemberFiguresView(Schema):
    """One member's figures over the period (definitions: README, "Team analytics")."""

    user_id: str
    email: Annotated[str, Meta(description="The member's sign-in email.")]
    name: str | None
    role: Annotated[Role | None, Meta(description="Their role now; null when no longer a member.")]
    messages_sent: Annotated[int, Meta(description="Messages they wrote sent in the period.")]
    conversations_answered: Annotated[
        int, Meta(description="Distinct conversations of those messages.")
    ]
    revenue_cents: Annotated[
        int, Meta(description="PPV purchases in the period naming a message they wrote.")
    ]
    purchases: int
    replies_timed: Annotated[
        int, Meta(description="Their messages sent in the period that answered a fan's message.")
    ]
    median_reply_seconds: Annotated[
        float | None,
        Meta(
            description="The median, over those replies, of the seconds from the fan's latest "
            "unanswered message to the reply; null when none answered a fan."
        ),
    ]

    @classmethod
    def of(cls, m: MemberFigures) -> MemberFiguresView:
        times = m.reply_times
        return cls(
            user_id=m.user_id,
            email=m.who.email,
            name=m.who.name,
            role=None if m.who.role is None else Role(m.who.role),
            messages_sent=m.sends.messages,
            conversations_answered=m.sends.conversations,
            revenue_cents=m.revenue.cents,
            purchases=m.revenue.purchases,
            replies_timed=0 if times is None else times.replies,
            median_reply_seconds=None if times is None else times.median_s,
        )


class TeamAnalyticsView(Schema):
    from_: date = msgspec.field(name="from")
    to: date
    timezone: str
    # Every member now, and past members with activity; most revenue first.
    members: list[MemberFiguresView]

    @classmethod
    def of(cls, r: TeamReport) -> TeamAnalyticsView:
        return cls(
            from_=r.period.first,
            to=r.period.last,
            timezone="UTC",
            members=[MemberFiguresView.of(m) for m in r.members],
        )
