"""CSV imports of fans in SQL: staging (COPY on PostgreSQL, batches on SQLite), the merge into
the fans, and each import's report and refused rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.imports.merging import merge
from adapters.storage.imports.staging import create_staging, drop_staging, stage
from adapters.storage.tables import fan_import_errors, fan_imports
from core.imports import ImportMode, ImportReport, ImportStarted, MergeOutcome, RowError, StagedFan

_COLUMNS = sa.select(fan_imports.c.columns).where(
    fan_imports.c.id == sa.bindparam("import_id"), fan_imports.c.user_id == sa.bindparam("owner")
)
_ERRORS = (
    sa.select(fan_import_errors.c.row_no, fan_import_errors.c.error, fan_import_errors.c["values"])
    .where(
        fan_import_errors.c.import_id == sa.bindparam("import_id"),
        fan_import_errors.c.row_no > sa.bindparam("after"),
    )
    .order_by(fan_import_errors.c.row_no)
    .limit(sa.bindparam("limit"))
)
_ADD_ERRORS = fan_import_errors.insert()


class SqlAlchemyFanImportRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._import_id: UUID | None = None  # the import this unit of work started

    async def start(self, started: ImportStarted) -> None:
        self._import_id = started.id
        await self._connection.execute(
            fan_imports.insert().values(
                id=started.id,
                user_id=started.user_id,
                created_at=started.created_at,
                columns=[_storable(c) for c in started.columns],
                mode=started.options.mode.value,
                dry_run=started.options.dry_run,
            )
        )
        await create_staging(self._connection)

    async def stage(self, fans: Sequence[StagedFan]) -> None:
        await stage(self._connection, fans)

    async def add_errors(self, import_id: UUID, errors: Sequence[RowError]) -> None:
        rows = [
            {
                "import_id": import_id,
                "row_no": e.row,
                "error": _storable(e.error),
                "values": [_storable(v) for v in e.values],
            }
            for e in errors
        ]
        await self._connection.execute(_ADD_ERRORS, rows)

    async def merge(
        self, user_id: str, mode: ImportMode, now: datetime, *, dry_run: bool
    ) -> MergeOutcome:
        assert self._import_id is not None, "start() the import first"
        return await merge(self._connection, user_id, self._import_id, mode, now, dry_run=dry_run)

    async def finish(self, report: ImportReport) -> None:
        await drop_staging(self._connection)
        await self._connection.execute(
            fan_imports.update()
            .where(fan_imports.c.id == report.id)
            .values(
                total_rows=report.total_rows,
                inserted=report.inserted,
                updated=report.updated,
                skipped=report.skipped,
                error_count=report.error_count,
            )
        )

    async def columns(self, user_id: str, import_id: UUID) -> tuple[str, ...] | None:
        params = {"import_id": import_id, "owner": user_id}
        columns = await self._connection.scalar(_COLUMNS, params)
        return None if columns is None else tuple(columns)

    async def errors(self, import_id: UUID, after_row: int, limit: int) -> list[RowError]:
        params = {"import_id": import_id, "after": after_row, "limit": limit}
        rows = await self._connection.execute(_ERRORS, params)
        return [RowError(row, error, tuple(values)) for row, error, values in rows]


def _storable(text: str) -> str:
    """PostgreSQL refuses NUL in any text or JSON string; the error file shows U+FFFD instead."""
    return text.replace("\x00", "\ufffd")
