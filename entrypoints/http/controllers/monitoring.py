"""Liveness for load balancers, and the health of the messaging pipeline for people."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency

from core.monitoring import CheckHealth
from entrypoints.http.schemas.monitoring import MonitoringResponse


@get("/health", tags=["monitoring"], operation_id="health")
async def health() -> dict[str, str]:
    """Liveness: the process answers. No authentication."""
    return {"status": "ok"}


@get("/api/monitoring/onlyfans", tags=["monitoring"], operation_id="monitoring")
async def monitoring(check_health: NamedDependency[CheckHealth]) -> Response[MonitoringResponse]:
    """Database, queue and rate limiter, each with its status and latency; 503 when one is down."""
    report = await check_health.execute()
    return Response(MonitoringResponse.of(report), status_code=200 if report.healthy else 503)
