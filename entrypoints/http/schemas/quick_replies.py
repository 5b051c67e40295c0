"""Quick reply schemas. Lengths are checked in the core, which names the field in its 400."""

from __future__ import annotations

from datetime import datetime

from msgspec import UNSET, UnsetType

from core.messaging import MAX_CONTENT_LENGTH
from core.quick_replies import QuickReply, QuickReplyChanges
from core.quick_replies.records import MAX_QUICK_REPLY_TITLE_LENGTH
from entrypoints.http.schemas import Body, Schema, not_blank

Title = not_blank(MAX_QUICK_REPLY_TITLE_LENGTH)
ReplyContent = not_blank(MAX_CONTENT_LENGTH)


class QuickReplyBody(Body):
    title: Title
    content: ReplyContent


class QuickReplyPatchBody(Body):
    """Only the fields present change."""

    title: Title | UnsetType = UNSET
    content: ReplyContent | UnsetType = UNSET

    def to_core(self) -> QuickReplyChanges:
        return QuickReplyChanges(
            title=None if isinstance(self.title, UnsetType) else self.title,
            content=None if isinstance(self.content, UnsetType) else self.content,
        )


class QuickReplyView(Schema):
    id: int
    title: str
    content: str
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, reply: QuickReply) -> QuickReplyView:
        assert reply.id is not None
        return cls(
            id=reply.id,
            title=reply.title,
            content=reply.content,
            created_at=reply.created_at,
            updated_at=reply.updated_at,
        )


class QuickReplyPage(Schema):
    items: list[QuickReplyView]
    total: int
    limit: int
    offset: int
