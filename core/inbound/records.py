"""What the bridge reports that we keep as a record of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.accounts import Author


@dataclass(frozen=True, slots=True)
class Purchase:
    """One PPV purchase the bridge reported: the record revenue per day is counted from."""

    id: int | None
    user_id: str
    # None once the fan is deleted: the money was still earned, so the row stays.
    fan_id: int | None
    amount_cents: int
    occurred_at: datetime  # the event's occurredAt, not when we heard of it
    campaign_id: int | None = None
    message_id: UUID | None = None  # the creator's message whose content was bought
    # That message's author, credited with the sale (team analytics); kept on the purchase so
    # the credit outlives the message (it goes when its fan is deleted).
    credited: Author | None = None
