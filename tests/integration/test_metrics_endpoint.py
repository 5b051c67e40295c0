"""GET /metrics through the real app: Prometheus text for a scraper, without a token."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from core.messaging.gauges import MIN_REFRESH
from tests.integration.conftest import open_api

SEND = "/api/onlyfans/messaging/send"
QUEUE_GAUGES = (
    "onlyfans_queue_depth",
    "onlyfans_queue_in_flight",
    "onlyfans_queue_delayed",
    "onlyfans_dlq_count",
)


def gauges(response: Any) -> dict[str, float]:
    assert response.status_code == 200, response.text
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    return {name: families[name].samples[0].value for name in QUEUE_GAUGES}


async def test_metrics_are_scraped_without_a_token_after_real_traffic() -> None:
    async for api in open_api(METRICS_BACKEND="prometheus", API_RATE_PER_MINUTE="1000"):
        fan = await api.fan("creator-a")
        sent = await api.client.post(
            SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth("creator-a")
        )
        assert sent.status_code == 202, sent.text
        waiting = gauges(await api.client.get("/metrics"))
        assert waiting["onlyfans_queue_depth"] + waiting["onlyfans_queue_delayed"] == 1
        await api.drain()
        # Scrapes within MIN_REFRESH share one reading of the queue (each costs SQS two calls).
        assert gauges(await api.client.get("/metrics")) == waiting
        api.clock.advance(MIN_REFRESH.total_seconds())

        response = await api.client.get("/metrics")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
        families = {f.name: f for f in text_string_to_metric_families(response.text)}
        totals = {
            name: sum(s.value for s in families[name].samples)
            for name in ("onlyfans_message_queued", "onlyfans_message_processed")
        }
        assert totals == {"onlyfans_message_queued": 1, "onlyfans_message_processed": 1}
        assert families["onlyfans_processing_time_seconds"].type == "histogram"
        # The queue gauges are read at scrape time: the message has left the queue.
        assert set(gauges(response).values()) == {0}


async def test_other_backends_answer_404_saying_how_to_expose_metrics() -> None:
    async for api in open_api():
        response = await api.client.get("/metrics")
        assert response.status_code == 404
        body = response.json()
        assert "METRICS_BACKEND=prometheus" in body["error"]
        assert body["detail"] == {"metricsBackend": "InMemoryMetrics"}
