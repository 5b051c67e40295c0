"""ImportFansCsv: a CSV file of fans into the creator's CRM, in one transaction.

Rows stream from the file into a staging area in batches (nothing holds the whole file); the
storage then dedupes and merges the staged rows into the fans at once. Any failure rolls the
whole import back, so the fans are exactly as before it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from uuid import uuid4

from core.accounts import Author
from core.audit import AuditEntry, Detail
from core.errors import DomainError, Invalid, Unavailable
from core.imports.columns import match_columns
from core.imports.ports import FanImportRepository, ImportStorage
from core.imports.reader import CsvSource
from core.imports.records import (
    MAX_LISTED,
    ImportOptions,
    ImportReport,
    ImportStarted,
    RowError,
    StagedFan,
)
from core.imports.rows import RowParser
from core.ports import Clock

# A batch is staged at whichever comes first: memory stays bounded whatever the rows hold.
BATCH_ROWS = 5000
BATCH_BYTES = 4 * 1024 * 1024
Progress = Callable[[int], None]  # told the bytes read so far

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportFansCsv:
    storage: ImportStorage
    clock: Clock

    async def execute(
        self,
        user_id: str,
        file: IO[bytes],
        options: ImportOptions,
        progress: Progress | None = None,
        *,
        actor: Author,
    ) -> ImportReport:
        """Raises Invalid for a file that cannot be imported at all (encoding, no handle column),
        Unavailable when the database fails mid-way; either way nothing was written. An import
        (not a dry run, which changes nothing) is audited with its counts, in its transaction."""
        source = CsvSource(file)
        try:
            columns = match_columns(source.header)
            now = self.clock.now()
            started = ImportStarted(uuid4(), user_id, now, tuple(source.header), options)
            parser = RowParser(columns, options.platform, now)
            run = _Run(started, parser, columns.ignored, progress)
            try:
                async with self.storage.begin() as uow:
                    report = await run.into(uow.fan_imports, source)
                    if not report.dry_run:
                        await uow.audit.add([_audited(user_id, now, actor, report)])
            except DomainError:
                raise
            except Exception as exc:
                # The database failed, or we did: the transaction rolled back either way. Logged
                # with its traceback, since the answer only names the kind of error.
                log.exception("import failed; rolled back")
                raise Unavailable(
                    f"the import failed ({type(exc).__name__}); nothing was imported"
                ) from exc
            return report
        finally:
            source.detach()


def _audited(user_id: str, now: datetime, actor: Author, report: ImportReport) -> AuditEntry:
    detail: Detail = {
        "totalRows": report.total_rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "skipped": report.skipped,
        "errors": report.error_count,
    }
    return AuditEntry(user_id, now, actor, "import.csv", str(report.id), detail)


class _Run:
    """The state of one import while its rows stream by: batches in hand, counts, listed errors."""

    def __init__(
        self,
        started: ImportStarted,
        parser: RowParser,
        ignored_columns: list[str],
        progress: Progress | None,
    ) -> None:
        self._started = started
        self._parser = parser
        self._ignored_columns = ignored_columns
        self._progress = progress
        self._staged: list[StagedFan] = []
        self._failed: list[RowError] = []
        self._listed: list[RowError] = []
        self._error_count = 0

    async def into(self, imports: FanImportRepository, source: CsvSource) -> ImportReport:
        await imports.start(self._started)
        total, flushed_at = 0, 0
        for row, record in source.records():
            total = row
            try:
                self._staged.append(self._parser.parse(row, record))
            except Invalid as exc:
                self._fail(RowError(row, exc.message, tuple(record)))
            rows = max(len(self._staged), len(self._failed))
            if rows >= BATCH_ROWS or source.position() - flushed_at >= BATCH_BYTES:
                await self._flush(imports)
                flushed_at = source.position()
                if self._progress is not None:
                    self._progress(source.position())
                await asyncio.sleep(0)  # parsing is CPU: let the server's other requests in
        await self._flush(imports)
        options = self._started.options
        outcome = await imports.merge(
            self._started.user_id, options.mode, self._started.created_at, dry_run=options.dry_run
        )
        report = ImportReport(
            id=self._started.id,
            total_rows=total,
            inserted=outcome.inserted,
            updated=outcome.updated,
            skipped=outcome.skipped,
            error_count=self._error_count + outcome.error_count,
            errors=sorted(self._listed + outcome.errors, key=lambda e: e.row)[:MAX_LISTED],
            skipped_rows=outcome.skipped_rows,
            ignored_columns=self._ignored_columns,
            dry_run=options.dry_run,
        )
        await imports.finish(report)
        return report

    def _fail(self, error: RowError) -> None:
        self._error_count += 1
        self._failed.append(error)
        if len(self._listed) < MAX_LISTED:
            self._listed.append(RowError(error.row, error.error))

    async def _flush(self, imports: FanImportRepository) -> None:
        if self._staged:
            await imports.stage(self._staged)
            self._staged = []
        if self._failed:
            await imports.add_errors(self._started.id, self._failed)
            self._failed = []
