"""A canned answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_QUICK_REPLY_TITLE_LENGTH = 100


@dataclass(frozen=True, slots=True)
class QuickReply:
    """A canned answer a creator inserts into a conversation instead of typing it again."""

    id: int | None
    user_id: str
    title: str
    content: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
