"""A `fancrm serve` stopped and started again on the same PostgreSQL database loses nothing."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.storage.migrator import SchemaMigrator
from entrypoints.http.auth import issue_token
from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database

SECRET = "restart-secret-0123456789-0123456789"
CREATOR = "creator-restart"


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    async with fresh_database("fancrm_restart") as url:
        await SchemaMigrator(url).upgrade()
        yield url


async def serve(url: str) -> tuple[asyncio.subprocess.Process, httpx.AsyncClient]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        FANCRM, "serve", "--port", str(port),
        env={
            **os.environ, "DATABASE_URL": url, "JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING",
            "API_RATE_PER_MINUTE": "100000",  # the test polls
        },
    )  # fmt: skip
    await asyncio.to_thread(wait_until_listening, port)
    client = httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {issue_token(SECRET, CREATOR)}"},
    )
    return process, client


async def stop(process: asyncio.subprocess.Process, client: httpx.AsyncClient) -> None:
    await client.aclose()
    process.terminate()
    # uvicorn shuts down gracefully, then re-raises SIGTERM: the exit status is -15, not 0.
    await asyncio.wait_for(process.wait(), 15)


async def write_fans_and_messages(client: httpx.AsyncClient) -> list[str]:
    message_ids = []
    for handle in ("luna", "milo", "nova"):
        fan = await client.post("/api/crm/fans", json={"platform": "onlyfans", "handle": handle})
        assert fan.status_code == 201, fan.text
        for text in (f"hi {handle}", f"a photo for {handle}"):
            sent = await client.post(
                "/api/onlyfans/messaging/send",
                json={"recipientId": fan.json()["id"], "content": text},
            )
            assert sent.status_code == 202, sent.text
            message_ids.append(sent.json()["messageId"])
    return message_ids


async def wait_until_sent(client: httpx.AsyncClient, message_ids: list[str]) -> None:
    """The in-process worker delivers them; a restart must find them `sent`, not in flight."""
    for _ in range(300):
        responses = [await client.get(f"/api/onlyfans/messaging/{m}") for m in message_ids]
        assert all(r.status_code == 200 for r in responses), responses
        statuses = [r.json()["status"] for r in responses]
        if set(statuses) == {"sent"}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not all sent: {statuses}")


async def everything(client: httpx.AsyncClient, message_ids: list[str]) -> dict[str, Any]:
    async def get(path: str) -> Any:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    conversations = await get("/api/crm/conversations?limit=200")
    return {
        "fans": await get("/api/crm/fans?limit=200"),
        "conversations": conversations,
        "threads": [
            await get(f"/api/crm/conversations/{c['id']}/messages?limit=200")
            for c in conversations["items"]
        ],
        "messages": [await get(f"/api/onlyfans/messaging/{m}") for m in message_ids],
    }


async def test_every_fan_conversation_and_message_survives_a_restart(database_url: str):
    process, client = await serve(database_url)
    try:
        message_ids = await write_fans_and_messages(client)
        await wait_until_sent(client, message_ids)
        before = await everything(client, message_ids)
    finally:
        await stop(process, client)

    process, client = await serve(database_url)
    try:
        after = await everything(client, message_ids)
    finally:
        await stop(process, client)

    assert before["fans"]["total"] == 3
    assert before["conversations"]["total"] == 3
    assert sum(thread["total"] for thread in before["threads"]) == 6
    assert after == before
