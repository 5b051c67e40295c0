"""The Litestar app factory: routes, auth, limits, error mapping and the container's lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware

from entrypoints import container as composition
from entrypoints.container import Container, resolve
from entrypoints.http.allow import AllowHeader
from entrypoints.http.auth import (
    ACCOUNT_HEADER,
    Authentication,
    Authenticators,
    BearerTokens,
)
from entrypoints.http.console import Console, exempt_api_from_csrf
from entrypoints.http.controllers.analytics import analytics, team_analytics
from entrypoints.http.controllers.audit import audit_log
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.automations import AutomationController
from entrypoints.http.controllers.campaigns import CampaignController
from entrypoints.http.controllers.conversations import ConversationController
from entrypoints.http.controllers.events import receive_event
from entrypoints.http.controllers.fans import FanController
from entrypoints.http.controllers.imports import import_controller
from entrypoints.http.controllers.keys import ApiKeyController
from entrypoints.http.controllers.messaging import MessagingController
from entrypoints.http.controllers.metrics import scrape_metrics
from entrypoints.http.controllers.monitoring import health, monitoring
from entrypoints.http.controllers.quick_replies import QuickReplyController
from entrypoints.http.controllers.settings import SettingsController
from entrypoints.http.controllers.team import TeamController
from entrypoints.http.docs import openapi_config, swagger_assets
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.middleware import ApiRateLimitMiddleware, RequestContextMiddleware
from entrypoints.http.permissions import declare_permissions, enforce_permissions
from entrypoints.http.query import refuse_repeated_single_values
from entrypoints.http.requests import ApiRequest

StartupHook = Callable[[Container], Awaitable[None]]


def create_app(
    container: Container, *, run_worker: bool = False, on_startup: StartupHook | None = None
) -> Litestar:
    resolved: dict[str, Any] = {}
    settings = container.config
    tokens = BearerTokens(settings.jwt_secret())
    auth = Authentication(tokens, lambda: _authenticators(container))
    console = Console(
        tokens,
        lambda: resolve(container.refresh_session),
        settings.jwt_secret(),
        settings.import_max_bytes(),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await composition.start(container)
        for name in ("rate_limiter", "metrics", "api_policy"):
            resolved[name] = await resolve(container.providers[name])
        if on_startup:
            await on_startup(container)
        async with _worker(container, run_worker):
            yield
        # A fan-out cut short here rolls its chunk back; the worker's sweep carries it on.
        await (await resolve(container.background_fan_outs)).close()
        await composition.stop(container)

    allow_header = AllowHeader()
    app = Litestar(
        route_handlers=[
            MessagingController,
            FanController,
            QuickReplyController,
            SettingsController,
            import_controller(settings.import_max_bytes()),
            ConversationController,
            CampaignController,
            AutomationController,
            receive_event,
            analytics,
            team_analytics,
            audit_log,
            AuthController,
            TeamController,
            ApiKeyController,
            health,
            monitoring,
            scrape_metrics,
            swagger_assets(),
            *console.routers(),
        ],
        dependencies={
            **dependencies_of(container),
            "bearer_tokens": Provide(lambda: tokens, use_cache=True, sync_to_thread=False),
        },
        guards=[enforce_permissions],
        middleware=[DefineMiddleware(_LazyRateLimit, resolved=resolved)],
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=ApiRequest,
        cors_config=_cors(settings.cors_origins()),
        before_send=[allow_header],
        before_request=refuse_repeated_single_values,
        on_app_init=[auth.on_app_init, console.on_app_init],  # in this order: see Console
        template_config=console.templates(),
        csrf_config=console.csrf(),
        lifespan=[lifespan],
        openapi_config=openapi_config(),
        logging_config=None,  # entrypoints.logs owns logging; Litestar must not reconfigure it
    )
    # Outside the router, not a route middleware: a 404 or 405 (no route) and a 401 (raised by
    # the auth middleware, turned into an answer by the exception handler around the route)
    # would otherwise never be seen, or be seen as an exception and logged as a 500.
    app.asgi_handler = RequestContextMiddleware(app.asgi_handler)
    declare_permissions(app)  # a route without a rule stops the app here
    exempt_api_from_csrf(app)
    allow_header.learn(app)
    return app


def _cors(origins: tuple[str, ...]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_headers=["Authorization", "Content-Type", "If-Match", "X-Request-ID", ACCOUNT_HEADER],
        expose_headers=[*EXPOSED_HEADERS],
        max_age=600,
    )


# What a browser script may read of an answer: the ETag for If-Match, the request id, the limit.
EXPOSED_HEADERS = (
    "ETag",
    "X-Request-ID",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
)


async def _authenticators(container: Container) -> Authenticators:
    return Authenticators(
        await resolve(container.authenticate_person), await resolve(container.authenticate_key)
    )


def dependencies_of(container: Container) -> dict[str, Provide]:
    """Every provider of the container, by its name: a handler asks for a use case by naming
    its provider (`send_message: NamedDependency[SendMessage]`). Each is made once, on first use."""
    return {name: _provided(container, name) for name in container.providers}


def _provided(container: Container, name: str) -> Provide:
    async def made() -> Any:
        return await resolve(container.providers[name])

    return Provide(made, use_cache=True)


class _LazyRateLimit:
    """The API limit middleware, built on the first request once the container has started."""

    def __init__(self, app: Any, resolved: dict[str, Any]) -> None:
        self._app = app
        self._resolved = resolved
        self._inner: ApiRateLimitMiddleware | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._inner is None:
            r = self._resolved
            self._inner = ApiRateLimitMiddleware(
                self._app, r["rate_limiter"], r["api_policy"], r["metrics"]
            )
        await self._inner(scope, receive, send)


@contextlib.asynccontextmanager
async def _worker(container: Container, enabled: bool) -> AsyncIterator[None]:
    """Runs the queue worker inside the server process (dev mode, or an in-memory queue)."""
    if not enabled:
        yield
        return
    worker = await resolve(container.worker)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop), name="fancrm-worker")
    try:
        yield
    finally:
        stop.set()
        await task
