"""GetImportErrors: every failed row of an import, as the CSV the API serves and the CLI writes."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

from core.errors import found
from core.imports.ports import ImportStorage
from core.imports.records import RowError

PAGE_ROWS = 1000


@dataclass(frozen=True, slots=True)
class ImportErrorFile:
    columns: tuple[str, ...]  # the imported file's header
    pages: AsyncIterator[list[RowError]]

    async def csv_chunks(self) -> AsyncIterator[str]:
        """`row,error,<the file's columns>`, then one line per failed row, in row order."""
        yield _csv_line(["row", "error", *self.columns])
        async for page in self.pages:
            yield "".join(_csv_line([str(e.row), e.error, *e.values]) for e in page)


@dataclass(frozen=True, slots=True)
class GetImportErrors:
    storage: ImportStorage

    async def execute(self, user_id: str, import_id: UUID) -> ImportErrorFile:
        """Another tenant's import is NotFound, like one that does not exist."""
        async with self.storage.begin() as uow:
            columns = found(await uow.fan_imports.columns(user_id, import_id), "import", import_id)
        return ImportErrorFile(columns, self._pages(import_id))

    async def _pages(self, import_id: UUID) -> AsyncIterator[list[RowError]]:
        # A page per transaction, by row number: a million errors never sit in memory at once.
        after = 0
        while True:
            async with self.storage.begin() as uow:
                page = await uow.fan_imports.errors(import_id, after, PAGE_ROWS)
            if not page:
                return
            yield page
            after = page[-1].row


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([inert(value) for value in values])
    return out.getvalue()


# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)`,
# `@SUM(…)`, `+cmd|…`): the file a creator opens must not run what a fan typed.
# A plain signed number (`-5`, `+3.50`) is left as it is: a spreadsheet reads it as that number.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?")


def inert(cell: str) -> str:
    """The cell as text a spreadsheet shows and never evaluates: a leading `'` when needed."""
    if cell.startswith(_FORMULA_STARTS) and not _SIGNED_NUMBER.fullmatch(cell):
        return f"'{cell}"
    return cell
