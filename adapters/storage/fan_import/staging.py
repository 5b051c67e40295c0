"""The staging table of an import: a temporary table on the import's own connection, filled by
COPY on PostgreSQL and by batched INSERTs on SQLite, gone when the transaction ends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.types import Json, UtcDateTime
from core.imports.models import StagedFan

STAGING = "fan_import_staging"
# Columns nullable where the file may leave a field empty: an update keeps the stored value.
staging = sa.Table(
    STAGING,
    sa.MetaData(),
    sa.Column("row_no", sa.BigInteger, nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(64), nullable=False),
    sa.Column("name", sa.String(255)),
    sa.Column("email", sa.String(320)),
    sa.Column("tags", Json, nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("value_cents", sa.BigInteger),
    sa.Column("subscribed_at", UtcDateTime),
    sa.Column("last_active_at", UtcDateTime),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
COLUMNS = [column.name for column in staging.columns]
_INSERT = staging.insert()


async def create_staging(connection: Connection) -> None:
    # SQLite keeps a committed temp table for the connection's life: drop any left by the last.
    await connection.execute(sa.text(f"DROP TABLE IF EXISTS {STAGING}"))
    await connection.execute(sa.schema.CreateTable(staging))


async def drop_staging(connection: Connection) -> None:
    """PostgreSQL drops it at commit (ON COMMIT DROP); SQLite is told to."""
    if connection.dialect.name == "sqlite":
        await connection.execute(sa.text(f"DROP TABLE IF EXISTS {STAGING}"))


async def stage(connection: Connection, fans: Sequence[StagedFan]) -> None:
    if connection.dialect.name == "postgresql":
        await _copy(connection, fans)
    else:
        await connection.execute(_INSERT, [_values(fan) for fan in fans])


async def _copy(connection: Connection, fans: Sequence[StagedFan]) -> None:
    """Binary COPY on the transaction's own asyncpg connection (SQLAlchemy has begun it)."""
    raw = await connection.get_raw_connection()  # type: ignore[attr-defined]
    records = [
        (fan.row, fan.platform.value, fan.handle, fan.name, fan.email, json.dumps(sorted(fan.tags)),
         fan.notes, fan.value_cents, fan.subscribed_at, fan.last_active_at)
        for fan in fans
    ]  # fmt: skip
    await raw.driver_connection.copy_records_to_table(STAGING, records=records, columns=COLUMNS)


def _values(fan: StagedFan) -> dict[str, Any]:
    return {
        "row_no": fan.row,
        "platform": fan.platform.value,
        "handle": fan.handle,
        "name": fan.name,
        "email": fan.email,
        "tags": sorted(fan.tags),
        "notes": fan.notes,
        "value_cents": fan.value_cents,
        "subscribed_at": fan.subscribed_at,
        "last_active_at": fan.last_active_at,
    }
