"""Analytics: a period's revenue and messages per day drawn as charts, its totals, top fans,
campaigns with their revenue, and the team's figures.

The page takes the API's own query parameters (`from`, `to`) and calls the use cases of
`GET /api/onlyfans/analytics` and of its team figures with them, as their controller does, so
the page and the JSON cannot disagree about a period. A period they refuse (a bad day, `from`
after `to`, too long) is a 400 with the reason under the picker's field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from core.analytics import (
    AnalyticsReport,
    GetAnalytics,
    GetTeamAnalytics,
    TeamReport,
    parse_day,
)
from core.errors import Invalid
from entrypoints.http.caller import caller_of
from entrypoints.http.console.charts import BarChart, Series, bar_chart
from entrypoints.http.console.formats import duration_text, money
from entrypoints.http.console.inbox_views import AnyClock
from entrypoints.http.console.pages import AnyRequest, acting_as, may, render
from entrypoints.http.controllers.analytics import First, Last

QUICK_PERIODS = (7, 30, 90)  # the picker's links: the last N days, today included


@dataclass(frozen=True, slots=True)
class QuickPeriod:
    days: int
    first: date
    last: date

    @property
    def url(self) -> str:
        return f"/analytics?from={self.first}&to={self.last}"


@get("/analytics", opt=acting_as("analytics"), include_in_schema=False)
async def analytics_page(
    request: AnyRequest,
    get_analytics: NamedDependency[GetAnalytics],
    get_team_analytics: NamedDependency[GetTeamAnalytics],
    clock: NamedDependency[AnyClock],
    from_: First = None,
    to: Last = None,
) -> Template:
    # A date field left blank is a bound not given: the API's default, as when it is absent.
    asked = {"from": from_ or "", "to": to or ""}
    today = clock.now().date()
    try:
        first, last = parse_day(from_ or None, "from"), parse_day(to or None, "to")
        report = await get_analytics.execute(request.user, first, last)
        team = None
        if may(caller_of(request), "getTeamAnalytics"):
            team = await get_team_analytics.execute(request.user, first, last)
    except Invalid as exc:
        return _page(request, today, asked, errors={exc.field or "from": exc.message})
    picked = {"from": str(report.period.first), "to": str(report.period.last)}
    return _page(request, today, picked, report=report, team=team)


def _page(
    request: AnyRequest,
    today: date,
    asked: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    report: AnalyticsReport | None = None,
    team: TeamReport | None = None,
) -> Template:
    """The picker (with the days asked, and the error naming one), and the figures if any."""
    return render(
        request,
        "analytics.html",
        status=400 if errors else 200,
        asked=asked,
        errors=errors or {},
        quick=_quick_periods(today),
        report=report,
        team=team,
        may_open_campaigns=may(caller_of(request), "getCampaign"),
        duration=duration_text,
        **(charts_of(report) if report else {}),
    )


def _quick_periods(today: date) -> list[QuickPeriod]:
    return [QuickPeriod(n, today - timedelta(days=n - 1), today) for n in QUICK_PERIODS]


def charts_of(report: AnalyticsReport) -> dict[str, BarChart]:
    """Revenue per day, and messages sent and failed per day, on a scale each."""
    days = [str(d.day) for d in report.days]
    revenue = Series("revenue", "Revenue", [d.figures.revenue.cents for d in report.days])
    sent = Series("sent", "Sent", [d.figures.sent for d in report.days])
    failed = Series("failed", "Failed", [d.figures.failed for d in report.days])
    return {
        "revenue_chart": bar_chart(
            days, [revenue], text=money, tick_text=_whole_dollars, slot_text=_month_day
        ),
        "messages_chart": bar_chart(days, [sent, failed], slot_text=_month_day),
    }


def _whole_dollars(cents: int) -> str:
    """A tick's amount: `$1,500`, cents only when it has some (the scale's steps rarely do)."""
    return money(cents).removesuffix(".00")


def _month_day(day: str) -> str:
    """`12-06`: the axis names a few days of a period of at most a year."""
    return day[5:]


ROUTES = [analytics_page]
