"""The health report of /api/monitoring/onlyfans."""

from __future__ import annotations

from datetime import datetime

from core.monitoring import ComponentHealth, HealthReport
from entrypoints.http.schemas import Schema


class ComponentStatus(Schema):
    status: str
    latency_ms: float
    reason: str | None = None


class QueueComponent(ComponentStatus):
    queue_depth: int | None = None


class LimiterComponent(ComponentStatus):
    enabled: bool = True


class Components(Schema):
    database: ComponentStatus
    sqs: QueueComponent
    rate_limiter: LimiterComponent


class MonitoringResponse(Schema):
    status: str
    timestamp: datetime
    components: Components

    @classmethod
    def of(cls, r: HealthReport) -> MonitoringResponse:
        limiter = r.rate_limiter
        return cls(
            status="healthy" if r.healthy else "unhealthy",
            timestamp=r.timestamp,
            components=Components(
                database=ComponentStatus(**_status(r.database)),
                sqs=QueueComponent(**_status(r.queue), queue_depth=r.queue.queue_depth),
                rate_limiter=LimiterComponent(**_status(limiter), enabled=r.rate_limiter_enabled),
            ),
        )


def _status(c: ComponentHealth) -> dict[str, object]:
    return {
        "status": "healthy" if c.healthy else "unhealthy",
        "latency_ms": c.latency_ms,
        "reason": c.reason,
    }
