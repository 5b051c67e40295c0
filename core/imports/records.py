"""The records of an import: a parsed row ready to stage, a rejected row, and the report."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from core.fans import Platform

# The answer lists this many errors and skipped rows; the rest are counted (errors: in the file).
MAX_LISTED = 1000


class ImportMode(enum.StrEnum):
    UPSERT = "upsert"  # an existing fan takes the file's non-empty fields; tags are merged
    SKIP_EXISTING = "skip_existing"  # an existing fan is left as it is


@dataclass(frozen=True, slots=True)
class ImportOptions:
    platform: Platform = Platform.ONLYFANS  # of rows without a platform column or value
    mode: ImportMode = ImportMode.UPSERT
    dry_run: bool = False


class StagedFan(NamedTuple):
    """A valid row. None means the file left the field empty: an update keeps the stored value.

    A NamedTuple, not a frozen dataclass: made a million times per import, it costs a tenth.
    """

    row: int
    platform: Platform
    handle: str
    name: str | None = None
    email: str | None = None
    tags: frozenset[str] = frozenset()
    notes: str | None = None
    value_cents: int | None = None
    subscribed_at: datetime | None = None
    last_active_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    error: str
    values: tuple[str, ...] = ()  # the record as the file held it


@dataclass(frozen=True, slots=True)
class SkippedRow:
    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """What merging the staged rows into the fans did (or, in a dry run, would do)."""

    inserted: int
    updated: int
    skipped: int
    skipped_rows: list[SkippedRow] = field(default_factory=list)  # the first MAX_LISTED
    # Rows refused only now, against the stored fans (tags past MAX_TAGS once merged).
    errors: list[RowError] = field(default_factory=list)  # the first MAX_LISTED
    error_count: int = 0


@dataclass(frozen=True, slots=True)
class ImportStarted:
    id: UUID
    user_id: str
    created_at: datetime
    columns: tuple[str, ...]  # the file's header, for the error file
    options: ImportOptions


@dataclass(frozen=True, slots=True)
class ImportReport:
    id: UUID
    total_rows: int
    inserted: int
    updated: int
    skipped: int
    error_count: int
    errors: list[RowError]  # the first MAX_LISTED
    skipped_rows: list[SkippedRow]  # the first MAX_LISTED
    ignored_columns: list[str]
    dry_run: bool = False
