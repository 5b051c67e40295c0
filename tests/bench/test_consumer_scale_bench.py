"""The consumer at scale: one `fancrm worker` process (its QueueWorker, `--concurrency 64`) draining
an in-memory queue, on PostgreSQL and Redis, against peers measured in the same run.

- simulated, instant delivery: envelopes/s against the same worker on an in-memory database;
- a real bridge (another process, aiohttp on 127.0.0.1) answering after 200 ms: envelopes/s
  against the ideal, concurrency / 0.2 s, and the time 10,000 messages over 1,000 creators take
  to drain with a bucket that lets them all through;
- the Lambda package: its size, and importing its handler in a fresh process.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from adapters.storage.migrator import SchemaMigrator
from adapters.storage.tables import messages
from core.fans.records import NewFan, Platform
from core.messaging.writer import NewMessage
from entrypoints import container as composition
from entrypoints.container import Container, build_container, resolve
from entrypoints.runtime import tune_garbage_collector
from tests.bench.lambda_package import (
    SELECTED_ADAPTERS,
    import_seconds,
    install_locked,
    sizes_mb,
)
from tests.bench.wrk import machine
from tests.conftest import TEST_REDIS_URL, service_unreachable
from tests.support.authors import SERVICE
from tests.support.dev_server import free_port, wait_until_listening
from tests.support.infra import load_infra_script
from tests.support.postgres import fresh_database
from tests.support.redis import open_test_limiter
from tests.support.world import settings_for_tests

CONCURRENCY = 64
BRIDGE_DELAY_S = 0.2
UNTHROTTLED = {"SEND_RATE_PER_MINUTE": "60000000", "SEND_BURST": "1000000"}
ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def started(env: dict[str, str]) -> AsyncIterator[Container]:
    container = build_container(settings_for_tests(**UNTHROTTLED, **env))
    await composition.start(container)
    try:
        yield container
    finally:
        await composition.stop(container)


async def write(container: Container, creators: int, per_creator: int) -> int:
    """`per_creator` messages for each of `creators` creators, through the API's own use case."""
    create_fan = await resolve(container.create_fan)
    send_batch = await resolve(container.send_batch)
    for c in range(creators):
        user = f"creator-{c}"
        fan = await create_fan.execute(user, NewFan(Platform.ONLYFANS, "fan"))
        items = [NewMessage(fan.id, f"m{i}") for i in range(per_creator)]
        results = await send_batch.execute(user, items, author=SERVICE)
        assert all(r.message_id is not None for r in results)
    return creators * per_creator


async def drain_seconds(container: Container) -> float:
    """The worker's time to empty the queue (every envelope handled and acknowledged)."""
    queue = await resolve(container.queue)
    worker = await resolve(container.worker)
    stop = asyncio.Event()
    began = time.perf_counter()
    running = asyncio.create_task(worker.run(stop))
    while True:
        stats = await queue.stats()
        if not (stats.depth or stats.in_flight or stats.delayed):
            break
        await asyncio.sleep(0.05)  # often enough to time a drain of seconds, cheaply
    elapsed = time.perf_counter() - began
    stop.set()
    await running
    return elapsed


async def count_sent(container: Container) -> int:
    storage = await resolve(container.storage)
    async with storage.connection() as connection:
        return await connection.scalar(
            sa.select(sa.func.count()).where(messages.c.status == "sent")
        )


async def envelopes_per_s(env: dict[str, str], creators: int, per_creator: int) -> float:
    async with started(env) as container:
        total = await write(container, creators, per_creator)
        seconds = await drain_seconds(container)
        assert await count_sent(container) == total
        return total / seconds


@pytest.fixture
async def redis_url() -> str:
    _, client = await open_test_limiter()  # skips, or fails in CI, when Redis is unreachable
    await client.aclose()
    return TEST_REDIS_URL


@asynccontextmanager
async def postgres() -> AsyncIterator[str]:
    async with fresh_database("fancrm_scale") as url:
        await SchemaMigrator(url).upgrade()
        yield url


