"""How the console answers what goes wrong: a page a person can read, never a stack trace.

Not signed in (or the session ended): back to the login page, then to where they were going.
Refused, not found, a bad request: the error page with its status and the reason in words.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.response import Redirect, Template

from core.errors import DomainError, Unauthenticated
from entrypoints.http.console.pages import render
from entrypoints.http.errors import http_error, status_of, validation_issues

log = logging.getLogger(__name__)
AnyRequest = Request[Any, Any, Any]
_TITLES = {
    400: "That did not work",
    403: "Not for your role",
    404: "Not found",
    409: "That clashes with what is there",
    412: "Changed since you opened it",
    429: "Too many at once",
    503: "Unavailable for a moment",
}


def to_sign_in(request: AnyRequest, _: Exception) -> Response[Any]:
    """The login page, coming back here after; an HTMX request is told to go there whole."""
    target = request.url.path if request.method == "GET" else "/"
    login = "/login?next=" + quote(target + (f"?{request.url.query}" if request.url.query else ""))
    if request.headers.get("hx-request"):
        return Response(None, status_code=200, headers={"HX-Redirect": login})
    return Redirect(login, status_code=303)


# What Litestar's CSRF middleware says when a change comes without the page's token: not a
# matter of role, so not "Not for your role".
CSRF_REFUSED = "CSRF token verification failed"


def error_page(request: AnyRequest, status: int, reason: str, title: str | None = None) -> Template:
    title = title or _TITLES.get(status, "Something went wrong")
    return render(request, "error.html", status=status, title=title, reason=reason)


def _domain_error(request: AnyRequest, exc: DomainError) -> Response[Any]:
    if isinstance(exc, Unauthenticated):
        return to_sign_in(request, exc)
    return error_page(request, status_of(exc), exc.message)


def _http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if exc.status_code == 403 and exc.detail == CSRF_REFUSED:
        reason = "The form came without this page's security token: nothing was changed. "
        return error_page(request, 403, reason + "Reload the page and try again.", "Not sent")
    return error_page(request, exc.status_code, str(exc.detail))


def _invalid_request(request: AnyRequest, exc: ValidationException) -> Response[Any]:
    """A query or form Litestar refused: the fields it named, as the API names them."""
    issues = validation_issues(request, exc)
    reason = "; ".join(f"{i['field']}: {i['message']}" for i in issues)
    return error_page(request, 400, reason or f"The request could not be read: {exc.detail}")


def _unexpected(request: AnyRequest, exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc, extra={"path": request.url.path})
    return error_page(request, 500, "The server could not do this. It has been logged.")


CONSOLE_EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    NotAuthorizedException: to_sign_in,
    DomainError: _domain_error,
    ValidationException: _invalid_request,  # else the API's own handler answers JSON
    HTTPException: _http_error,
    Exception: _unexpected,
}


def not_found(request: AnyRequest, exc: NotFoundException) -> Response[Any]:
    """A path no route serves: a page for a browser outside the API, the API's answer else."""
    wants_page = "text/html" in request.headers.get("accept", "")
    if wants_page and not request.url.path.startswith("/api/"):
        return error_page(request, 404, f"There is no page at {request.url.path}.")
    return http_error(request, exc)
