"""Metrics to CloudWatch as Embedded Metric Format lines on stdout.

Lambda and the ECS awslogs driver ship stdout to CloudWatch Logs, which turns each EMF line into
metric points: no API call and no client on the hot path. Points are aggregated in memory (counters
summed, the last gauge, timings as value lists) and written by `flush()`: every few seconds from
`flush_periodically`, whenever a timing list fills up, at shutdown, and by the Lambda handler at the
end of each invocation (a frozen Lambda runs no timers).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import msgspec

from core.ports import Clock

# EMF's own ceilings: values in one metric's array, and metrics in one document.
MAX_VALUES = 100
MAX_METRICS = 100
Dims = tuple[tuple[str, str], ...]

_encode = msgspec.json.Encoder().encode


@dataclass(slots=True)
class _Series:
    unit: str
    values: list[float] = field(default_factory=list)


class CloudWatchEmfMetrics:
    def __init__(self, namespace: str, clock: Clock, stream: TextIO | None = None) -> None:
        self._namespace = namespace
        self._clock = clock
        self._stream = stream
        # By dimension set, then by metric name.
        self._pending: dict[Dims, dict[str, _Series]] = {}

    def increment(self, name: str, value: float = 1, **dims: str) -> None:
        series = self._series(name, "Count", dims)
        if series.values:
            series.values[0] += value
        else:
            series.values.append(value)

    def gauge(self, name: str, value: float, **dims: str) -> None:
        self._series(name, "None", dims).values[:] = [value]

    def timing(self, name: str, ms: float, **dims: str) -> None:
        series = self._series(name, "Milliseconds", dims)
        series.values.append(ms)
        if len(series.values) >= MAX_VALUES:
            self.flush()

    def flush(self) -> None:
        """Write what was recorded since the last flush, one JSON document per line."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        timestamp = int(self._clock.now().timestamp() * 1000)
        lines = [_encode(doc) + b"\n" for doc in self._documents(pending, timestamp)]
        stream = self._stream or sys.stdout  # looked up late: tests and runtimes swap stdout
        stream.write(b"".join(lines).decode())
        stream.flush()

    def _series(self, name: str, unit: str, dims: dict[str, str]) -> _Series:
        by_name = self._pending.setdefault(tuple(sorted(dims.items())), {})
        series = by_name.get(name)
        if series is None:
            series = by_name[name] = _Series(unit)
        return series

    def _documents(
        self, pending: dict[Dims, dict[str, _Series]], timestamp: int
    ) -> Iterator[dict[str, Any]]:
        for dims, by_name in pending.items():
            names = list(by_name)
            for start in range(0, len(names), MAX_METRICS):
                chunk = names[start : start + MAX_METRICS]
                yield {
                    "_aws": {
                        "Timestamp": timestamp,
                        "CloudWatchMetrics": [
                            {
                                "Namespace": self._namespace,
                                "Dimensions": [[key for key, _ in dims]],
                                "Metrics": [
                                    {"Name": name, "Unit": by_name[name].unit} for name in chunk
                                ],
                            }
                        ],
                    },
                    **dict(dims),
                    **{name: _value(by_name[name].values) for name in chunk},
                }


def _value(values: list[float]) -> float | list[float]:
    return values[0] if len(values) == 1 else values


async def flush_periodically(metrics: object, interval_s: float = 10.0) -> AsyncIterator[None]:
    """A container Resource: flushes a buffering metrics adapter every `interval_s` and at exit.

    Adapters without a `flush` (in memory, Prometheus) need nothing and get nothing.
    """
    flush = getattr(metrics, "flush", None)
    if flush is None:
        yield
        return

    async def every_interval() -> None:
        while True:
            await asyncio.sleep(interval_s)
            flush()

    task = asyncio.create_task(every_interval(), name="fancrm-metrics-flush")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        flush()
