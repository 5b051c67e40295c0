"""Analytics: what a creator earned, sent and gained, day by day; and each member's share."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from core.analytics import DEFAULT_TOP, GetAnalytics, GetTeamAnalytics, parse_day
from core.automations import ListAutomations
from core.fans import MAX_TOP
from core.paging import MAX_PAGE_SIZE
from entrypoints.http.schemas.analytics import AnalyticsView, TeamAnalyticsView

_FIRST = "The first day, YYYY-MM-DD (UTC); default: 30 days ending at `to`."
_LAST = "The last day, included, YYYY-MM-DD (UTC); default: today."
# Strings, parsed by the core: a bad one is a 400 naming `from` (not the Python name).
First = Annotated[str | None, QueryParameter(name="from", description=_FIRST, format="date")]
Last = Annotated[str | None, QueryParameter(description=_LAST, format="date")]


@get("/api/onlyfans/analytics", tags=["analytics"], operation_id="analytics")
async def analytics(
    request: Request[str, Any, Any],
    get_analytics: NamedDependency[GetAnalytics],
    list_automations: NamedDependency[ListAutomations],
    from_: First = None,
    to: Last = None,
    top: Annotated[int, QueryParameter(ge=1, le=MAX_TOP)] = DEFAULT_TOP,
) -> AnalyticsView:
    """Revenue (PPV purchases), messages sent and failed, and new fans for every UTC day from
    `from` to `to` (YYYY-MM-DD, both included; default the last 30 days up to today; at most
    366 days), with their totals; the `top` fans by spend in the period; and the campaigns
    created in the period with their counters and revenue to date; and the automations (the
    first 200) with their figures to date."""
    first, last = parse_day(from_, "from"), parse_day(to, "to")
    report = await get_analytics.execute(request.user, first, last, top)
    automations = await list_automations.execute(request.user, MAX_PAGE_SIZE, 0)
    return AnalyticsView.of(report, automations.items)


@get("/api/onlyfans/analytics/team", tags=["analytics"], operation_id="getTeamAnalytics")
async def team_analytics(
    request: Request[str, Any, Any],
    get_team_analytics: NamedDependency[GetTeamAnalytics],
    from_: First = None,
    to: Last = None,
) -> TeamAnalyticsView:
    """Per member of the account, over `from` … `to` (as for /api/onlyfans/analytics): messages
    sent (those they wrote that reached `sent` in the period), conversations answered (distinct
    conversations of those), PPV revenue credited (purchases in the period naming a message they
    wrote) and the median time from a fan's message to their reply (README, "Team analytics").
    Every member of the account is listed, and past members who were active in the period."""
    first, last = parse_day(from_, "from"), parse_day(to, "to")
    report = await get_team_analytics.execute(request.user, first, last)
    return TeamAnalyticsView.of(report)
