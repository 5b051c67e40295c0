"""Running the CSV import in tests: a file's bytes in, the report and the error file out."""

from __future__ import annotations

import io
from typing import Any

from core.fans.ports import FanQuery
from core.fans.records import Fan
from core.imports.records import ImportOptions, ImportReport
from entrypoints.container import Container, resolve
from tests.support.authors import SERVICE


async def import_csv(container: Container, user: str, data: bytes, **options: Any) -> ImportReport:
    use_case = await resolve(container.import_fans_csv)
    return await use_case.execute(user, io.BytesIO(data), ImportOptions(**options), actor=SERVICE)


async def error_file(container: Container, user: str, report: ImportReport) -> str:
    errors = await (await resolve(container.get_import_errors)).execute(user, report.id)
    return "".join([chunk async for chunk in errors.csv_chunks()])


async def all_fans(container: Container, user: str) -> dict[str, Fan]:
    """The tenant's fans by handle (every page)."""
    list_fans = await resolve(container.list_fans)
    fans: dict[str, Fan] = {}
    while True:
        page = await list_fans.execute(user, FanQuery(limit=100, offset=len(fans)))
        fans.update((fan.handle, fan) for fan in page.items)
        if len(fans) >= page.total:
            return fans
