"""What quick replies need of storage."""

from __future__ import annotations

from typing import Protocol

from core.paging import Page
from core.ports import Storage
from core.quick_replies.records import QuickReply


class QuickReplyRepository(Protocol):
    async def add(self, reply: QuickReply) -> QuickReply: ...

    async def get(self, user_id: str, reply_id: int) -> QuickReply | None: ...

    async def list(self, user_id: str, limit: int, offset: int) -> Page[QuickReply]:
        """In creation order, with the total."""
        ...

    async def update(self, reply: QuickReply) -> bool:
        """Write title, content and updated_at; False when the tenant has no such reply."""
        ...

    async def delete(self, user_id: str, reply_id: int) -> bool: ...


class QuickReplyStore(Protocol):
    """One transaction, as the quick replies use cases see it."""

    quick_replies: QuickReplyRepository


QuickReplyStorage = Storage[QuickReplyStore]
