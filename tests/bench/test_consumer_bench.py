"""Envelopes/s through the Lambda handler, per backend, against peers measured in the same run.

Each batch is an SQS event of ten records, as Lambda delivers it; the consumer loads the row,
asks the bucket, claims, delivers (simulated) and records `sent`. The send policy is far above
the load, so nothing is deferred: what is measured is the per-envelope cost of each backend.
Peers: the same handler with everything in memory, and the consumer use case called directly
(no event decoding, no loop hand-off) on the same backends, batches interleaved.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from adapters.storage.migrator import SchemaMigrator
from core.fans.records import NewFan, Platform
from core.messaging.consume import ConsumeEnvelopes
from core.messaging.records import Envelope
from core.messaging.writer import NewMessage
from entrypoints.container import build_container, resolve
from entrypoints.lambda_consumer.handler import SqsBatchConsumer
from entrypoints.runtime import tune_garbage_collector
from tests.bench.wrk import machine
from tests.conftest import TEST_REDIS_URL
from tests.support.authors import SERVICE
from tests.support.postgres import fresh_database
from tests.support.redis import open_test_limiter
from tests.support.sqs_events import failed_ids, sqs_event
from tests.support.world import settings_for_tests

WARMUP, MEASURED, BATCH = 200, 2000, 10
# A batch's deliveries at once, as the deployed function (infra/template.yaml) runs them.
UNTHROTTLED = {
    "SEND_RATE_PER_MINUTE": "60000000", "SEND_BURST": "1000000", "WORKER_CONCURRENCY": "10"
}  # fmt: skip


@dataclass
class Figure:
    name: str
    batch_ms: list[float]

    @property
    def envelopes_per_s(self) -> float:
        return BATCH * len(self.batch_ms) / (sum(self.batch_ms) / 1000)

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.batch_ms, n=100)[q - 1]


@contextmanager
def consumer_on(env: dict[str, str]) -> Iterator[SqsBatchConsumer]:
    consumer = SqsBatchConsumer.started(build_container(settings_for_tests(**UNTHROTTLED, **env)))
    try:
        yield consumer
    finally:
        consumer.close()


def queued_envelopes(consumer: SqsBatchConsumer, count: int) -> list[Envelope]:
    """`count` messages written and relayed by the API's own use case, for a creator of the run."""
    user = f"bench-{uuid4().hex[:8]}"

    async def write() -> list[Envelope]:
        container = consumer.container
        create_fan = await resolve(container.create_fan)
        fan = await create_fan.execute(user, NewFan(Platform.ONLYFANS, "fan"))
        send_batch = await resolve(container.send_batch)
        envelopes = []
        for start in range(0, count, 100):
            items = [NewMessage(fan.id, f"m{i}") for i in range(start, min(start + 100, count))]
            for result in await send_batch.execute(user, items, author=SERVICE):
                assert result.message_id is not None, result
                envelopes.append(Envelope(result.message_id, user, fan.id))
        return envelopes

    return consumer.loop.run_until_complete(write())


@dataclass
class Backend:
    """One set of backends: its handler fed prepared SQS events, its use case fed batches."""

    name: str
    consumer: SqsBatchConsumer
    consume: ConsumeEnvelopes
    events: Iterator[dict[str, Any]]
    batches: Iterator[list[Envelope]]

    @classmethod
    def open(cls, name: str, consumer: SqsBatchConsumer) -> Backend:
        envelopes = queued_envelopes(consumer, 2 * (WARMUP + MEASURED))
        half = len(envelopes) // 2
        events = [sqs_event(envelopes[i : i + BATCH]) for i in range(0, half, BATCH)]
        batches = [envelopes[i : i + BATCH] for i in range(half, len(envelopes), BATCH)]
        consume = consumer.loop.run_until_complete(resolve(consumer.container.consume))
        return cls(name, consumer, consume, iter(events), iter(batches))

    def through_handler(self) -> float:
        event = next(self.events)
        began = time.perf_counter()
        answer = self.consumer.handle(event)
        elapsed_ms = (time.perf_counter() - began) * 1000
        assert failed_ids(answer) == []
        return elapsed_ms

    def use_case_alone(self) -> float:
        batch = next(self.batches)
        began = time.perf_counter()
        outcomes = self.consumer.loop.run_until_complete(self.consume.execute(batch))
        elapsed_ms = (time.perf_counter() - began) * 1000
        assert all(outcomes)
        return elapsed_ms


def run_rounds(backends: list[Backend]) -> list[Figure]:
    """Batch by batch, every backend both ways in turn, so drift in the machine's speed (other
    processes share it) falls on all of them alike."""
    for _ in range(WARMUP // BATCH):
        for backend in backends:
            backend.through_handler()
            backend.use_case_alone()
    times: dict[str, list[float]] = {}
    for _ in range(MEASURED // BATCH):
        for backend in backends:
            times.setdefault(f"handler, {backend.name}", []).append(backend.through_handler())
            times.setdefault(f"  use case alone, {backend.name}", []).append(
                backend.use_case_alone()
            )
    return [Figure(name, batch_ms) for name, batch_ms in times.items()]


@pytest.fixture
async def redis_url() -> str:
    _, client = await open_test_limiter()  # skips, or fails in CI, when Redis is unreachable
    await client.aclose()
    return TEST_REDIS_URL


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_database("fancrm_bench") as url:
        await SchemaMigrator(url).upgrade()
        yield url


def test_envelopes_per_second_through_the_lambda_handler(redis_url: str, postgres_url: str) -> None:
    tune_garbage_collector()  # as the handler's cold start does
    setups = {
        "all in memory": {},
        "Redis, SQLite in memory": {"REDIS_URL": redis_url},
        "Redis, PostgreSQL": {"REDIS_URL": redis_url, "DATABASE_URL": postgres_url},
    }
    with ExitStack() as stack:
        backends = [
            Backend.open(name, stack.enter_context(consumer_on(env)))
            for name, env in setups.items()
        ]
        figures = run_rounds(backends)

    peer = figures[0].envelopes_per_s
    print(f"\nconsumer through the Lambda handler ({machine()})")
    print(f"{MEASURED} envelopes a row in batches of {BATCH} (SQS events for the handler),")
    print("rows interleaved batch by batch; simulated delivery; the bucket never denies")
    print(f"{'':40}{'env/s':>8}{'ms/10 p50':>11}{'p99':>8}{'vs memory':>11}")
    for f in figures:
        print(
            f"{f.name:40}{f.envelopes_per_s:>8.0f}{statistics.median(f.batch_ms):>11.2f}"
            f"{f.percentile(99):>8.2f}{f.envelopes_per_s / peer:>11.0%}"
        )
