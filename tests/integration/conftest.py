from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.clock import ManualClock
from adapters.passwords import Argon2PasswordHasher
from adapters.storage.migrator import SchemaMigrator
from core.messaging.worker import QueueWorker
from entrypoints.container import Container, build_container, resolve
from entrypoints.http.app import create_app
from entrypoints.http.auth import issue_token
from tests.support.postgres import fresh_database
from tests.support.world import TEST_SECRET, settings_for_tests

# The databases an API test can run on: `open_api_on` takes one of them.
DATABASES = ["sqlite", "postgres"]


@dataclass
class Api:
    client: AsyncTestClient[Any]
    container: Container
    clock: ManualClock

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(TEST_SECRET, user)}"}

    async def fan(self, user: str, handle: str = "fan1") -> int:
        response = await self.client.post(
            "/api/crm/fans",
            json={"platform": "onlyfans", "handle": handle},
            headers=self.auth(user),
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def drain(self) -> None:
        queue = await resolve(self.container.queue)
        worker = QueueWorker(queue, await resolve(self.container.consume), wait_s=0)
        for _ in range(1000):
            if not await worker.run_once():
                stats = await queue.stats()
                if not (stats.delayed or stats.in_flight):
                    return
                self.clock.advance(1)
        raise AssertionError("queue did not drain")


async def open_api(**env: str) -> AsyncIterator[Api]:
    container = build_container(settings_for_tests(**env))
    clock = ManualClock()
    container.clock.override(providers.Object(clock))
    # argon2id at its real cost takes ~0.2 s a hash here: tests sign in often.
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.cheap()))
    async with AsyncTestClient(create_app(container)) as client:
        yield Api(client, container, clock)


async def open_api_on(database: str, **env: str) -> AsyncIterator[Api]:
    """open_api on in-memory SQLite, or on a fresh PostgreSQL database migrated to head, which
    refuses more than SQLite (NUL characters, over-long strings, integers past a BIGINT)."""
    if database == "sqlite":
        async for api in open_api(**env):
            yield api
        return
    async with fresh_database("fancrm_api") as url:
        await SchemaMigrator(url).upgrade()
        async for api in open_api(**env, DATABASE_URL=url):
            yield api


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for built in open_api(API_RATE_PER_MINUTE="1000"):
        yield built
