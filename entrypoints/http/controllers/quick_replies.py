"""Quick replies: a creator's canned answers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from core.quick_replies import (
    CreateQuickReply,
    DeleteQuickReply,
    GetQuickReply,
    ListQuickReplies,
    QuickReplyChanges,
    UpdateQuickReply,
)
from entrypoints.http.controllers.params import Limit, Offset, PathId
from entrypoints.http.schemas.quick_replies import (
    QuickReplyBody,
    QuickReplyPage,
    QuickReplyPatchBody,
    QuickReplyView,
)

AnyRequest = Request[str, Any, Any]
ReplyId = PathId


class QuickReplyController(Controller):
    path = "/api/crm/quick-replies"
    tags = ["crm"]

    @post("/", operation_id="createQuickReply")
    async def create(
        self,
        request: AnyRequest,
        data: JSONBody[QuickReplyBody],
        create_quick_reply: NamedDependency[CreateQuickReply],
    ) -> QuickReplyView:
        """Save a canned answer: a title (≤ 100 characters) and its content (≤ 5000)."""
        reply = await create_quick_reply.execute(request.user, data.title, data.content)
        return QuickReplyView.of(reply)

    @get("/", operation_id="listQuickReplies")
    async def list(
        self,
        request: AnyRequest,
        list_quick_replies: NamedDependency[ListQuickReplies],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> QuickReplyPage:
        """The creator's quick replies in the order they were made, with the total."""
        page = await list_quick_replies.execute(request.user, limit, offset)
        items = [QuickReplyView.of(reply) for reply in page.items]
        return QuickReplyPage(items=items, total=page.total, limit=limit, offset=offset)

    @get("/{reply_id:int}", operation_id="getQuickReply")
    async def get_one(
        self,
        request: AnyRequest,
        reply_id: ReplyId,
        get_quick_reply: NamedDependency[GetQuickReply],
    ) -> QuickReplyView:
        """One quick reply."""
        return QuickReplyView.of(await get_quick_reply.execute(request.user, reply_id))

    @put("/{reply_id:int}", operation_id="replaceQuickReply")
    async def replace(
        self,
        request: AnyRequest,
        reply_id: ReplyId,
        data: JSONBody[QuickReplyBody],
        update_quick_reply: NamedDependency[UpdateQuickReply],
    ) -> QuickReplyView:
        """Replace the title and the content."""
        changes = QuickReplyChanges(data.title, data.content)
        return QuickReplyView.of(await update_quick_reply.execute(request.user, reply_id, changes))

    @patch("/{reply_id:int}", operation_id="updateQuickReply")
    async def update(
        self,
        request: AnyRequest,
        reply_id: ReplyId,
        data: JSONBody[QuickReplyPatchBody],
        update_quick_reply: NamedDependency[UpdateQuickReply],
    ) -> QuickReplyView:
        """Change the title, the content or both."""
        reply = await update_quick_reply.execute(request.user, reply_id, data.to_core())
        return QuickReplyView.of(reply)

    @delete("/{reply_id:int}", operation_id="deleteQuickReply")
    async def remove(
        self,
        request: AnyRequest,
        reply_id: ReplyId,
        delete_quick_reply: NamedDependency[DeleteQuickReply],
    ) -> None:
        """Delete a quick reply."""
        await delete_quick_reply.execute(request.user, reply_id)
