"""Fans: just enough CRM to have recipients."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.fans import MAX_PAGE_SIZE, CreateFan, GetFan, ListFans
from core.models import Platform
from core.ports import FanQuery
from entrypoints.http.schemas.fans import FanBody, FanPage, FanView

AnyRequest = Request[str, Any, Any]


class FanController(Controller):
    path = "/api/crm/fans"
    tags = ["crm"]

    @post("/", operation_id="createFan")
    async def create(
        self, request: AnyRequest, data: JSONBody[FanBody], create_fan: NamedDependency[CreateFan]
    ) -> FanView:
        """Add a fan; the handle is unique per creator and platform."""
        return FanView.of(await create_fan.execute(request.user, data.to_core()))

    @get("/", operation_id="listFans")
    async def list(
        self,
        request: AnyRequest,
        list_fans: NamedDependency[ListFans],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
        platform: FromQuery[Platform | None] = None,
    ) -> FanPage:
        """The creator's fans, a page at a time, with the total."""
        page = await list_fans.execute(request.user, FanQuery(limit, offset, platform))
        return FanPage(
            items=[FanView.of(f) for f in page.items], total=page.total, limit=limit, offset=offset
        )

    @get("/{fan_id:int}", operation_id="getFan")
    async def get_one(
        self, request: AnyRequest, fan_id: FromPath[int], get_fan: NamedDependency[GetFan]
    ) -> FanView:
        """One fan."""
        return FanView.of(await get_fan.execute(request.user, fan_id))
