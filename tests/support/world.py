"""A whole fancrm wired by the real container, on in-memory adapters and a hand-moved clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from dependency_injector import providers

from adapters.clock import ManualClock
from adapters.delivery.simulated import SimulatedDeliveryGateway
from adapters.metrics.memory import InMemoryMetrics
from adapters.passwords import Argon2PasswordHasher
from adapters.queue.memory import InMemoryMessageQueue
from core.fans.records import Fan, NewFan, Platform
from core.messaging.worker import QueueWorker
from entrypoints import container as composition
from entrypoints.config import Settings
from entrypoints.container import Container, build_container, resolve

TEST_SECRET = "test-secret-0123456789-0123456789-abcdef"


def settings_for_tests(**env: str) -> Settings:
    return Settings.from_env({"JWT_SECRET": TEST_SECRET, **env})


@dataclass
class World:
    container: Container
    clock: ManualClock
    queue: InMemoryMessageQueue
    gateway: SimulatedDeliveryGateway
    metrics: InMemoryMetrics
    worker: QueueWorker

    async def use(self, name: str) -> Any:
        return await resolve(self.container.providers[name])

    async def fan(
        self, user_id: str, handle: str = "fan1", platform: Platform = Platform.ONLYFANS
    ) -> Fan:
        create = await self.use("create_fan")
        return await create.execute(user_id, NewFan(platform, handle))

    async def drain(self, step_s: float = 1.0, max_steps: int = 10_000) -> None:
        """Run the worker, moving the clock on while anything waits, until the queue is empty."""
        for _ in range(max_steps):
            if await self.worker.run_once():
                continue
            stats = await self.queue.stats()
            if not (stats.delayed or stats.in_flight):
                return
            self.clock.advance(step_s)
        raise AssertionError("the queue did not drain")


@asynccontextmanager
async def world(**env: str) -> AsyncIterator[World]:
    container = build_container(settings_for_tests(**env))
    clock = ManualClock()
    container.clock.override(providers.Object(clock))
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.cheap()))
    await composition.start(container)
    try:
        queue = await resolve(container.queue)
        consume = await resolve(container.consume)
        yield World(
            container=container,
            clock=clock,
            queue=queue,
            gateway=await resolve(container.delivery),
            metrics=await resolve(container.metrics),
            worker=QueueWorker(queue, consume, wait_s=0),
        )
    finally:
        await composition.stop(container)
