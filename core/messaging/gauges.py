"""The queue's gauges, read when asked: a metrics scrape sees the depth as it is now."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.messaging.ports import MessageQueue
from core.ports import Clock, Metrics

# /metrics answers without authentication and each refresh costs the queue two calls (SQS bills
# them): scrapes closer together than this share one reading.
MIN_REFRESH = timedelta(seconds=5)


class RecordQueueGauges:
    def __init__(self, queue: MessageQueue, metrics: Metrics, clock: Clock) -> None:
        self._queue = queue
        self._metrics = metrics
        self._clock = clock
        self._read_at: datetime | None = None

    async def execute(self) -> None:
        now = self._clock.now()
        if self._read_at is not None and now - self._read_at < MIN_REFRESH:
            return
        stats = await self._queue.stats()
        self._read_at = now
        self._metrics.gauge("onlyfans.queue.depth", stats.depth)
        self._metrics.gauge("onlyfans.queue.in_flight", stats.in_flight)
        self._metrics.gauge("onlyfans.queue.delayed", stats.delayed)
        self._metrics.gauge("onlyfans.dlq.count", stats.dlq_depth)
