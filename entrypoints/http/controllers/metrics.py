"""GET /metrics: the Prometheus scrape target (no authentication, like /health)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency

from adapters.metrics.prometheus import CONTENT_TYPE, PrometheusMetrics
from core.errors import NotFound, Unavailable
from core.messaging import RecordQueueGauges

log = logging.getLogger(__name__)


@get("/metrics", tags=["monitoring"], operation_id="metrics", media_type=CONTENT_TYPE)
async def scrape_metrics(
    metrics: NamedDependency[Any], record_queue_gauges: NamedDependency[RecordQueueGauges]
) -> Response[str]:
    """Counters, gauges and timing histograms in the Prometheus text format.

    Only with METRICS_BACKEND=prometheus: in memory nothing is kept for a scraper, and with
    CloudWatch the figures leave as EMF log lines, so the answer is a 404 that says so.
    """
    if not isinstance(metrics, PrometheusMetrics):
        raise NotFound(
            "metrics are not exposed here; set METRICS_BACKEND=prometheus to scrape /metrics",
            detail={"metricsBackend": type(metrics).__name__},
        )
    try:
        await record_queue_gauges.execute()
    except Unavailable as exc:
        # The counters are still worth a scrape; the queue gauges keep their last values.
        log.warning("queue unreachable; queue gauges not refreshed", extra={"reason": str(exc)})
    return Response(metrics.exposition(), media_type=CONTENT_TYPE)
