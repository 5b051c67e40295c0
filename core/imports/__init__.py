"""CSV import of fans: reading, parsing and merging rows, and the file of refused rows."""

from core.imports.error_file import GetImportErrors
from core.imports.records import (
    MAX_LISTED,
    ImportMode,
    ImportOptions,
    ImportReport,
    ImportStarted,
    MergeOutcome,
    RowError,
    SkippedRow,
    StagedFan,
)
from core.imports.use_case import ImportFansCsv

__all__ = [
    "MAX_LISTED",
    "GetImportErrors",
    "ImportFansCsv",
    "ImportMode",
    "ImportOptions",
    "ImportReport",
    "ImportStarted",
    "MergeOutcome",
    "RowError",
    "SkippedRow",
    "StagedFan",
]
