"""The fans list: search, tag filter, sort and pages, exactly as `GET /api/crm/fans` takes them.

The page declares the JSON endpoint's own query parameters (names, types, limits) and calls the
same use case with the same query, so the two cannot disagree about what a URL lists. It draws
one page from storage and nothing per row (it must stay fast at 100,000 fans).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from core.fans import FanQuery, FanSort, ListFans, Platform
from entrypoints.http.caller import caller_of
from entrypoints.http.console import fan_edit
from entrypoints.http.console.pages import AnyRequest, acting_as, may, render
from entrypoints.http.controllers.fans import Tag
from entrypoints.http.controllers.params import Limit, Offset, Search

SORTS = {
    FanSort.NEWEST: "Newest first",
    FanSort.CREATED: "Oldest first",
    FanSort.TOP_VALUE: "Top spenders",
    FanSort.VALUE: "Lowest spend",
    FanSort.MOST_RECENTLY_ACTIVE: "Most recently active",
    FanSort.LEAST_RECENTLY_ACTIVE: "Least recently active",
}


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@get("/fans", opt=acting_as("listFans"), include_in_schema=False)
async def fans_page(
    request: AnyRequest,
    list_fans: NamedDependency[ListFans],
    limit: Limit = 50,
    offset: Offset = 0,
    platform: FromQuery[Platform | None] = None,
    search: Search = None,
    tags: FromQuery[list[Tag] | None] = None,
    sort: FromQuery[FanSort] = FanSort.CREATED,
) -> Template:
    query = FanQuery(limit, offset, platform, search, frozenset(tags or ()), sort)
    page = await list_fans.execute(request.user, query)
    params = _Params(list(request.query_params.multi_items()))
    caller = caller_of(request)
    return render(
        request,
        "fans.html",
        page=page,
        query=query,
        sorts=SORTS,
        filters=_filters(params, query),
        kept=params.without("search", "sort", "offset", "deleted"),
        previous=params.page(offset - limit) if offset > 0 else None,
        next=params.page(offset + limit) if offset + limit < page.total else None,
        may_create=may(caller, "createFan"),
        may_import=may(caller, "importFansCsv"),
        deleted=request.query_params.get("deleted"),
    )


@dataclass(frozen=True, slots=True)
class _Params:
    """The page's query, to link to another page of it or to drop one of its filters."""

    items: list[tuple[str, str]]

    def without(self, *names: str, item: tuple[str, str] | None = None) -> list[tuple[str, str]]:
        """Blank values filter nothing: they are left out too."""
        return [(k, v) for k, v in self.items if k not in names and (k, v) != item and v.strip()]

    def url(self, items: Iterable[tuple[str, str]]) -> str:
        query = urlencode(list(items))
        return f"/fans?{query}" if query else "/fans"

    def page(self, offset: int) -> str:
        return self.url([*self.without("offset", "deleted"), ("offset", str(max(0, offset)))])


def _filters(params: _Params, query: FanQuery) -> list[Link]:
    """The filters in force, each with the link that drops it (and goes back to the first page)."""
    links = []
    if query.platform is not None:
        links.append(Link(f"platform: {query.platform.value}", params.url(params.without(
            "platform", "offset", "deleted"))))  # fmt: skip
    for tag in sorted(query.tags):
        kept = params.without("offset", "deleted", item=("tags", tag))
        links.append(Link(f"tag: {tag}", params.url(kept)))
    return links


ROUTES = [fans_page, *fan_edit.ROUTES]
