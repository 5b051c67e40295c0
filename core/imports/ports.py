"""What a CSV import needs of storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from core.audit import AuditRepository
from core.imports.records import (
    ImportMode,
    ImportReport,
    ImportStarted,
    MergeOutcome,
    RowError,
    StagedFan,
)
from core.ports import Storage


class FanImportRepository(Protocol):
    """One CSV import, inside the transaction of the whole import (core/imports/use_case.py)."""

    async def start(self, started: ImportStarted) -> None:
        """Record the import and open its staging area (empty)."""
        ...

    async def stage(self, fans: Sequence[StagedFan]) -> None:
        """Add valid rows to the staging area (several calls as the file streams)."""
        ...

    async def add_errors(self, import_id: UUID, errors: Sequence[RowError]) -> None: ...

    async def merge(
        self, user_id: str, mode: ImportMode, now: datetime, *, dry_run: bool
    ) -> MergeOutcome:
        """Apply the staged rows to the tenant's fans: a row repeating an earlier row's platform
        and handle is skipped (`duplicate of row N`); an existing fan is updated (non-empty
        fields replace, tags merge) or, in skip_existing mode, skipped. A dry run counts only."""
        ...

    async def finish(self, report: ImportReport) -> None:
        """Record the import's counts."""
        ...

    async def columns(self, user_id: str, import_id: UUID) -> tuple[str, ...] | None:
        """The imported file's header; None when the tenant has no such import."""
        ...

    async def errors(self, import_id: UUID, after_row: int, limit: int) -> list[RowError]:
        """Failed rows past `after_row`, in row order, with the values the file held."""
        ...


class ImportStore(Protocol):
    """One transaction, as the imports use cases see it."""

    fan_imports: FanImportRepository
    audit: AuditRepository


ImportStorage = Storage[ImportStore]
