"""`fancrm serve --workers 2` on Redis: two API processes, one limit per user between them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from entrypoints.http.auth import issue_token
from tests.conftest import TEST_REDIS_URL
from tests.support.dev_server import FANCRM, free_port
from tests.support.postgres import fresh_database
from tests.support.redis import open_test_limiter

SECRET = "shared-limit-secret-0123456789-abcdef"
RATE = 30
PREFIX_LENGTH = 12  # the per-process prefix of a request id (entrypoints/http/middleware.py)


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    _, client = await open_test_limiter()  # skips (or fails in CI) before anything starts
    await client.aclose()
    async with fresh_database("fancrm_workers") as url:
        yield url


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The base URL of `fancrm serve --workers 2` on PostgreSQL and the shared Redis."""
    port = free_port()
    env = {
        **os.environ,
        "JWT_SECRET": SECRET,
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "API_RATE_PER_MINUTE": str(RATE),
        "LOG_LEVEL": "WARNING",
    }
    upgrade = subprocess.run([FANCRM, "db", "upgrade"], env=env, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [FANCRM, "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, f"fancrm serve --workers 2 exited:\n{log.read_text()}"
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server never answered /health")


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, user)}"}


async def connections_to_both_processes(base_url: str, n: int) -> list[httpx.AsyncClient]:
    """`n` kept-alive connections, each a client of its own, some to each of the two processes.

    A connection stays with the process that accepted it, so requests sent over these reach
    both processes for certain. `/health` names the process without touching any limit.
    """
    for _ in range(20):
        clients = [
            httpx.AsyncClient(base_url=base_url, limits=httpx.Limits(max_connections=1), timeout=30)
            for _ in range(n)
        ]
        answers = await asyncio.gather(*(client.get("/health") for client in clients))
        if len(processes(answers)) == 2:
            return clients
        await asyncio.gather(*(client.aclose() for client in clients))
    raise AssertionError("one process accepted every connection, twenty times over")


def processes(responses: list[httpx.Response]) -> set[str]:
    return {r.headers["x-request-id"][:PREFIX_LENGTH] for r in responses}


async def test_60_concurrent_requests_from_one_user_pass_30_times_across_two_processes(
    two_workers: str,
) -> None:
    clients = await connections_to_both_processes(two_workers, 2 * RATE)
    headers = auth(f"creator-{uuid4()}")
    try:
        responses = await asyncio.gather(
            *(client.get("/api/crm/fans", headers=headers) for client in clients)
        )
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))

    assert len(processes(responses)) == 2  # the one user's requests reached both processes
    assert sorted(r.status_code for r in responses) == [200] * RATE + [429] * RATE
    for limited in (r for r in responses if r.status_code == 429):
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.headers["ratelimit-remaining"] == "0"
        assert limited.json()["error"] == "API rate limit exceeded"
