"""A campaign's fan-out killed halfway and carried on: a real `fancrm serve` on a fresh, migrated
PostgreSQL answers the bulk send and starts the fan-out in chunks of 200 fans; it is SIGKILLed
once some but not all messages exist; then a real `fancrm worker` carries the fan-out on from
the cursor, and every targeted fan has exactly one message.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa

from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.migrator import SchemaMigrator
from adapters.storage.tables import campaigns, fans, messages
from entrypoints.http.auth import issue_token
from tests.e2e.test_sqs_worker_pipeline import wait_until
from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database

JWT = "fanout-crash-secret-0123456789-0123456789"
CREATOR = "creator-fanout"
FANS, CHUNK = 20_000, 200


@pytest.fixture
async def database() -> AsyncIterator[tuple[str, SqlAlchemyStorage]]:
    async with fresh_database("fancrm_fanout") as url:
        await SchemaMigrator(url).upgrade()
        storage = SqlAlchemyStorage(url)
        now = datetime.now(UTC)
        rows = [
            {"user_id": CREATOR, "platform": "onlyfans", "handle": f"f{i}", "created_at": now}
            for i in range(FANS)
        ]
        async with storage.connection(transaction=True) as connection:
            await connection.execute(fans.insert(), rows)
        try:
            yield url, storage
        finally:
            await storage.close()


async def scalar(storage: SqlAlchemyStorage, query: sa.Select) -> object:
    async with storage.connection() as connection:
        return await connection.scalar(query)


def written(campaign_id: int) -> sa.Select:
    return sa.select(sa.func.count()).where(messages.c.campaign_id == campaign_id)


def env_for(url: str, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "JWT_SECRET": JWT,
        "FANOUT_CHUNK_SIZE": str(CHUNK),
        "API_RATE_PER_MINUTE": "100000",
        "LOG_LEVEL": "WARNING",
        **more,
    }


async def test_a_fan_out_killed_halfway_is_carried_on_by_the_worker_exactly(
    database: tuple[str, SqlAlchemyStorage],
) -> None:
    url, storage = database
    port = free_port()
    serve = await asyncio.create_subprocess_exec(
        FANCRM, "serve", env=env_for(url, PORT=str(port)), stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await asyncio.to_thread(wait_until_listening, port)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {issue_token(JWT, CREATOR)}"},
            timeout=30,
        ) as api:
            answer = await api.post(
                "/api/messages/bulk", json={"campaignName": "all", "content": "hi", "segment": {}}
            )
        assert answer.status_code == 202, answer.text
        assert answer.json()["queued"] == FANS
        campaign_id = answer.json()["campaignId"]

        async def some_written() -> bool:
            return await scalar(storage, written(campaign_id)) >= CHUNK  # type: ignore[operator]

        await wait_until(some_written, timeout_s=30)
        serve.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(serve.wait(), 10) == -signal.SIGKILL
    finally:
        if serve.returncode is None:
            serve.kill()
            await serve.wait()

    halfway = await scalar(storage, written(campaign_id))
    assert 0 < halfway < FANS  # type: ignore[operator]  # it died in the middle of the fan-out
    done_at = sa.select(campaigns.c.fanned_out_at).where(campaigns.c.id == campaign_id)
    assert await scalar(storage, done_at) is None

    worker = await asyncio.create_subprocess_exec(
        FANCRM, "worker", env=env_for(url), stderr=asyncio.subprocess.DEVNULL
    )
    try:

        async def fanned_out() -> bool:
            return await scalar(storage, done_at) is not None

        await wait_until(fanned_out, timeout_s=60)  # its first sweep carries the fan-out on
    finally:
        worker.send_signal(signal.SIGTERM)
        await asyncio.wait_for(worker.wait(), 30)

    per_fan = sa.select(sa.func.count(), sa.func.count(sa.distinct(messages.c.fan_id))).where(
        messages.c.campaign_id == campaign_id
    )
    async with storage.connection() as connection:
        total, distinct = (await connection.execute(per_fan)).one()
        missing = await connection.scalar(
            sa.select(sa.func.count())
            .select_from(fans)
            .where(
                fans.c.user_id == CREATOR,
                ~sa.exists().where(
                    messages.c.fan_id == fans.c.id, messages.c.campaign_id == campaign_id
                ),
            )
        )
    assert (total, distinct, missing) == (FANS, FANS, 0)  # every fan exactly once
