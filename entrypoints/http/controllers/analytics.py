"""Analytics: what a creator earned, sent and gained, day by day."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from core.analytics import DEFAULT_TOP, GetAnalytics, parse_day
from core.automations import ListAutomations
from core.fans import MAX_TOP
from core.paging import MAX_PAGE_SIZE
from entrypoints.http.schemas.analytics import AnalyticsView

_FIRST = "The first day, YYYY-MM-DD (UTC); default: 30 days ending at `to`."
_LAST = "The last day, included, YYYY-MM-DD (UTC); default: today."


@get("/api/onlyfans/analytics", tags=["analytics"], operation_id="analytics")
async def analytics(
    request: Request[str, Any, Any],
    get_analytics: NamedDependency[GetAnalytics],
    list_automations: NamedDependency[ListAutomations],
    # Strings, parsed by the core: a bad one is a 400 naming `from` (not the Python name).
    from_: Annotated[
        str | None, QueryParameter(name="from", description=_FIRST, format="date")
    ] = None,
    to: Annotated[str | None, QueryParameter(description=_LAST, format="date")] = None,
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
