"""What the inbox needs of storage."""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.conversations.records import Conversation, ConversationSummary
from core.fans import Platform
from core.messaging import MessageRepository
from core.paging import Page
from core.ports import Storage


class Subscription(enum.StrEnum):
    """Where a fan's subscription stands, as the bridge's events set it."""

    SUBSCRIBED = "subscribed"  # subscribed, and not unsubscribed since
    EXPIRED = "expired"  # unsubscribed (`fan.unsubscribed`) and not back since


@dataclass(frozen=True, slots=True)
class ConversationQuery:
    limit: int = 50
    offset: int = 0
    # Only conversations with inbound messages not read yet.
    unread: bool = False
    # Only conversations with fans who have spent something (value_cents > 0).
    spenders: bool = False
    subscription: Subscription | None = None
    # A case-insensitive substring of the fan's handle, name or email (as the fan list's).
    search: str | None = None


class ConversationRepository(Protocol):
    async def get_or_create(self, user_id: str, fan_id: int, platform: Platform) -> Conversation:
        """The tenant's conversation with the fan; NotFound when the fan is not the tenant's."""
        ...

    async def get_or_create_many(
        self, user_id: str, fan_ids: Collection[int]
    ) -> dict[int, Conversation]:
        """By fan id, the conversation with each of the tenant's fans among `fan_ids`.

        Ids that are not the tenant's fans are left out of the answer.
        """
        ...

    async def get(self, user_id: str, conversation_id: int) -> ConversationSummary | None: ...

    async def list(self, user_id: str, query: ConversationQuery) -> Page[ConversationSummary]:
        """Newest activity first (never active last), with the total."""
        ...

    async def record_inbound(self, user_id: str, conversation_id: int, at: datetime) -> None:
        """unread_count + 1, and last_message_at moved to `at` unless it is already later."""
        ...

    async def record_outbound(
        self, user_id: str, conversation_ids: Sequence[int], at: datetime
    ) -> None:
        """last_message_at moved to `at` unless already later (the unread count stays)."""
        ...

    async def mark_read(self, user_id: str, conversation_id: int) -> bool:
        """unread_count → 0; False when the tenant has no such conversation."""
        ...


class ConversationStore(Protocol):
    """One transaction, as the conversations use cases see it."""

    conversations: ConversationRepository
    messages: MessageRepository


ConversationStorage = Storage[ConversationStore]
