"""Rows whose tags, merged with those the stored fan already carries, would pass MAX_TAGS: the
API refuses such a fan, so the import refuses the row (before the merge writes anything)."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.imports.staging import STAGING
from core.fans import MAX_TAGS
from core.imports import MAX_LISTED, RowError

MESSAGE = f"column tags: with the tags the fan already has, it would carry more than {MAX_TAGS}"
_OVER = "fan_import_over_tag_limit"
_UNION_SIZE = {
    "postgresql": "(SELECT count(DISTINCT t) FROM jsonb_array_elements_text(f.tags || s.tags) t)",
    "sqlite": """(SELECT count(*) FROM (
        SELECT value FROM json_each(f.tags) UNION SELECT value FROM json_each(s.tags)))""",
}
_NO_VALUES = {"postgresql": "'[]'::jsonb", "sqlite": "'[]'"}  # the staged row kept no raw cells


async def refuse_over_tag_limit(
    connection: Connection, user_id: str, import_id: UUID
) -> tuple[list[RowError], int]:
    """The refused rows (the first MAX_LISTED) and their count; they leave the staging table
    and join the import's errors."""
    dialect = connection.dialect.name
    await connection.execute(sa.text(f"DROP TABLE IF EXISTS {_OVER}"))
    await connection.execute(
        sa.text(f"""
            CREATE TEMPORARY TABLE {_OVER} AS SELECT s.row_no FROM {STAGING} s JOIN fans f
            ON f.user_id = :user_id AND f.platform = s.platform AND f.handle = s.handle
            WHERE {_UNION_SIZE[dialect]} > {MAX_TAGS}
        """),
        {"user_id": user_id},
    )
    count = await connection.scalar(sa.text(f"SELECT count(*) FROM {_OVER}")) or 0
    listed: list[RowError] = []
    if count:
        rows = await connection.execute(
            sa.text(f"SELECT row_no FROM {_OVER} ORDER BY row_no LIMIT {MAX_LISTED}")
        )
        listed = [RowError(row, MESSAGE) for (row,) in rows]
        insert = sa.text(f"""
            INSERT INTO fan_import_errors (import_id, row_no, error, "values")
            SELECT :import_id, row_no, :error, {_NO_VALUES[dialect]} FROM {_OVER}
        """).bindparams(sa.bindparam("import_id", type_=sa.Uuid()))
        await connection.execute(insert, {"import_id": import_id, "error": MESSAGE})
        await connection.execute(
            sa.text(f"DELETE FROM {STAGING} WHERE row_no IN (SELECT row_no FROM {_OVER})")
        )
    await connection.execute(sa.text(f"DROP TABLE {_OVER}"))
    return listed, count
