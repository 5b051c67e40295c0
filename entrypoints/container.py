"""The composition root: one container wires adapters to ports and ports to use cases.

Backends are chosen by configuration through a Selector per port. Use cases are stateless, so the
HTTP app and the worker resolve each of them once at start-up rather than per request.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import TypeVar

from dependency_injector import containers, providers

from adapters.clock import SystemClock
from adapters.delivery.simulated import SimulatedDeliveryGateway
from adapters.metrics.memory import InMemoryMetrics
from adapters.queue.memory import InMemoryMessageQueue
from adapters.ratelimit.memory import InMemoryRateLimiter
from adapters.storage.database import SqlAlchemyStorage
from core.fans import CreateFan, GetFan, ListFans
from core.messaging.config import MessagingConfig
from core.messaging.consume import ConsumeEnvelopes
from core.messaging.queries import GetMessage, GetQueueStatus, ListFailedMessages
from core.messaging.relay import OutboxRelay
from core.messaging.retry import RetryFailedMessage
from core.messaging.send import SendBatch, SendMessage
from core.messaging.worker import QueueWorker
from core.messaging.writer import OutboundWriter
from core.monitoring import CheckHealth
from core.ratelimit import Policy
from entrypoints.config import Settings

T = TypeVar("T")


async def open_storage(url: str) -> AsyncIterator[SqlAlchemyStorage]:
    storage = SqlAlchemyStorage(url)
    # Until migrations land (issue 3), every start makes sure the tables exist.
    await storage.create_schema()
    yield storage
    await storage.close()


class Container(containers.DeclarativeContainer):
    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    metrics = providers.Selector(
        config.metrics_backend, memory=providers.Singleton(InMemoryMetrics)
    )
    queue = providers.Selector(
        config.queue_backend, memory=providers.Singleton(InMemoryMessageQueue, clock=clock)
    )
    rate_limiter = providers.Selector(
        config.limiter_backend, memory=providers.Singleton(InMemoryRateLimiter, clock=clock)
    )
    delivery = providers.Selector(
        config.delivery_backend,
        simulated=providers.Singleton(SimulatedDeliveryGateway, clock=clock),
    )
    storage = providers.Resource(open_storage, url=config.database_url)

    messaging_config = providers.Singleton(
        MessagingConfig,
        send_policy=providers.Singleton(
            Policy.per_minute, config.send_rate_per_minute, config.send_burst
        ),
        enabled=config.rate_limiter_enabled,
    )
    api_policy = providers.Singleton(Policy.per_minute, config.api_rate_per_minute)

    relay = providers.Factory(
        OutboxRelay,
        storage=storage,
        queue=queue,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
    )
    outbound_writer = providers.Singleton(
        OutboundWriter,
        storage=storage,
        relay=relay,
        limiter=rate_limiter,
        clock=clock,
        config=messaging_config,
    )
    send_message = providers.Factory(
        SendMessage, writer=outbound_writer, clock=clock, config=messaging_config
    )
    send_batch = providers.Factory(SendBatch, writer=outbound_writer, config=messaging_config)
    get_message = providers.Factory(GetMessage, storage=storage)
    list_failed = providers.Factory(ListFailedMessages, storage=storage)
    retry_failed = providers.Factory(
        RetryFailedMessage, storage=storage, relay=relay, clock=clock, config=messaging_config
    )
    queue_status = providers.Factory(
        GetQueueStatus,
        storage=storage,
        queue=queue,
        limiter=rate_limiter,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
    )
    check_health = providers.Factory(
        CheckHealth,
        storage=storage,
        queue=queue,
        limiter=rate_limiter,
        clock=clock,
        config=messaging_config,
    )
    create_fan = providers.Factory(CreateFan, storage=storage, clock=clock)
    list_fans = providers.Factory(ListFans, storage=storage)
    get_fan = providers.Factory(GetFan, storage=storage)

    consume = providers.Factory(
        ConsumeEnvelopes,
        storage=storage,
        queue=queue,
        limiter=rate_limiter,
        gateway=delivery,
        metrics=metrics,
        clock=clock,
        config=messaging_config,
    )
    worker = providers.Factory(QueueWorker, queue=queue, consume=consume)


def build_container(settings: Settings) -> Container:
    container = Container()
    container.config.from_dict(settings.as_config())
    return container


async def resolve(provider: providers.Provider[T]) -> T:
    """An instance from a provider, awaited when an async resource made the provider async."""
    made = provider()
    return await made if inspect.isawaitable(made) else made


async def start(container: Container) -> None:
    """Open pools and clients (the container's resources)."""
    opening = container.init_resources()
    if opening is not None:  # None when no resource is async
        await opening


async def stop(container: Container) -> None:
    closing = container.shutdown_resources()
    if closing is not None:
        await closing
