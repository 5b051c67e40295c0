"""A burst of 100,000 fans subscribing, as signed `fan.subscribed` events over HTTP to a real
`fancrm serve` on PostgreSQL with a welcome automation enabled: runs started per second, and
the time until every first step is in the outbox (written `pending` by the worker's tick, which
`fancrm serve` runs in-process with its in-memory queue). The peer, in the same run: the same
burst on a database of its own with no automation, events applied per second.

The first step has no delay and no jitter, so what is measured is the machinery, not the wait.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import aiohttp
import asyncpg
import msgspec

from adapters.delivery.signature import sign
from adapters.storage.migrator import SchemaMigrator
from entrypoints.http.auth import issue_token
from tests.bench.wrk import machine
from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database

FANS = int(os.environ.get("AUTOMATION_BENCH_FANS", "100000"))
PEER_FANS = min(FANS, 20_000)  # a rate: a shorter burst says as much
CONNECTIONS = 32
CREATOR = "creator-burst"
SECRET = "automation-bench-secret-0123456789abcdef"
BRIDGE = "automation-bench-bridge-0123456789abcdef"
WELCOME = {
    "name": "Welcome",
    "trigger": {"type": "fan.subscribed"},
    "steps": [
        {"variants": ["Welcome! So glad you're here", "Hey, welcome!"]},
        {"delaySeconds": 86_400, "jitterSeconds": 3600, "variants": ["How's your first day?"]},
    ],
}


@dataclass(frozen=True)
class Burst:
    events_s: float  # from the first request to the last answer
    first_steps_s: float | None  # from the first request until every first step is pending
    runs: int
    pending: int


@contextmanager
def server(url: str) -> Iterator[str]:
    env = {
        **os.environ, "DATABASE_URL": url, "JWT_SECRET": SECRET, "DELIVERY_WEBHOOK_SECRET": BRIDGE,
        "API_RATE_PER_MINUTE": "10000000", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    port = free_port()
    process = subprocess.Popen([FANCRM, "serve", "--port", str(port)], env=env)
    try:
        wait_until_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def signed_events(fans: int) -> list[tuple[bytes, str]]:
    """Every event of the burst with its signature, made before the clock starts."""
    bodies = []
    for n in range(fans):
        raw = msgspec.json.encode({
            "id": f"burst-{n}", "type": "fan.subscribed", "userId": CREATOR,
            "occurredAt": "2026-12-06T12:00:00Z",
            "data": {"fanHandle": f"fan{n}", "platform": "onlyfans"},
        })  # fmt: skip
        bodies.append((raw, sign(BRIDGE, raw)))
    return bodies


async def send_all(base_url: str, events: list[tuple[bytes, str]]) -> None:
    pending = iter(events)

    async def connection(session: aiohttp.ClientSession) -> None:
        for raw, signature in pending:
            headers = {"X-Fancrm-Signature": signature, "Content-Type": "application/json"}
            async with session.post("/api/onlyfans/events", data=raw, headers=headers) as answer:
                assert answer.status == 200, await answer.text()

    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(base_url, connector=connector) as session:
        await asyncio.gather(*(connection(session) for _ in range(CONNECTIONS)))


async def count(db: asyncpg.Connection, query: str) -> int:
    return int(await db.fetchval(query))


PENDING = "SELECT count(*) FROM messages WHERE author_kind = 'automation'"
RUNS = "SELECT count(*) FROM automation_runs"


async def burst(fans: int, with_automation: bool) -> Burst:
    async with fresh_database("fancrm_automation_bench") as url:
        await SchemaMigrator(url).upgrade()
        db = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            with server(url) as base_url:
                if with_automation:
                    await create_welcome(base_url)
                events = signed_events(fans)
                began = time.perf_counter()
                await send_all(base_url, events)
                events_s = time.perf_counter() - began
                first_steps_s = None
                if with_automation:
                    await until_written(db, fans)
                    first_steps_s = time.perf_counter() - began
                runs, pending = await count(db, RUNS), await count(db, PENDING)
                return Burst(events_s, first_steps_s, runs, pending)
        finally:
            await db.close()


async def until_written(db: asyncpg.Connection, fans: int) -> None:
    """Polls the outbox (another process writes it: there is nothing here to wait on)."""
    for _ in range(7200):
        if await count(db, PENDING) >= fans:
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the first steps were not all written within an hour")


async def create_welcome(base_url: str) -> None:
    headers = {"Authorization": f"Bearer {issue_token(SECRET, CREATOR)}"}
    async with (
        aiohttp.ClientSession(base_url, headers=headers) as session,
        session.post("/api/crm/automations", json=WELCOME) as answer,
    ):
        assert answer.status == 201, await answer.text()


async def test_a_burst_of_100k_subscribers_starts_their_runs_and_first_steps() -> None:
    peer = await burst(PEER_FANS, with_automation=False)
    measured = await burst(FANS, with_automation=True)

    assert (peer.runs, measured.runs, measured.pending) == (0, FANS, FANS)
    assert measured.first_steps_s is not None
    runs_per_s = FANS / measured.events_s
    peer_per_s = PEER_FANS / peer.events_s
    after = measured.first_steps_s - measured.events_s
    print(f"\nautomations: {FANS:,} fans subscribing in one burst, PostgreSQL ({machine()})")
    print(f"signed events over HTTP from {CONNECTIONS} connections to one `fancrm serve`")
    print("(its in-process worker ticks every 10 s); a welcome automation enabled")
    print(f"{f'events applied, no automation (peer, {PEER_FANS:,})':46}{peer_per_s:>8.0f} /s")
    print(f"{'runs started (events with the automation)':46}{runs_per_s:>8.0f} /s"
          f"  = {runs_per_s / peer_per_s:.0%} of the peer")  # fmt: skip
    print(f"{'last event answered':46}{measured.events_s:>8.1f} s")
    print(f"{'every first step in the outbox':46}{measured.first_steps_s:>8.1f} s"
          f"  ({after:.1f} s after the last event)")  # fmt: skip
