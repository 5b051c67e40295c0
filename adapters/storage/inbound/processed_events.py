"""Inbound events already applied: one row per (tenant, event id), the replay guard."""

from __future__ import annotations

from datetime import datetime

from adapters.storage.connection import Connection
from adapters.storage.dialects import InsertIgnoringConflicts
from adapters.storage.tables import processed_events

# A conflict returns nothing instead of raising, so a replay leaves the transaction usable; a
# concurrent replay waits on the unique index until the first commits, then conflicts.
_INSERT = InsertIgnoringConflicts(processed_events, ["user_id", "event_id"])


class SqlAlchemyProcessedEventRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def record(self, user_id: str, event_id: str, event_type: str, now: datetime) -> bool:
        values = {
            "user_id": user_id,
            "event_id": event_id,
            "type": event_type,
            "processed_at": now,
        }
        return await _INSERT(self._connection, values) is not None
