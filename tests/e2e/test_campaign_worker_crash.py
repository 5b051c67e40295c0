"""A campaign on the production path (`fancrm serve` and `fancrm worker` as real processes, SQS
on the moto server, PostgreSQL, a signed webhook bridge): a worker SIGKILLed in the middle of a
campaign, then another, and every fan gets the campaign's message exactly once.

A kill between the bridge's answer and the row's update can make the next worker deliver that
message again: it carries the same Idempotency-Key (the message id), which the bridge applies
once. So "exactly once" is counted as the platform sees it: one applied message per fan.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from tests.e2e import test_sqs_worker_pipeline as pipeline
from tests.e2e.test_sqs_worker_pipeline import (
    Bridge,
    Stack,
    queue_is_empty,
    start_worker,
    wait_until,
)
from tests.support.dev_server import free_port

# The pipeline's stack of real processes, with the bridge fixture below.
stack = pipeline.stack

FANS = 30


@dataclass
class ApplyingBridge(Bridge):
    """The bridge as the platform: it applies each Idempotency-Key once, and says to whom."""

    handles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    async def receive(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.handles[body["fanHandle"]].add(request.headers["Idempotency-Key"])
        return await super().receive(request)


@pytest.fixture
async def bridge() -> AsyncIterator[ApplyingBridge]:
    state = ApplyingBridge(delay_s=0.2)  # slow enough to be killed in the middle of a batch
    app = web.Application()
    app.router.add_post("/deliver", state.receive)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state.url = f"http://127.0.0.1:{port}/deliver"
    yield state
    await runner.cleanup()


async def counters(stack: Stack, campaign_id: int) -> dict[str, int]:
    answer = await stack.api.get(f"/api/crm/campaigns/{campaign_id}")
    return answer.json()["counters"]


async def test_a_worker_killed_mid_campaign_leaves_every_fan_messaged_exactly_once(
    stack: Stack,
) -> None:
    bridge: ApplyingBridge = stack.bridge  # type: ignore[assignment]
    for i in range(FANS):
        made = await stack.api.post(
            "/api/crm/fans", json={"platform": "onlyfans", "handle": f"f{i}"}
        )
        assert made.status_code == 201, made.text
    accepted = await stack.api.post(
        "/api/messages/bulk", json={"campaignName": "all", "content": "hi", "segment": {}}
    )
    assert accepted.status_code == 202, accepted.text
    campaign_id = accepted.json()["campaignId"]
    first = await start_worker(stack)

    async def some_delivered() -> bool:
        return sum(bridge.deliveries.values()) >= 5

    await wait_until(some_delivered)
    first.process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(first.process.wait(), 10) == -signal.SIGKILL
    assert (await counters(stack, campaign_id))["sent"] < FANS  # it died with work left

    second = await start_worker(stack)

    async def all_sent() -> bool:
        return (await counters(stack, campaign_id))["sent"] == FANS

    # What the dead worker held comes back after the visibility timeout (30 s) and its lease.
    await wait_until(all_sent, timeout_s=150)
    assert await second.stop() == 0

    assert sorted(bridge.handles) == sorted(f"f{i}" for i in range(FANS))
    assert all(len(keys) == 1 for keys in bridge.handles.values())  # one message per fan
    redelivered = [key for key, n in bridge.deliveries.items() if n > 1]
    assert len(redelivered) <= 1  # only one can have been at the bridge at the kill
    final = await counters(stack, campaign_id)
    assert (final["targeted"], final["sent"], final["failed"]) == (FANS, FANS, 0)
    assert Counter(final[k] for k in ("pending", "queued", "held")) == Counter({0: 3})
    assert await queue_is_empty(stack)
