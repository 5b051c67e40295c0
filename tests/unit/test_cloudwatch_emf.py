"""The EMF adapter's lines, read back as CloudWatch would: JSON with a `_aws` directive."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime
from typing import Any

from adapters.clock import ManualClock
from adapters.metrics.cloudwatch import MAX_VALUES, CloudWatchEmfMetrics, flush_periodically
from adapters.metrics.memory import InMemoryMetrics
from entrypoints.container import build_container, resolve
from tests.support.world import settings_for_tests

NAMESPACE = "Huntaze/OnlyFans"
CLOCK = ManualClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def emf(stream: io.StringIO | None = None) -> tuple[CloudWatchEmfMetrics, io.StringIO]:
    out = stream or io.StringIO()
    return CloudWatchEmfMetrics(NAMESPACE, CLOCK, out), out


def documents(out: io.StringIO) -> list[dict[str, Any]]:
    text = out.getvalue()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def metric_points(doc: dict[str, Any]) -> dict[str, Any]:
    """What CloudWatch extracts from one document: metric name → (unit, value, dimensions)."""
    [directive] = doc["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == NAMESPACE
    [dimension_keys] = directive["Dimensions"]
    dims = {key: doc[key] for key in dimension_keys}
    return {m["Name"]: (m["Unit"], doc[m["Name"]], dims) for m in directive["Metrics"]}


def test_nothing_is_written_until_a_flush_and_nothing_when_empty() -> None:
    metrics, out = emf()
    metrics.flush()
    metrics.increment("onlyfans.message.processed")
    assert out.getvalue() == ""
    metrics.flush()
    metrics.flush()
    assert len(documents(out)) == 1


def test_counters_sum_gauges_keep_the_last_and_timings_keep_every_value() -> None:
    metrics, out = emf()
    metrics.increment("onlyfans.message.processed")
    metrics.increment("onlyfans.message.processed", 2)
    metrics.gauge("onlyfans.queue.depth", 7)
    metrics.gauge("onlyfans.queue.depth", 4)
    metrics.timing("onlyfans.processing.time", 12.5)
    metrics.timing("onlyfans.processing.time", 30)
    metrics.flush()
    [doc] = documents(out)
    assert doc["_aws"]["Timestamp"] == int(CLOCK.now().timestamp() * 1000)
    assert metric_points(doc) == {
        "onlyfans.message.processed": ("Count", 3, {}),
        "onlyfans.queue.depth": ("None", 4, {}),
        "onlyfans.processing.time": ("Milliseconds", [12.5, 30], {}),
    }


def test_each_dimension_set_is_its_own_document() -> None:
    metrics, out = emf()
    metrics.increment("onlyfans.message.deferred", reason="rate_limited")
    metrics.increment("onlyfans.message.deferred", reason="rate_limited")
    metrics.increment("onlyfans.message.deferred", reason="throttled")
    metrics.increment("onlyfans.message.queued", 5)
    metrics.flush()
    points = [metric_points(doc) for doc in documents(out)]
    assert sorted(points, key=str) == sorted(
        [
            {"onlyfans.message.deferred": ("Count", 2, {"reason": "rate_limited"})},
            {"onlyfans.message.deferred": ("Count", 1, {"reason": "throttled"})},
            {"onlyfans.message.queued": ("Count", 5, {})},
        ],
        key=str,
    )


def test_a_full_timing_list_is_written_at_once_within_emf_limits() -> None:
    metrics, out = emf()
    for ms in range(MAX_VALUES + 3):
        metrics.timing("onlyfans.processing.time", ms)
    first = documents(out)
    assert len(first) == 1
    assert metric_points(first[0])["onlyfans.processing.time"][1] == list(range(MAX_VALUES))
    metrics.flush()
    [_, second] = documents(out)
    assert metric_points(second)["onlyfans.processing.time"][1] == [100, 101, 102]


def test_more_than_a_hundred_metrics_split_into_several_documents() -> None:
    metrics, out = emf()
    for n in range(150):
        metrics.increment(f"onlyfans.test.m{n}")
    metrics.flush()
    docs = documents(out)
    assert [len(metric_points(doc)) for doc in docs] == [100, 50]


async def test_the_flusher_writes_on_its_interval_and_at_shutdown() -> None:
    metrics, out = emf()
    flusher = flush_periodically(metrics, interval_s=0.01)
    await anext(flusher)
    metrics.increment("onlyfans.message.processed")
    for _ in range(200):
        if out.getvalue():
            break
        await asyncio.sleep(0.01)
    assert len(documents(out)) == 1
    metrics.increment("onlyfans.message.failed")
    await flusher.aclose()
    assert "onlyfans.message.failed" in metric_points(documents(out)[-1])


async def test_the_flusher_leaves_an_adapter_without_flush_alone() -> None:
    flusher = flush_periodically(InMemoryMetrics(), interval_s=0.01)
    assert await anext(flusher) is None
    await flusher.aclose()


async def test_the_container_selects_cloudwatch_and_its_namespace(capsys: Any) -> None:
    container = build_container(
        settings_for_tests(METRICS_BACKEND="cloudwatch", CLOUDWATCH_NAMESPACE="Fancrm/Test")
    )
    metrics = await resolve(container.metrics)
    assert isinstance(metrics, CloudWatchEmfMetrics)
    metrics.increment("onlyfans.message.queued")
    metrics.flush()
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Fancrm/Test"
