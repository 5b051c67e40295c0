"""Real processes on the production path: `fancrm serve` on SQS (the moto server) and PostgreSQL,
`fancrm worker` draining the queue, deliveries to a recording bridge over signed webhooks.

The bridge counts each message id (its Idempotency-Key) across every worker process, so
"sent twice" and "lost" are both visible.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web

from adapters.delivery.signature import SIGNATURE_HEADER, verify
from adapters.storage.migrator import SchemaMigrator
from entrypoints.http.auth import issue_token
from tests.support.dev_server import FANCRM, free_port, wait_until_listening
from tests.support.postgres import fresh_database
from tests.support.sqs import QueuePair, create_queue_pair, sqs_client, sqs_env

JWT = "sqs-pipeline-secret-0123456789-0123456789"
BRIDGE_SECRET = "bridge-secret-sqs-pipeline"
CREATOR = "creator-sqs"


@dataclass
class Bridge:
    """The platform bridge: answers 200 after `delay_s`, counts deliveries by message id."""

    url: str = ""
    delay_s: float = 0.0
    deliveries: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not verify(BRIDGE_SECRET, body, request.headers.get(SIGNATURE_HEADER)):
            self.bad_signatures += 1
        self.deliveries[request.headers["Idempotency-Key"]] += 1
        await asyncio.sleep(self.delay_s)
        return web.json_response({"ok": True})


@dataclass
class Stack:
    env: dict[str, str]
    api: httpx.AsyncClient
    bridge: Bridge
    queue: QueuePair


@pytest.fixture
async def bridge() -> AsyncIterator[Bridge]:
    state = Bridge()
    app = web.Application()
    app.router.add_post("/deliver", state.receive)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state.url = f"http://127.0.0.1:{port}/deliver"
    yield state
    await runner.cleanup()


@pytest.fixture
async def stack(bridge: Bridge) -> AsyncIterator[Stack]:
    async with fresh_database("fancrm_sqs") as database_url, sqs_client() as client:
        await SchemaMigrator(database_url).upgrade()
        # A visibility timeout longer than the claim lease (20 s), as in production.
        queue = await create_queue_pair(client, visibility_timeout_s=30)
        port = free_port()
        env = {
            **os.environ,
            **sqs_env(queue),
            "DATABASE_URL": database_url,
            "JWT_SECRET": JWT,
            "DELIVERY_BACKEND": "webhook",
            "DELIVERY_WEBHOOK_URL": bridge.url,
            "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET,
            # Throughput is not under test here: the bucket must not defer anything.
            "SEND_RATE_PER_MINUTE": "600000",
            "SEND_BURST": "1000",
            "API_RATE_PER_MINUTE": "100000",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "PORT": str(port),
        }
        api = await asyncio.create_subprocess_exec(
            FANCRM, "serve", env=env, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            await asyncio.to_thread(wait_until_listening, port)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {issue_token(JWT, CREATOR)}"},
                timeout=30,
            ) as http:
                yield Stack(env, http, bridge, queue)
        finally:
            api.terminate()
            await asyncio.wait_for(api.wait(), 15)


async def send_messages(stack: Stack, count: int) -> list[str]:
    fan = await stack.api.post("/api/crm/fans", json={"platform": "onlyfans", "handle": "luna"})
    assert fan.status_code == 201, fan.text
    body = {
        "messages": [{"recipientId": fan.json()["id"], "content": f"m{i}"} for i in range(count)]
    }
    sent = await stack.api.post("/api/onlyfans/messaging/send-batch", json=body)
    assert sent.status_code == 202, sent.text
    assert sent.json()["queued"] == count
    return [item["messageId"] for item in sent.json()["results"]]


async def start_worker(stack: Stack) -> Worker:
    process = await asyncio.create_subprocess_exec(
        FANCRM, "worker", env=stack.env, stderr=asyncio.subprocess.PIPE
    )
    worker = Worker(process)
    await asyncio.wait_for(worker.wait_for_line("worker started"), 30)
    return worker


@dataclass
class Worker:
    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)

    async def wait_for_line(self, text: str) -> None:
        assert self.process.stderr is not None
        while not any(text in line for line in self.lines):
            line = await self.process.stderr.readline()
            assert line, "the worker exited:\n" + "".join(self.lines)
            self.lines.append(line.decode())

    async def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.wait_for_line("worker stopped"), 30)
        return await asyncio.wait_for(self.process.wait(), 30)


async def statuses(stack: Stack, message_ids: list[str]) -> Counter[str]:
    answers = [await stack.api.get(f"/api/onlyfans/messaging/{m}") for m in message_ids]
    return Counter(answer.json()["status"] for answer in answers)


async def wait_until(check: Any, timeout_s: float = 60) -> None:
    """Poll `check` (state in other processes: there is no event to wait on)."""
    async with asyncio.timeout(timeout_s):
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.1)


async def queue_is_empty(stack: Stack) -> bool:
    async with sqs_client() as client:
        answer = await client.get_queue_attributes(QueueUrl=stack.queue.url, AttributeNames=["All"])
    attributes = answer["Attributes"]
    return all(
        attributes[name] == "0"
        for name in (
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
    )


async def test_a_message_sent_to_the_api_is_delivered_by_the_worker_once(stack: Stack) -> None:
    message_ids = await send_messages(stack, 3)
    status = (await stack.api.get("/api/onlyfans/messaging/status")).json()
    assert (status["queue"]["depth"], status["queue"]["failed"]) == (3, 0)  # the caller's own
    sqs_health = (await stack.api.get("/api/monitoring/onlyfans")).json()["components"]["sqs"]
    assert (sqs_health["status"], sqs_health["queueDepth"]) == ("healthy", 3)
    worker = await start_worker(stack)

    async def all_sent() -> bool:
        return (await statuses(stack, message_ids))["sent"] == 3

    await wait_until(all_sent)
    assert await worker.stop() == 0
    assert stack.bridge.deliveries == Counter({m: 1 for m in message_ids})
    assert stack.bridge.bad_signatures == 0
    assert await queue_is_empty(stack)


async def test_a_worker_stopped_mid_batch_loses_nothing_and_sends_nothing_twice(
    stack: Stack,
) -> None:
    stack.bridge.delay_s = 0.25  # slow enough to be stopped in the middle of a batch of ten
    message_ids = await send_messages(stack, 25)
    first = await start_worker(stack)

    async def some_delivered() -> bool:
        return sum(stack.bridge.deliveries.values()) >= 3

    await wait_until(some_delivered)
    at_sigterm = sum(stack.bridge.deliveries.values())
    assert await first.stop() == 0
    delivered_by_first = sum(stack.bridge.deliveries.values())
    assert delivered_by_first > at_sigterm  # it went on with the batch it had in hand
    by_status = await statuses(stack, message_ids)
    # The batch in hand was finished: nothing is left claimed, and the rest is still queued.
    assert by_status["sending"] == 0
    assert by_status["sent"] == delivered_by_first < 25
    assert by_status["queued"] == 25 - delivered_by_first

    second = await start_worker(stack)

    async def all_sent() -> bool:
        return (await statuses(stack, message_ids))["sent"] == 25

    await wait_until(all_sent, timeout_s=120)
    assert await second.stop() == 0
    assert stack.bridge.deliveries == Counter({m: 1 for m in message_ids})
    assert await queue_is_empty(stack)
