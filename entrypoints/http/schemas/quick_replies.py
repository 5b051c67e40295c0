"""Quick reply schemas. Lengths are checked in the core, which names the field in its 400."""

from __future__ import annotations

from datetime import datetime

from msgspec import UNSET, UnsetType

from core.quick_replies import QuickReply, QuickReplyChanges
from entrypoints.http.schemas import Body, Schema


class QuickReplyBody(Body):
    title: str
    content: str


class QuickReplyPatchBody(Body):
    """Only the fields present change."""

    title: str | UnsetType = UNSET
    content: str | UnsetType = UNSET

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
