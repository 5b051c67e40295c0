"""The CSV import of fans: the upload form (its progress shown by static/import.js), the summary,
the refused rows and their errors.csv.

It calls the use cases of `POST /api/onlyfans/import/csv` and of its errors.csv as their
controller does, under the same upload cap (IMPORT_MAX_BYTES): the routes come in a router made
for the configuration's cap, as the API's controller is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Body, PathParameter
from litestar.response import Stream, Template

from core.errors import Invalid
from core.imports import (
    GetImportErrors,
    ImportFansCsv,
    ImportMode,
    ImportOptions,
    ImportReport,
    RowError,
)
from entrypoints.http.caller import caller_of
from entrypoints.http.console.fan_form import PLATFORMS
from entrypoints.http.console.pages import AnyRequest, acting_as, render
from entrypoints.http.controllers.imports import error_file_response
from entrypoints.http.schemas.imports import ImportForm

PATH = "/fans/import"
Multipart = Body(media_type=RequestEncodingType.MULTI_PART)
MODES = [
    (ImportMode.UPSERT.value, "Update them with the file's values"),
    (ImportMode.SKIP_EXISTING.value, "Leave them as they are"),
]


@dataclass(frozen=True, slots=True)
class RefusedRow:
    row: int
    column: str | None  # the file's column the error names, if it names one
    reason: str


# A row's error names its column first when it can: `column 'username': handle may hold …`
# (core.imports.rows) or `column tags: …` (the tag limit, adapters.storage.imports.tag_limit).
_COLUMN_FIRST = re.compile(r"column ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\w+): (.*)", re.DOTALL)


def refused_row(error: RowError) -> RefusedRow:
    named = _COLUMN_FIRST.fullmatch(error.error)
    if named is None:
        return RefusedRow(error.row, None, error.error)
    column = named.group(1)
    unquoted = column[1:-1] if column[0] in "'\"" else column
    return RefusedRow(error.row, unquoted, named[2])


@get("/", opt=acting_as("importFansCsv"), include_in_schema=False)
async def import_page(request: AnyRequest) -> Template:
    return _page(request, ImportOptions())


@post("/", opt=acting_as("importFansCsv"), include_in_schema=False)
async def import_upload(
    request: AnyRequest,
    data: Annotated[ImportForm, Multipart],
    import_fans_csv: NamedDependency[ImportFansCsv],
) -> Template:
    options = data.to_options()
    try:
        report = await import_fans_csv.execute(
            request.user, data.file.file, options, actor=caller_of(request).author
        )
    except Invalid as exc:
        # The file cannot be imported at all (its encoding, no handle column): nothing was.
        return _page(request, options, status=400, errors={"file": exc.message})
    finally:
        await data.file.close()
    return _page(request, options, report=report)


def _page(
    request: AnyRequest,
    options: ImportOptions,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    report: ImportReport | None = None,
) -> Template:
    return render(
        request,
        "fans_import.html",
        status=status,
        max_bytes=_cap(request),
        options=options,
        platforms=PLATFORMS,
        modes=MODES,
        errors=errors or {},
        report=report,
        refused=[refused_row(e) for e in report.errors] if report else [],
    )


@get("/{import_id:uuid}/errors.csv", opt=acting_as("importErrorsCsv"), include_in_schema=False)
async def errors_csv(
    request: AnyRequest,
    import_id: Annotated[UUID, PathParameter()],
    get_import_errors: NamedDependency[GetImportErrors],
) -> Stream:
    """The file the API serves at /api/onlyfans/import/{id}/errors.csv."""
    return error_file_response(import_id, await get_import_errors.execute(request.user, import_id))


def _cap(request: AnyRequest) -> int:
    """The upload cap of these routes (import_router's)."""
    return request.route_handler.resolve_request_max_body_size() or 0


def _too_large(request: AnyRequest, _: RequestEntityTooLarge) -> Response[Any]:
    """Refused on the page, under the file field, before the file is read."""
    message = (
        f"The file is larger than {_cap(request):,} bytes (IMPORT_MAX_BYTES): nothing imported."
    )
    return _page(request, ImportOptions(), status=413, errors={"file": message})


def import_router(max_bytes: int) -> Router:
    """The import's pages with the upload cap of this configuration."""
    return Router(
        path=PATH,
        route_handlers=[import_page, import_upload, errors_csv],
        request_max_body_size=max_bytes,
        exception_handlers={RequestEntityTooLarge: _too_large},
        include_in_schema=False,
    )
