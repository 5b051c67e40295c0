"""Conversations: the inbox, a thread, a reply in it (queued like /send) and marking it read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from core.conversations import (
    ConversationQuery,
    GetConversation,
    ListConversationMessages,
    ListConversations,
    MarkConversationRead,
    SendInConversation,
    Subscription,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.controllers.params import Limit, Offset, PathId, Search
from entrypoints.http.schemas.conversations import (
    ConversationPage,
    ConversationView,
    ReplyBody,
    ThreadPage,
)
from entrypoints.http.schemas.messaging import SendMessageResponse

AnyRequest = Request[str, Any, Any]


class ConversationController(Controller):
    path = "/api/crm/conversations"
    tags = ["crm"]

    @get("/", operation_id="listConversations")
    async def list(
        self,
        request: AnyRequest,
        list_conversations: NamedDependency[ListConversations],
        limit: Limit = 50,
        offset: Offset = 0,
        unread: FromQuery[bool] = False,
        spenders: FromQuery[bool] = False,
        subscription: FromQuery[Subscription | None] = None,
        search: Search = None,
    ) -> ConversationPage:
        """The creator's conversations, newest activity first.

        `unread=true` keeps those with messages not read yet; `spenders=true` those with fans
        who spent something; `subscription` is `subscribed` or `expired` (unsubscribed and not
        back); `search` is a case-insensitive substring of the fan's handle, name or email.
        """
        query = ConversationQuery(limit, offset, unread, spenders, subscription, search)
        page = await list_conversations.execute(request.user, query)
        items = [ConversationView.of(c) for c in page.items]
        return ConversationPage(items=items, total=page.total, limit=limit, offset=offset)

    @get("/{conversation_id:int}", operation_id="getConversation")
    async def get_one(
        self,
        request: AnyRequest,
        conversation_id: PathId,
        get_conversation: NamedDependency[GetConversation],
    ) -> ConversationView:
        """One conversation, with its fan and unread count."""
        return ConversationView.of(await get_conversation.execute(request.user, conversation_id))

    @get("/{conversation_id:int}/messages", operation_id="listConversationMessages")
    async def messages(
        self,
        request: AnyRequest,
        conversation_id: PathId,
        list_conversation_messages: NamedDependency[ListConversationMessages],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ThreadPage:
        """The thread, newest first, inbound and outbound together."""
        page = await list_conversation_messages.execute(
            request.user, conversation_id, limit, offset
        )
        return ThreadPage.of(page.items, page.total, limit, offset)

    @post("/{conversation_id:int}/messages", status_code=202, operation_id="replyInConversation")
    async def reply(
        self,
        request: AnyRequest,
        conversation_id: PathId,
        data: JSONBody[ReplyBody],
        send_in_conversation: NamedDependency[SendInConversation],
    ) -> SendMessageResponse:
        """Send to the conversation's fan, queued and throttled exactly like /send."""
        receipt = await send_in_conversation.execute(
            request.user, conversation_id, data.to_core(), author=caller_of(request).author
        )
        return SendMessageResponse.of(receipt)

    @post("/{conversation_id:int}/read", status_code=200, operation_id="markConversationRead")
    async def read(
        self,
        request: AnyRequest,
        conversation_id: PathId,
        mark_conversation_read: NamedDependency[MarkConversationRead],
    ) -> ConversationView:
        """Unread back to zero; the inbound messages get their read time."""
        marked = await mark_conversation_read.execute(request.user, conversation_id)
        return ConversationView.of(marked)
