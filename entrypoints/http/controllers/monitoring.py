"""Liveness for load balancers, and the health of the messaging pipeline for people."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency

from core.monitoring import CheckHealth
from entrypoints.http.schemas.monitoring import MonitoringResponse

AnyRequest = Request[str, Any, Any]


@get("/health", tags=["monitoring"], operation_id="health")
async def health() -> dict[str, str]:
    """Liveness: the process answers. No authentication."""
    return {"status": "ok"}


@get("/api/monitoring/onlyfans", tags=["monitoring"], operation_id="monitoring")
async def monitoring(
    request: AnyRequest, check_health: NamedDependency[CheckHealth]
) -> Response[MonitoringResponse]:
    """Database, queue and rate limiter, each with its status and latency; 503 when one is down.

    `sqs.queueDepth` counts the caller's own messages waiting to go, never the shared queue's."""
    report = await check_health.execute(request.user)
    return Response(MonitoringResponse.of(report), status_code=200 if report.healthy else 503)
