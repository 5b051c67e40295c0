"""Conversation use cases: the inbox, a thread, a reply in it and marking it read.

A reply goes through SendMessage, so it is queued and throttled exactly like `/send`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.accounts import Author
from core.conversations.ports import ConversationQuery, ConversationStorage
from core.conversations.records import ConversationSummary
from core.errors import NotFound
from core.fans import check_search
from core.messaging import DEFAULT_PRIORITY, Message, NewMessage, SendMessage, SendReceipt
from core.paging import Page, check_page
from core.ports import Clock


def not_found(conversation_id: int) -> NotFound:
    return NotFound(f"conversation {conversation_id} not found")


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send in a conversation: its recipient is the conversation's fan."""

    content: str
    media_urls: tuple[str, ...] = ()
    price_cents: int | None = None
    priority: int = DEFAULT_PRIORITY

    def to(self, fan_id: int) -> NewMessage:
        return NewMessage(fan_id, self.content, self.media_urls, self.price_cents, self.priority)


@dataclass(frozen=True, slots=True)
class ListConversations:
    storage: ConversationStorage

    async def execute(self, user_id: str, query: ConversationQuery) -> Page[ConversationSummary]:
        check_page(query.limit, query.offset)
        query = replace(query, search=check_search(query.search))  # as the fan list's
        async with self.storage.begin() as uow:
            return await uow.conversations.list(user_id, query)


@dataclass(frozen=True, slots=True)
class GetConversation:
    storage: ConversationStorage

    async def execute(self, user_id: str, conversation_id: int) -> ConversationSummary:
        async with self.storage.begin() as uow:
            found = await uow.conversations.get(user_id, conversation_id)
        if found is None:
            raise not_found(conversation_id)
        return found


@dataclass(frozen=True, slots=True)
class ListConversationMessages:
    storage: ConversationStorage

    async def execute(
        self, user_id: str, conversation_id: int, limit: int = 50, offset: int = 0
    ) -> Page[Message]:
        """Newest first. Another tenant's conversation is NotFound, not an empty thread."""
        check_page(limit, offset)
        async with self.storage.begin() as uow:
            if await uow.conversations.get(user_id, conversation_id) is None:
                raise not_found(conversation_id)
            return await uow.messages.list_in_conversation(user_id, conversation_id, limit, offset)


@dataclass(frozen=True, slots=True)
class SendInConversation:
    storage: ConversationStorage
    send_message: SendMessage

    async def execute(
        self, user_id: str, conversation_id: int, reply: Reply, *, author: Author
    ) -> SendReceipt:
        async with self.storage.begin() as uow:
            found = await uow.conversations.get(user_id, conversation_id)
        if found is None:
            raise not_found(conversation_id)
        new = reply.to(found.conversation.fan_id)
        return await self.send_message.execute(user_id, new, author=author)


@dataclass(frozen=True, slots=True)
class MarkConversationRead:
    storage: ConversationStorage
    clock: Clock

    async def execute(self, user_id: str, conversation_id: int) -> ConversationSummary:
        """unread_count → 0 and every inbound message not read yet gets read_at, together."""
        async with self.storage.begin() as uow:
            if not await uow.conversations.mark_read(user_id, conversation_id):
                raise not_found(conversation_id)
            await uow.messages.mark_inbound_read(user_id, conversation_id, self.clock.now())
            found = await uow.conversations.get(user_id, conversation_id)
        assert found is not None  # marked just now, in the same transaction
        return found
