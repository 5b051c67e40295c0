"""Every error answer has one shape, `{"error": ..., "detail": ...}`; this table makes it so."""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from entrypoints.http.field_types import allowed_values

log = logging.getLogger(__name__)
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_UNKNOWN_FIELD = re.compile(r"contains unknown field `([^`]+)`")
_UNSUPPORTED = re.compile(r"Unsupported type: <class 'list'>")
_STATUS = {
    NotFound: 404,
    Invalid: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    Conflict: 409,
    PreconditionFailed: 412,
    RateLimited: 429,
    Unavailable: 503,
}


def problem(
    status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response({"error": error, "detail": detail}, status_code=status, headers=headers)


def status_of(exc: DomainError) -> int:
    return next(code for kind, code in _STATUS.items() if isinstance(exc, kind))


def _domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    status = status_of(exc)
    detail = exc.detail
    if isinstance(exc, Invalid) and exc.field:
        detail = {"field": exc.field, **(detail if isinstance(detail, dict) else {})}
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after_s)))}
    return problem(status, exc.message, detail, headers)


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's body/query validation: name the offending field in the message and detail."""
    issues = validation_issues(request, exc)
    if not issues:  # malformed JSON and the like carry no field
        return problem(400, f"invalid request body: {exc.detail}")
    first = issues[0]
    return problem(400, f"invalid request: {first['field']}: {first['message']}", issues)


def validation_issues(
    request: Request[Any, Any, Any], exc: ValidationException
) -> list[dict[str, str]]:
    """Each field Litestar's validation refused, with why (an enum's allowed values too)."""
    issues = [_issue(item) for item in exc.extra] if isinstance(exc.extra, list) else []
    for issue in issues:
        if issue["message"].startswith("Invalid enum value"):
            allowed = allowed_values(request, issue["field"], issue["source"])
            if allowed:
                issue["message"] += f"; one of: {', '.join(allowed)}"
    return issues


def _issue(item: Any) -> dict[str, str]:
    message = str(item.get("message", "")) if isinstance(item, dict) else str(item)
    field = str(item.get("key", "")) if isinstance(item, dict) else ""
    missing = _MISSING_FIELD.search(message)
    if missing and field in {"", "data"}:
        field = missing.group(1)
    unknown = _UNKNOWN_FIELD.search(message)
    if unknown and field in {"", "data"}:
        field, message = unknown.group(1), "unknown field"
    if _UNSUPPORTED.match(message):  # Litestar's words for a form's file field given twice
        message = "given more than once; it takes one value"
    raw_source = item.get("source", "") if isinstance(item, dict) else ""
    source = str(getattr(raw_source, "value", raw_source))  # "query", not "ParamType.QUERY"
    return {"field": field or "body", "message": message, "source": source}


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    # Litestar answers a body it cannot decode with a bare 400; say that it is the body.
    error = f"invalid request body: {exc.detail}" if exc.status_code == 400 else str(exc.detail)
    return problem(exc.status_code, error, headers=exc.headers)


def _undecodable_body(_: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    # Litestar decodes a JSON body as UTF-8 without catching this: bytes that are not are the
    # client's mistake, not ours.
    return problem(400, f"invalid request body: not UTF-8 ({exc.reason} at byte {exc.start})")


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc, extra={"path": request.url.path})
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "internal error")


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: http_error,
    UnicodeDecodeError: _undecodable_body,
    Exception: _unexpected,
}
