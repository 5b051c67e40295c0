"""Conversation schemas: the inbox, a thread, and a reply."""

from __future__ import annotations

from datetime import datetime

from core.conversations import ConversationSummary, Reply
from core.messaging import Message
from entrypoints.http.schemas import Body, Cents, Schema
from entrypoints.http.schemas.messaging import Content, MediaUrls, MessageView, Priority


class ConversationView(Schema):
    id: int
    fan_id: int
    fan_handle: str
    fan_name: str | None
    platform: str
    last_message_at: datetime | None
    unread_count: int

    @classmethod
    def of(cls, s: ConversationSummary) -> ConversationView:
        c = s.conversation
        assert c.id is not None
        return cls(
            id=c.id,
            fan_id=c.fan_id,
            fan_handle=s.fan_handle,
            fan_name=s.fan_name,
            platform=c.platform,
            last_message_at=c.last_message_at,
            unread_count=c.unread_count,
        )


class ConversationPage(Schema):
    items: list[ConversationView]
    total: int
    limit: int
    offset: int


class ThreadPage(Schema):
    """A conversation's messages, newest first."""

    items: list[MessageView]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, messages: list[Message], total: int, limit: int, offset: int) -> ThreadPage:
        items = [MessageView.of(m) for m in messages]
        return cls(items=items, total=total, limit=limit, offset=offset)


class ReplyBody(Body):
    """Like a send's body, without `recipientId`: the conversation names the fan."""

    content: Content
    media_urls: MediaUrls = []
    price_cents: Cents | None = None
    priority: Priority = 5

    def to_core(self) -> Reply:
        return Reply(self.content, tuple(self.media_urls), self.price_cents, self.priority)
