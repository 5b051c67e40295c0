"""CSV import of fans: the upload streams to a temporary file, then one use case imports it."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Body, PathParameter
from litestar.response import Stream

from core.imports import GetImportErrors, ImportFansCsv
from core.imports.error_file import ImportErrorFile
from entrypoints.http.caller import caller_of
from entrypoints.http.errors import problem
from entrypoints.http.schemas.imports import ImportForm, ImportView

AnyRequest = Request[str, Any, Any]
Multipart = Body(media_type=RequestEncodingType.MULTI_PART)


class ImportController(Controller):
    path = "/api/onlyfans/import"
    tags = ["import"]

    @post("/csv", operation_id="importFansCsv")
    async def import_csv(
        self,
        request: AnyRequest,
        data: Annotated[ImportForm, Multipart],
        import_fans_csv: NamedDependency[ImportFansCsv],
    ) -> ImportView:
        """Import fans from a CSV file (`file`; `platform`, `mode` upsert|skip_existing, `dryRun`).

        Row errors are listed (the first 1,000) and all kept for `errors.csv`; a file that
        cannot be read at all is a 400, and then nothing was imported.
        """
        try:
            report = await import_fans_csv.execute(
                request.user, data.file.file, data.to_options(), actor=caller_of(request).author
            )
        finally:
            await data.file.close()
        return ImportView.of(report)

    @get("/{import_id:uuid}/errors.csv", operation_id="importErrorsCsv", media_type="text/csv")
    async def errors_csv(
        self,
        request: AnyRequest,
        import_id: Annotated[UUID, PathParameter()],
        get_import_errors: NamedDependency[GetImportErrors],
    ) -> Stream:
        """Every failed row of an import: its number, its error and its original columns."""
        return error_file_response(
            import_id, await get_import_errors.execute(request.user, import_id)
        )


def error_file_response(import_id: UUID, errors: ImportErrorFile) -> Stream:
    """The error file as a download (the console serves the same)."""
    return Stream(
        errors.csv_chunks(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'},
    )


def import_controller(max_bytes: int) -> type[Controller]:
    """The controller with the upload cap of this configuration (IMPORT_MAX_BYTES): Litestar
    answers 413 from Content-Length before reading, or as soon as the streamed bytes pass it."""

    def too_large(_: AnyRequest, __: RequestEntityTooLarge) -> Response[Any]:
        return problem(
            413,
            f"the upload is larger than {max_bytes} bytes (IMPORT_MAX_BYTES); nothing was imported",
            {"field": "file", "maxBytes": max_bytes},
        )

    attributes = {
        "request_max_body_size": max_bytes,
        "exception_handlers": {RequestEntityTooLarge: too_large},
    }
    return type("ImportController", (ImportController,), attributes)
