"""The creator's figures over a period: revenue, messages, new fans, top fans, campaigns."""

from core.analytics.get import DEFAULT_TOP, GetAnalytics
from core.analytics.period import parse_day
from core.analytics.records import FanSpend, MemberSends, ReplyTimes, Spend, TeamMember
from core.analytics.report import AnalyticsReport, CampaignFigures, DayFigures, Figures
from core.analytics.team import GetTeamAnalytics, MemberFigures, TeamReport

__all__ = [
    "DEFAULT_TOP",
    "AnalyticsReport",
    "CampaignFigures",
    "DayFigures",
    "FanSpend",
    "Figures",
    "GetAnalytics",
    "GetTeamAnalytics",
    "MemberFigures",
    "MemberSends",
    "ReplyTimes",
    "Spend",
    "TeamMember",
    "TeamReport",
    "parse_day",
]
