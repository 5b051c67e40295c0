"""The container's adapters, each imported only when its provider is first called.

A process pays for the libraries of the backends it selected and no others: the consumer Lambda
never imports the in-memory queue or Prometheus, an API on memory never imports aioboto3, and
importing the Lambda's handler imports no adapter at all (its cold start builds what it needs).
The container opens every resource, selected or not: a resource that is not selected returns
None before importing anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any


def system_clock() -> Any:
    from adapters.clock import SystemClock

    return SystemClock()


def memory_metrics() -> Any:
    from adapters.metrics.memory import InMemoryMetrics

    return InMemoryMetrics()


def cloudwatch_metrics(namespace: str, clock: Any) -> Any:
    from adapters.metrics.cloudwatch import CloudWatchEmfMetrics

    return CloudWatchEmfMetrics(namespace=namespace, clock=clock)


def prometheus_metrics() -> Any:
    from adapters.metrics.prometheus import PrometheusMetrics

    return PrometheusMetrics()


async def metrics_flusher(metrics: Any) -> AsyncIterator[None]:
    flush = getattr(metrics, "flush", None)
    if flush is None:  # only a buffering adapter (CloudWatch EMF) has anything to flush
        yield None
        return
    from adapters.metrics.cloudwatch import flush_periodically

    async for flushing in flush_periodically(metrics=metrics):
        yield flushing


def memory_queue(clock: Any) -> Any:
    from adapters.queue.memory import InMemoryMessageQueue

    return InMemoryMessageQueue(clock=clock)


async def sqs_queue(
    queue_url: str | None, dlq_url: str | None, region: str, endpoint_url: str | None
) -> AsyncIterator[Any]:
    if queue_url is None:
        yield None
        return
    from adapters.queue.sqs import open_sqs_queue

    async for queue in open_sqs_queue(
        queue_url=queue_url, dlq_url=dlq_url, region=region, endpoint_url=endpoint_url
    ):
        yield queue


def memory_rate_limiter(clock: Any) -> Any:
    from adapters.ratelimit.memory import InMemoryRateLimiter

    return InMemoryRateLimiter(clock)


async def redis_rate_limiter(url: str | None) -> AsyncIterator[Any]:
    if url is None:
        yield None
        return
    from adapters.ratelimit.redis import open_redis

    async for limiter in open_redis(url):
        yield limiter


def password_hasher() -> Any:
    from adapters.passwords import Argon2PasswordHasher

    return Argon2PasswordHasher()


def simulated_delivery(clock: Any) -> Any:
    from adapters.delivery.simulated import SimulatedDeliveryGateway

    return SimulatedDeliveryGateway(clock)


async def webhook_gateway(
    backend: str,
    url: str | None,
    secret: str | None,
    timeout_s: float,
    clock: Any,
    connections: int,
) -> AsyncIterator[Any]:
    if backend != "webhook":
        yield None
        return
    from adapters.delivery.webhook import open_webhook_gateway

    async for gateway in open_webhook_gateway(
        backend, url, secret, timeout_s, clock, connections=connections
    ):
        yield gateway


def bridge_signature(secret: str | None) -> Any:
    from adapters.delivery.signature import BridgeSignature

    return BridgeSignature(secret)


async def storage(url: str) -> AsyncIterator[Any]:
    """In memory, the tables are created here; a database that persists must already be at the
    code's schema (`fancrm db upgrade`), or this raises `SchemaNotAtHead` and nothing starts."""
    from adapters.storage.database import SqlAlchemyStorage, is_in_memory

    if not is_in_memory(url):
        from adapters.storage.migrator import SchemaMigrator

        await SchemaMigrator(url).require_head()
    opened = SqlAlchemyStorage(url)
    if is_in_memory(url):
        await opened.create_schema()
    yield opened
    await opened.close()
