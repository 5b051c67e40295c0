"""Merging the staged rows into the fans, in SQL: duplicates within the file, existing fans,
then an INSERT … ON CONFLICT DO UPDATE from the staging table (per value-presence class)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.imports.staging import FAN_FIELDS, STAGING
from adapters.storage.imports.tag_limit import refuse_over_tag_limit
from adapters.storage.types import UtcDateTime
from core.imports import MAX_LISTED, ImportMode, MergeOutcome, SkippedRow

_DUPLICATES = "fan_import_duplicates"
_FIRST_OF_EACH = sa.text(f"""
    CREATE TEMPORARY TABLE {_DUPLICATES} AS
    SELECT row_no, first_row FROM (
        SELECT row_no, min(row_no) OVER (PARTITION BY platform, handle) AS first_row
        FROM {STAGING}
    ) ranked WHERE row_no <> first_row
""")
_LIST_DUPLICATES = sa.text(
    f"SELECT row_no, first_row FROM {_DUPLICATES} ORDER BY row_no LIMIT {MAX_LISTED}"
)
_DROP_DUPLICATES = sa.text(
    f"DELETE FROM {STAGING} WHERE row_no IN (SELECT row_no FROM {_DUPLICATES})"
)
_EXISTING = f"""
    FROM {STAGING} s JOIN fans f
    ON f.user_id = :user_id AND f.platform = s.platform AND f.handle = s.handle
"""
_COUNT_EXISTING = sa.text(f"SELECT count(*) {_EXISTING}")
_LIST_EXISTING = sa.text(f"SELECT s.row_no {_EXISTING} ORDER BY s.row_no LIMIT {MAX_LISTED}")
_DROP_EXISTING = sa.text(f"DELETE FROM {STAGING} WHERE row_no IN (SELECT s.row_no {_EXISTING})")

# The union of the stored tags and the file's, sorted; the file's none leave them as they were.
_MERGED_TAGS = {
    "postgresql": """CASE WHEN EXCLUDED.tags = '[]'::jsonb THEN fans.tags ELSE (
        SELECT jsonb_agg(DISTINCT t ORDER BY t)
        FROM jsonb_array_elements_text(fans.tags || EXCLUDED.tags) AS t) END""",
    "sqlite": """CASE WHEN json_array_length(excluded.tags) = 0 THEN fans.tags ELSE (
        SELECT json_group_array(value) FROM (
            SELECT value FROM json_each(fans.tags) UNION SELECT value FROM json_each(excluded.tags)
            ORDER BY value)) END""",
}

_NOT_COALESCED = ("platform", "handle", "tags", "value_cents")


def _upsert(dialect: str, mode: ImportMode, *, with_value: bool) -> sa.TextClause:
    """Rows whose value the file gave replace the stored value; the others keep it (the column
    is NOT NULL, so "not given" cannot ride in the proposed row: two statements, one per case).

    In skip_existing mode, a fan found only now (another import wrote it since the count) is
    left as it is too."""
    # A field the file left empty keeps the stored one; tags merge; the value replaces.
    kept = [
        name for name in FAN_FIELDS if name not in ("platform", "handle", "tags", "value_cents")
    ]
    set_value = "value_cents = EXCLUDED.value_cents," if with_value else ""
    on_conflict = (
        "DO NOTHING"
        if mode is ImportMode.SKIP_EXISTING
        else f"""DO UPDATE SET
            {", ".join(f"{name} = coalesce(EXCLUDED.{name}, fans.{name})" for name in kept)},
            {set_value}
            tags = {_MERGED_TAGS[dialect]},
            updated_at = EXCLUDED.updated_at"""
    )
    selected = [
        "0" if name == "value_cents" and not with_value else f"s.{name}" for name in FAN_FIELDS
    ]
    statement = f"""
        INSERT INTO fans (user_id, {", ".join(FAN_FIELDS)}, created_at, updated_at)
        SELECT :user_id, {", ".join(selected)}, :now, :now
        FROM {STAGING} s WHERE s.value_cents IS {"NOT NULL" if with_value else "NULL"}
        ON CONFLICT (user_id, platform, handle) {on_conflict}
    """
    if dialect == "postgresql":  # xmax is 0 only in a row this statement inserted
        statement = f"""WITH written AS ({statement} RETURNING (xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
            FROM written"""
    return sa.text(statement).bindparams(sa.bindparam("now", type_=UtcDateTime()))


async def merge(
    connection: Connection,
    user_id: str,
    import_id: UUID,
    mode: ImportMode,
    now: datetime,
    *,
    dry_run: bool,
) -> MergeOutcome:
    skipped_rows, duplicates = await _drop_duplicates(connection)
    errors, error_count = [], 0
    if mode is ImportMode.UPSERT:
        errors, error_count = await refuse_over_tag_limit(connection, user_id, import_id)
    existing = await connection.scalar(_COUNT_EXISTING, {"user_id": user_id}) or 0
    if mode is ImportMode.SKIP_EXISTING and existing:
        rows = await connection.execute(_LIST_EXISTING, {"user_id": user_id})
        skipped_rows += [SkippedRow(row, "already exists") for (row,) in rows]
        await connection.execute(_DROP_EXISTING, {"user_id": user_id})
    skipped = duplicates + (existing if mode is ImportMode.SKIP_EXISTING else 0)
    skipped_rows = sorted(skipped_rows, key=lambda s: s.row)[:MAX_LISTED]
    staged = await connection.scalar(sa.text(f"SELECT count(*) FROM {STAGING}")) or 0
    updated = 0 if mode is ImportMode.SKIP_EXISTING else existing
    inserted = staged - updated
    if not dry_run:
        inserted, updated = await _write(connection, user_id, mode, now, staged, updated)
    # Fans a concurrent import wrote after the count, which skip_existing left alone.
    skipped += staged - inserted - updated
    return MergeOutcome(inserted, updated, skipped, skipped_rows, errors, error_count)


async def _drop_duplicates(connection: Connection) -> tuple[list[SkippedRow], int]:
    await connection.execute(sa.text(f"DROP TABLE IF EXISTS {_DUPLICATES}"))
    await connection.execute(_FIRST_OF_EACH)
    count = await connection.scalar(sa.text(f"SELECT count(*) FROM {_DUPLICATES}")) or 0
    listed: list[SkippedRow] = []
    if count:
        rows = await connection.execute(_LIST_DUPLICATES)
        listed = [SkippedRow(row, f"duplicate of row {first}") for row, first in rows]
        await connection.execute(_DROP_DUPLICATES)
    await connection.execute(sa.text(f"DROP TABLE {_DUPLICATES}"))
    return listed, count


async def _write(
    connection: Connection, user_id: str, mode: ImportMode, now: datetime, staged: int, counted: int
) -> tuple[int, int]:
    """The fans inserted and updated: counted by PostgreSQL as it writes (a concurrent import may
    have added some since the count); SQLite's write lock, held since BEGIN IMMEDIATE, keeps
    `counted` (the updates) true."""
    dialect = connection.dialect.name
    params = {"user_id": user_id, "now": now}
    inserted = updated = 0
    for with_value in (True, False):
        result = await connection.execute(_upsert(dialect, mode, with_value=with_value), params)
        if dialect == "postgresql":
            written = result.one()
            inserted, updated = inserted + written[0], updated + written[1]
    return (inserted, updated) if dialect == "postgresql" else (staged - counted, counted)
