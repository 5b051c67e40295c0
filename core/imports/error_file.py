"""GetImportErrors: every failed row of an import, as the CSV the API serves and the CLI writes."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

from core.errors import NotFound
from core.imports.models import RowError
from core.ports import Storage

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


class GetImportErrors:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, import_id: UUID) -> ImportErrorFile:
        """Another tenant's import is NotFound, like one that does not exist."""
        async with self._storage.begin() as uow:
            columns = await uow.fan_imports.columns(user_id, import_id)
        if columns is None:
            raise NotFound(f"import {import_id} not found")
        return ImportErrorFile(columns, self._pages(import_id))

    async def _pages(self, import_id: UUID) -> AsyncIterator[list[RowError]]:
        # A page per transaction, by row number: a million errors never sit in memory at once.
        after = 0
        while True:
            async with self._storage.begin() as uow:
                page = await uow.fan_imports.errors(import_id, after, PAGE_ROWS)
            if not page:
                return
            yield page
            after = page[-1].row


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()
