"""`fancrm worker --concurrency 8` SIGKILLed mid-run on the production path (SQS on the moto
server, PostgreSQL, a signed webhook bridge answering after 200 ms), then another: every message
reaches the platform exactly once.

The kill can leave up to eight deliveries at the bridge without their rows updated; the next worker
takes those rows over once the lease and the visibility timeout have run out and delivers them
again, with the same Idempotency-Key, which the bridge applies once. So deliveries are counted by
key: each key at most twice, at most eight keys twice, every message applied.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.e2e import test_sqs_worker_pipeline as pipeline
from tests.e2e.test_sqs_worker_pipeline import Bridge, Stack, Worker, queue_is_empty, wait_until
from tests.support.dev_server import FANCRM, free_port

stack = pipeline.stack  # the pipeline's real processes, with the bridge fixture below

CONCURRENCY = 8
MESSAGES = 200


@pytest.fixture
async def bridge() -> AsyncIterator[Bridge]:
    state = Bridge(delay_s=0.2)
    app = web.Application()
    app.router.add_post("/deliver", state.receive)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state.url = f"http://127.0.0.1:{port}/deliver"
    yield state
    await runner.cleanup()


async def start_worker(stack: Stack) -> Worker:
    process = await asyncio.create_subprocess_exec(
        FANCRM, "worker", "--concurrency", str(CONCURRENCY),
        env=stack.env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    worker = Worker(process)
    await asyncio.wait_for(worker.wait_for_line("worker started"), 30)
    return worker


async def send(stack: Stack, count: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, count, 100):
        fan = await stack.api.post(
            "/api/crm/fans", json={"platform": "onlyfans", "handle": f"fan{start}"}
        )
        assert fan.status_code == 201, fan.text
        items = [
            {"recipientId": fan.json()["id"], "content": f"m{i}"}
            for i in range(start, min(start + 100, count))
        ]
        sent = await stack.api.post("/api/onlyfans/messaging/send-batch", json={"messages": items})
        assert sent.status_code == 202, sent.text
        ids += [item["messageId"] for item in sent.json()["results"]]
    return ids


async def sent_count(stack: Stack, message_ids: list[str]) -> int:
    return (await pipeline.statuses(stack, message_ids))["sent"]


async def test_a_concurrent_worker_killed_mid_run_leaves_every_message_applied_once(
    stack: Stack,
) -> None:
    message_ids = await send(stack, MESSAGES)
    first = await start_worker(stack)

    async def under_way() -> bool:
        return sum(stack.bridge.deliveries.values()) >= 3 * CONCURRENCY

    await wait_until(under_way)
    first.process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(first.process.wait(), 10) == -signal.SIGKILL
    assert await sent_count(stack, message_ids) < MESSAGES  # it died with work left

    second = await start_worker(stack)

    async def all_sent() -> bool:
        return await sent_count(stack, message_ids) == MESSAGES

    # What the dead worker held comes back after the visibility timeout (30 s) and its lease.
    await wait_until(all_sent, timeout_s=180)
    assert await second.stop() == 0

    deliveries = stack.bridge.deliveries
    assert set(deliveries) == set(message_ids)  # every message reached the platform
    twice = [key for key, n in deliveries.items() if n > 1]
    assert all(n <= 2 for n in deliveries.values())
    assert len(twice) <= CONCURRENCY  # only those at the bridge at the kill
    assert stack.bridge.bad_signatures == 0
    assert await queue_is_empty(stack)
