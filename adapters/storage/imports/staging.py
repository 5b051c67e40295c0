"""The staging table of an import: a temporary table on the import's own connection, filled by
COPY on PostgreSQL and by batched INSERTs on SQLite, gone when the transaction ends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import fans
from core.imports import StagedFan

STAGING = "fan_import_staging"
# A staged row's fields, as the fans table holds them (the staged record lists them once).
FAN_FIELDS = StagedFan._fields[1:]
_REQUIRED = {"platform", "handle", "tags"}
# The fans table's own columns, nullable where the file may leave a field empty: an update keeps
# the stored value.
staging = sa.Table(
    STAGING,
    sa.MetaData(),
    sa.Column("row_no", sa.BigInteger, nullable=False),
    *(sa.Column(name, fans.c[name].type, nullable=name not in _REQUIRED) for name in FAN_FIELDS),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
COLUMNS = [column.name for column in staging.columns]
_INSERT = staging.insert()
_TAGS = StagedFan._fields.index("tags")
_PLATFORM = StagedFan._fields.index("platform")


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
    records = [_record(fan, json.dumps(sorted(fan.tags))) for fan in fans]
    await raw.driver_connection.copy_records_to_table(STAGING, records=records, columns=COLUMNS)


def _values(fan: StagedFan) -> dict[str, Any]:
    return dict(zip(COLUMNS, _record(fan, sorted(fan.tags)), strict=True))


def _record(fan: StagedFan, tags: Any) -> tuple[Any, ...]:
    """The row as the staging table's columns take it, in their order."""
    record = list(fan)
    record[_PLATFORM], record[_TAGS] = fan.platform.value, tags
    return tuple(record)
