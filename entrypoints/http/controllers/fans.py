"""Fans: the CRM's records of the people a creator talks to."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from core.fans import (
    MAX_TAG_LENGTH,
    MAX_TOP,
    CreateFan,
    DeleteFan,
    Fan,
    FanChanges,
    FanQuery,
    FanSort,
    GetFan,
    ListFans,
    Platform,
    TopFans,
    UpdateFan,
    fan_version,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.controllers.params import Limit, Offset, PathId, Search
from entrypoints.http.etags import IfMatch, accepted_versions, etag
from entrypoints.http.permissions import refuse_fan_fields_beyond_role
from entrypoints.http.schemas import text
from entrypoints.http.schemas.fans import FanBody, FanList, FanPage, FanPatchBody, FanView

AnyRequest = Request[str, Any, Any]
Tag = text(MAX_TAG_LENGTH)
FanId = PathId


def _tagged(fan: Fan, status_code: int = 200) -> Response[FanView]:
    """One fan with its ETag: send it back in If-Match to edit only what was read."""
    headers = {"ETag": etag(fan_version(fan))}
    return Response(FanView.of(fan), status_code=status_code, headers=headers)


class FanController(Controller):
    path = "/api/crm/fans"
    tags = ["crm"]

    @post("/", operation_id="createFan")
    async def create(
        self, request: AnyRequest, data: JSONBody[FanBody], create_fan: NamedDependency[CreateFan]
    ) -> Response[FanView]:
        """Add a fan; the handle is unique per creator and platform."""
        return _tagged(await create_fan.execute(request.user, data.to_core()), 201)

    @get("/", operation_id="listFans")
    async def list(
        self,
        request: AnyRequest,
        list_fans: NamedDependency[ListFans],
        limit: Limit = 50,
        offset: Offset = 0,
        platform: FromQuery[Platform | None] = None,
        search: Search = None,
        tags: FromQuery[list[Tag] | None] = None,
        sort: FromQuery[FanSort] = FanSort.CREATED,
    ) -> FanPage:
        """The creator's fans, a page at a time, with the total.

        `search` is a case-insensitive substring of the handle, name or email; `tags` (repeat
        it) keeps fans carrying every one; `sort` is `created`, `value` or `lastActive`, with a
        leading `-` for descending.
        """
        query = FanQuery(limit, offset, platform, search, frozenset(tags or ()), sort)
        page = await list_fans.execute(request.user, query)
        return FanPage(
            items=[FanView.of(f) for f in page.items], total=page.total, limit=limit, offset=offset
        )

    @get("/top", operation_id="topFans")
    async def top(
        self,
        request: AnyRequest,
        top_fans: NamedDependency[TopFans],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_TOP)] = 10,
    ) -> FanList:
        """The creator's biggest spenders, highest value first; those who spent nothing are out."""
        return FanList(items=[FanView.of(f) for f in await top_fans.execute(request.user, limit)])

    @get("/{fan_id:int}", operation_id="getFan")
    async def get_one(
        self, request: AnyRequest, fan_id: FanId, get_fan: NamedDependency[GetFan]
    ) -> Response[FanView]:
        """One fan, with an ETag for If-Match on PUT and PATCH."""
        return _tagged(await get_fan.execute(request.user, fan_id))

    @put("/{fan_id:int}", operation_id="replaceFan")
    async def replace(
        self,
        request: AnyRequest,
        fan_id: FanId,
        data: JSONBody[FanBody],
        update_fan: NamedDependency[UpdateFan],
        if_match: IfMatch = None,
    ) -> Response[FanView]:
        """Replace every field of a fan; a field left out takes its default.

        With `If-Match`, only if the fan is unchanged since that GET (412 otherwise): a copy read
        before a purchase must not write the old `valueCents` back.
        """
        changes = FanChanges.replacing(data.to_core())
        versions = accepted_versions(if_match)
        actor = caller_of(request).author
        return _tagged(
            await update_fan.execute(request.user, fan_id, changes, versions, actor=actor)
        )

    @patch("/{fan_id:int}", operation_id="updateFan")
    async def update(
        self,
        request: AnyRequest,
        fan_id: FanId,
        data: JSONBody[FanPatchBody],
        update_fan: NamedDependency[UpdateFan],
        if_match: IfMatch = None,
    ) -> Response[FanView]:
        """Change only the fields given; `null` clears an optional one. `If-Match` as for PUT.

        A chatter may change only `notes` and `tags`.
        """
        refuse_fan_fields_beyond_role(request, data.given_fields())
        versions = accepted_versions(if_match)
        updated = await update_fan.execute(
            request.user, fan_id, data.to_core(), versions, actor=caller_of(request).author
        )
        return _tagged(updated)

    @delete("/{fan_id:int}", operation_id="deleteFan")
    async def remove(
        self, request: AnyRequest, fan_id: FanId, delete_fan: NamedDependency[DeleteFan]
    ) -> None:
        """Delete a fan with its conversations and messages; what it had queued is not sent."""
        await delete_fan.execute(request.user, fan_id, actor=caller_of(request).author)
