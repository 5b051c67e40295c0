"""CSV import schemas: the multipart form and the answer."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from litestar.datastructures import UploadFile

from core.fans import Platform
from core.imports import ImportMode, ImportOptions, ImportReport
from entrypoints.http.schemas import Schema


@dataclass
class ImportForm:
    """`multipart/form-data`; Litestar spools `file` to a temporary file as it arrives."""

    file: UploadFile
    platform: Platform = Platform.ONLYFANS
    mode: ImportMode = ImportMode.UPSERT
    dryRun: bool = False  # the form field's name on the wire

    def to_options(self) -> ImportOptions:
        return ImportOptions(platform=self.platform, mode=self.mode, dry_run=self.dryRun)


class RowErrorView(Schema):
    row: int
    error: str


class SkippedRowView(Schema):
    row: int
    reason: str


class ImportSummaryView(Schema):
    total_rows: int
    successful_inserts: int
    updated: int
    skipped: int
    error_count: int  # every failed row; `errors` lists the first 1,000
    errors: list[RowErrorView]


class ImportView(Schema):
    import_id: UUID
    summary: ImportSummaryView
    skipped_rows: list[SkippedRowView]  # the first 1,000; `summary.skipped` counts them all
    ignored_columns: list[str]
    dry_run: bool

    @classmethod
    def of(cls, report: ImportReport) -> ImportView:
        return cls(
            import_id=report.id,
            summary=ImportSummaryView(
                total_rows=report.total_rows,
                successful_inserts=report.inserted,
                updated=report.updated,
                skipped=report.skipped,
                error_count=report.error_count,
                errors=[RowErrorView(row=e.row, error=e.error) for e in report.errors],
            ),
            skipped_rows=[SkippedRowView(row=s.row, reason=s.reason) for s in report.skipped_rows],
            ignored_columns=report.ignored_columns,
            dry_run=report.dry_run,
        )
