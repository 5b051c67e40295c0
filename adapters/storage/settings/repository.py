"""Each account's sending settings: one row, written whole (an upsert)."""

from __future__ import annotations

from datetime import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.storage.connection import Connection
from adapters.storage.tables import account_settings
from core.planning import QuietHours
from core.settings import AccountSettings

_GET = sa.select(account_settings).where(account_settings.c.user_id == sa.bindparam("owner"))


def _wall(value: str) -> time:
    return time.fromisoformat(value)


def settings_from_row(row: sa.Row[Any]) -> AccountSettings:
    quiet = None
    if row.quiet_start is not None and row.quiet_end is not None:
        quiet = QuietHours(_wall(row.quiet_start), _wall(row.quiet_end))
    return AccountSettings(
        user_id=row.user_id,
        time_zone=row.time_zone,
        quiet_hours=quiet,
        rate_per_minute=row.rate_per_minute,
        burst=row.burst,
        blocked_words=tuple(row.blocked_words),
        updated_at=row.updated_at,
    )


class SqlAlchemySettingsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, user_id: str) -> AccountSettings | None:
        row = (await self._connection.execute(_GET, {"owner": user_id})).first()
        return settings_from_row(row) if row is not None else None

    async def put(self, settings: AccountSettings) -> None:
        quiet = settings.quiet_hours
        values = {
            "user_id": settings.user_id,
            "time_zone": settings.time_zone,
            "quiet_start": quiet.start.strftime("%H:%M") if quiet else None,
            "quiet_end": quiet.end.strftime("%H:%M") if quiet else None,
            "rate_per_minute": settings.rate_per_minute,
            "burst": settings.burst,
            "blocked_words": list(settings.blocked_words),
            "updated_at": settings.updated_at,
        }
        dialect = self._connection.dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(account_settings)
        changed = {k: v for k, v in values.items() if k != "user_id"}
        statement = insert.values(values).on_conflict_do_update(
            index_elements=[account_settings.c.user_id], set_=changed
        )
        await self._connection.execute(statement)