@contextmanager
def slow_bridge() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.slow_bridge", str(port), str(BRIDGE_DELAY_S)],
        cwd=ROOT,
    )
    try:
        wait_until_listening(port)
        yield f"http://127.0.0.1:{port}/deliver"
    finally:
        process.terminate()
        process.wait(10)


def webhook(url: str) -> dict[str, str]:
    return {
        "DELIVERY_BACKEND": "webhook",
        "DELIVERY_WEBHOOK_URL": url,
        "DELIVERY_WEBHOOK_SECRET": "bench-secret",
    }


async def test_the_worker_at_concurrency_64_on_postgresql_and_redis(redis_url: str) -> None:
    tune_garbage_collector()  # as `fancrm worker` does
    concurrency = {"WORKER_CONCURRENCY": str(CONCURRENCY)}
    print(f"\nthe consumer at scale, one worker process, --concurrency {CONCURRENCY} ({machine()})")

    peers = {
        "all in memory": {},
        "Redis, SQLite in memory": {"REDIS_URL": redis_url},
    }
    simulated = {
        name: await envelopes_per_s({**concurrency, **env}, 50, 100) for name, env in peers.items()
    }
    async with postgres() as database_url:
        on_pg = {"REDIS_URL": redis_url, "DATABASE_URL": database_url, **concurrency}
        simulated["Redis, PostgreSQL"] = await envelopes_per_s(on_pg, 50, 100)
    print("5,000 envelopes over 50 creators, simulated instant delivery")
    for name, rate in simulated.items():
        print(f"  {name:28}{rate:>8.0f} env/s{rate / simulated['all in memory']:>8.0%} of memory")

    ideal = CONCURRENCY / BRIDGE_DELAY_S
    with slow_bridge() as bridge_url:
        async with postgres() as database_url:
            env = {"REDIS_URL": redis_url, "DATABASE_URL": database_url, **concurrency}
            bridged = await envelopes_per_s({**env, **webhook(bridge_url)}, 100, 30)
        async with postgres() as database_url:
            env = {"REDIS_URL": redis_url, "DATABASE_URL": database_url, **concurrency}
            async with started({**env, **webhook(bridge_url)}) as container:
                total = await write(container, 1000, 10)
                drained = await drain_seconds(container)
                assert await count_sent(container) == total
    print(f"a bridge answering after {BRIDGE_DELAY_S * 1000:.0f} ms, PostgreSQL and Redis")
    print(
        f"  3,000 over 100 creators   {bridged:>8.0f} env/s{bridged / ideal:>8.0%} of {ideal:.0f}"
    )
    print(
        f"  10,000 over 1,000 creators drained in {drained:.1f} s "
        f"(ideal {10_000 / ideal:.1f} s: {10_000 / ideal / drained:.0%})"
    )


def test_the_lambda_package_size_and_handler_import() -> None:
    builder: ModuleType = load_infra_script("build_lambda_zip")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            built = builder.build(Path(scratch) / "lambda.zip")
            install_locked(builder.LOCK, Path(scratch) / "site")
        except subprocess.CalledProcessError as exc:
            service_unreachable("the package registry", exc)
        zipped, unzipped = sizes_mb(built)
        site = Path(scratch) / "site"
        handler = import_seconds(site, ROOT)
        cold = import_seconds(site, ROOT, also=SELECTED_ADAPTERS)
        handler_pyc = import_seconds(site, ROOT, bytecode=True)
        cold_pyc = import_seconds(site, ROOT, also=SELECTED_ADAPTERS, bytecode=True)
    print(f"\nthe consumer Lambda's package ({machine()})")
    print(f"  zip {zipped:.1f} MB, unzipped {unzipped:.1f} MB")
    print("  importing, fresh process, median of 5:       no bytecode   bytecode cached")
    print(
        f"    the handler                                 {handler:>8.2f} s {handler_pyc:>12.2f} s"
    )
    print(f"    and the adapters its cold start selects     {cold:>8.2f} s {cold_pyc:>12.2f} s")
