"""ASGI middleware: a request id on every log line, and the per-user API request limit."""

from __future__ import annotations

import itertools
import logging
import math
import os
import time

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import Unavailable
from core.logcontext import log_context
from core.ports import Metrics, RateLimiter
from core.ratelimit import Decision, Policy
from entrypoints.http.auth import is_console

log = logging.getLogger("fancrm.http")


class RequestContextMiddleware:
    """Binds a request id (the caller's `X-Request-ID` or a new one); logs a line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or _new_request_id()
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        with log_context(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if log.isEnabledFor(logging.INFO):
                    log.info(
                        "request",
                        extra={
                            "method": scope["method"],
                            "path": scope["path"],
                            "status": status,
                            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        },
                    )


class ApiRateLimitMiddleware:
    """The per-user API limit; runs after authentication, so `scope["user"]` is the caller.

    If the limiter is unreachable the API fails open (served, counted, warned): only outbound
    sending must never pass unthrottled, and the consumer guards that.
    """

    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, policy: Policy, metrics: Metrics
    ) -> None:
        self.app = app
        self._limiter = limiter
        self._policy = policy
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user") if scope["type"] == "http" else None
        # The console's pages and polls are a person's clicks at a fixed polling pace: they do
        # not spend the account's API budget, which its integrations rely on.
        if not user or is_console(scope):
            await self.app(scope, receive, send)
            return
        try:
            decision = await self._limiter.acquire(f"api:{user}", self._policy)
        except Unavailable as exc:
            self._metrics.increment("onlyfans.api.ratelimit.unavailable")
            log.warning("API rate limiter unreachable; failing open", extra={"reason": str(exc)})
            await self.app(scope, receive, send)
            return
        headers = _headers(decision, self._policy)
        if not decision.allowed:
            await _too_many_requests(send, decision, headers)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _headers(decision: Decision, policy: Policy) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(policy.capacity).encode()),
        (b"ratelimit-remaining", str(decision.remaining).encode()),
        (b"ratelimit-reset", str(math.ceil(decision.reset_after_s)).encode()),
    ]


async def _too_many_requests(
    send: Send, decision: Decision, headers: list[tuple[bytes, bytes]]
) -> None:
    retry_after = max(1, math.ceil(decision.retry_after_s))
    body = msgspec.json.encode(
        {"error": "API rate limit exceeded", "detail": {"retryAfterSeconds": retry_after}}
    )
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# Unique per process (a random prefix) and cheap: a request id correlates, it protects nothing.
_REQUEST_PREFIX = os.urandom(6).hex()
_request_numbers = itertools.count(1)


def _new_request_id() -> str:
    return f"{_REQUEST_PREFIX}{next(_request_numbers):012x}"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            decoded: str = value.decode("latin-1")[:128]
            return decoded
    return None
