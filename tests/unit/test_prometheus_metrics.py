"""The Prometheus exposition, read back with prometheus_client's own parser."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from adapters.metrics.prometheus import PrometheusMetrics, metric_name


def parsed(metrics: PrometheusMetrics) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(metrics.exposition())}


def samples(family: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}


def test_nothing_recorded_is_an_empty_page() -> None:
    assert PrometheusMetrics().exposition() == ""


def test_counters_are_totals_per_label_set() -> None:
    metrics = PrometheusMetrics()
    metrics.increment("onlyfans.message.queued", 3)
    metrics.increment("onlyfans.message.queued")
    metrics.increment("onlyfans.message.deferred", reason="rate_limited")
    metrics.increment("onlyfans.message.deferred", 2, reason="throttled")
    families = parsed(metrics)
    queued = families["onlyfans_message_queued"]
    assert queued.type == "counter"
    assert samples(queued) == {("onlyfans_message_queued_total", ()): 4.0}
    assert samples(families["onlyfans_message_deferred"]) == {
        ("onlyfans_message_deferred_total", (("reason", "rate_limited"),)): 1.0,
        ("onlyfans_message_deferred_total", (("reason", "throttled"),)): 2.0,
    }


def test_gauges_keep_the_last_value() -> None:
    metrics = PrometheusMetrics()
    metrics.gauge("onlyfans.queue.depth", 12)
    metrics.gauge("onlyfans.queue.depth", 3.5)
    metrics.gauge("onlyfans.dlq.count", 0)
    families = parsed(metrics)
    assert families["onlyfans_queue_depth"].type == "gauge"
    assert samples(families["onlyfans_queue_depth"]) == {("onlyfans_queue_depth", ()): 3.5}
    assert samples(families["onlyfans_dlq_count"]) == {("onlyfans_dlq_count", ()): 0.0}


def test_timings_are_histograms_in_seconds() -> None:
    metrics = PrometheusMetrics(buckets_s=(0.01, 0.1, 1.0))
    for ms in (5, 10, 50, 2000):
        metrics.timing("onlyfans.processing.time", ms)
    family = parsed(metrics)["onlyfans_processing_time_seconds"]
    assert family.type == "histogram"
    got = samples(family)
    name = "onlyfans_processing_time_seconds"
    assert [got[(f"{name}_bucket", (("le", le),))] for le in ("0.01", "0.1", "1.0", "+Inf")] == [
        2.0,
        3.0,
        3.0,
        4.0,
    ]
    assert got[(f"{name}_count", ())] == 4.0
    assert abs(got[(f"{name}_sum", ())] - 2.065) < 1e-9


def test_awkward_label_values_survive_the_round_trip() -> None:
    metrics = PrometheusMetrics()
    tricky = 'a "quoted" \\ back\nslash'
    metrics.increment("onlyfans.message.failed", reason=tricky, **{"odd-key": "x", "le": "y"})
    [(_, labels)] = samples(parsed(metrics)["onlyfans_message_failed"])
    assert dict(labels) == {"reason": tricky, "odd_key": "x", "le_": "y"}


def test_names_become_what_prometheus_allows() -> None:
    assert metric_name("onlyfans.bulk.recipients") == "onlyfans_bulk_recipients"
    assert metric_name("9lives-per.cat") == "_9lives_per_cat"
