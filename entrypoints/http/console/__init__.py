"""The web console: server-rendered pages (Jinja, HTMX) served by the API's own app.

Its routes call the same use cases as the API, are admitted by the same permission table (each
acts as one API operation), and authenticate with the session cookies of a sign-in. Every change
they make carries a CSRF token; every page carries a Content-Security-Policy that runs only the
scripts served from here (htmx and console.js, vendored in static/ with their licences).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.exceptions import NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.template.base import csrf_token
from markupsafe import Markup

from core.identity import RefreshSession
from entrypoints.http.auth import CONSOLE, BearerTokens
from entrypoints.http.console import (
    analytics,
    campaigns,
    dashboard,
    fans,
    inbox,
    invite,
    keys,
    login,
    settings,
    team,
)
from entrypoints.http.console.errors import CONSOLE_EXCEPTION_HANDLERS, not_found
from entrypoints.http.console.formats import FILTERS
from entrypoints.http.console.imports import import_router
from entrypoints.http.console.session import SessionRefresh
from entrypoints.http.permissions import routes_of

_HERE = Path(__file__).parent
STATIC_PATH = "/static/console"
CSRF_HEADER = "x-csrftoken"
CSRF_COOKIE = "fancrm_csrf"
# Scripts and styles from this site only: no inline script, no eval, no other origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="Cache-Control", value="no-store"),
]
# Each page module lists its routes in ROUTES (the import's come with their upload cap: routers).
PAGES = [
    *login.ROUTES,
    *inbox.ROUTES,
    *dashboard.ROUTES,
    *fans.ROUTES,
    *campaigns.ROUTES,
    *analytics.ROUTES,
    *team.ROUTES,
    *keys.ROUTES,
    *invite.ROUTES,
    *settings.ROUTES,
]


@dataclass(frozen=True, slots=True)
class Console:
    """What the app needs to serve the console: its routes, templates, CSRF and session."""

    tokens: BearerTokens
    refresh_session: Callable[[], Awaitable[RefreshSession]]
    jwt_secret: str  # the CSRF tokens' key is derived from it: no second secret to configure
    import_max_bytes: int  # the CSV upload's cap, as the API's (IMPORT_MAX_BYTES)

    def routers(self) -> list[Router]:
        pages = Router(
            path="/",
            route_handlers=[*PAGES, import_router(self.import_max_bytes)],
            exception_handlers=CONSOLE_EXCEPTION_HANDLERS,
            response_headers=SECURITY_HEADERS,
            include_in_schema=False,
        )
        static = create_static_files_router(
            path=STATIC_PATH, directories=[_HERE / "static"], include_in_schema=False
        )
        return [pages, static]

    def csrf(self) -> CSRFConfig:
        return CSRFConfig(
            secret=hmac.new(self.jwt_secret.encode(), b"csrf", hashlib.sha256).hexdigest(),
            cookie_name=CSRF_COOKIE,
            header_name=CSRF_HEADER,
            cookie_secure=True,
            cookie_samesite="strict",
        )

    @staticmethod
    def templates() -> TemplateConfig[JinjaTemplateEngine]:
        environment = Environment(
            loader=FileSystemLoader(_HERE / "templates"),
            autoescape=select_autoescape(default=True),  # every text a user typed is escaped
            undefined=StrictUndefined,
        )
        environment.filters.update(FILTERS)
        return TemplateConfig(
            engine=JinjaTemplateEngine.from_environment(environment),
            engine_callback=lambda engine: engine.register_template_callable(
                "csrf_field", csrf_field
            ),
        )

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """The session refresh runs before authentication, which the auth module put first."""
        refresh = DefineMiddleware(
            SessionRefresh, tokens=self.tokens, refresh_session=self.refresh_session
        )
        app_config.middleware.insert(0, refresh)
        app_config.exception_handlers[NotFoundException] = not_found
        return app_config


def csrf_field(context: Mapping[str, Any]) -> Markup:
    """The hidden field of a form's CSRF token (`{{ csrf_field() }}` in a template)."""
    return Markup('<input type="hidden" name="_csrf_token" value="{}">').format(csrf_token(context))


def exempt_api_from_csrf(app: Litestar) -> None:
    """The CSRF check is for what a cookie authenticates: console routes. The API takes bearer
    credentials a page cannot send by itself, so its routes are exempt."""
    for _, handler in routes_of(app):
        if not handler.opt.get(CONSOLE):
            handler.opt["exclude_from_csrf"] = True
