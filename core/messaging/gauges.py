"""The queue's gauges, read when asked: a metrics scrape sees the depth as it is now."""

from __future__ import annotations

from core.ports import MessageQueue, Metrics


class RecordQueueGauges:
    def __init__(self, queue: MessageQueue, metrics: Metrics) -> None:
        self._queue = queue
        self._metrics = metrics

    async def execute(self) -> None:
        stats = await self._queue.stats()
        self._metrics.gauge("onlyfans.queue.depth", stats.depth)
        self._metrics.gauge("onlyfans.queue.in_flight", stats.in_flight)
        self._metrics.gauge("onlyfans.queue.delayed", stats.delayed)
        self._metrics.gauge("onlyfans.dlq.count", stats.dlq_depth)
