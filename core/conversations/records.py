"""A conversation with a fan, as stored and as an inbox shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.fans import Platform


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int | None
    user_id: str
    fan_id: int
    platform: Platform
    last_message_at: datetime | None = None
    unread_count: int = 0


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """A conversation as an inbox shows it: with whom it is, not only the fan's id."""

    conversation: Conversation
    fan_handle: str
    fan_name: str | None = None
