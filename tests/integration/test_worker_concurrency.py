"""`fancrm worker --concurrency N` in one process: several batches in hand, never more than N
deliveries under way at once, and a stop that finishes every batch in hand."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from aiohttp import web

from adapters.storage.tables import messages
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.bridge import BRIDGE_SECRET, Bridge, running_bridge
from tests.support.world import World, world

CONCURRENCY = 8


class HoldingBridge:
    """Holds every delivery until CONCURRENCY are under way (or a while has passed)."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0
        self.keys: Counter[str] = Counter()
        self.full = asyncio.Event()
        self.thirty_received = asyncio.Event()

    async def answer(self, request: web.Request) -> web.StreamResponse:
        self.keys[request.headers["Idempotency-Key"]] += 1
        if sum(self.keys.values()) >= 30:
            self.thirty_received.set()
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if self.in_flight >= CONCURRENCY:
            self.full.set()
        # Fewer than CONCURRENCY at once would wait out the timeout: the assertion below says so.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.full.wait(), timeout=5)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        return web.json_response({"ok": True})


@pytest.fixture
async def bridge() -> AsyncIterator[Bridge]:
    async with running_bridge() as running:
        yield running


async def statuses(w: World) -> Counter[str]:
    storage = await w.use("storage")
    async with storage.connection() as connection:
        rows = await connection.execute(sa.select(messages.c.status))
        return Counter(status for (status,) in rows)


async def test_the_worker_keeps_n_deliveries_under_way_and_never_more(bridge: Bridge) -> None:
    holding = HoldingBridge()
    bridge.answer(*[holding.answer] * 1000)
    env = {
        "DELIVERY_BACKEND": "webhook",
        "DELIVERY_WEBHOOK_URL": bridge.url,
        "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET,
        "WORKER_CONCURRENCY": str(CONCURRENCY),
        "SEND_RATE_PER_MINUTE": "60000",
        "SEND_BURST": "1000",
    }
    async with world(**env) as w:
        fans = [await w.fan(f"creator-{i}", "luna") for i in range(6)]
        send = await w.use("send_message")
        for i in range(60):
            fan = fans[i % len(fans)]
            await send.execute(fan.user_id, NewMessage(fan.id, f"m{i}"), author=SERVICE)
        worker = await w.use("worker")
        assert worker.pollers == 2  # 8 deliveries fit in one batch of 10, and one more batch

        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        await asyncio.wait_for(holding.thirty_received.wait(), timeout=60)
        stop.set()  # as SIGTERM: the batches in hand are finished, nothing else is received
        await asyncio.wait_for(running, timeout=30)

        assert holding.most_in_flight == CONCURRENCY
        assert set(holding.keys.values()) == {1}
        by_status = await statuses(w)
        assert by_status["sending"] == 0
        assert by_status["sent"] == sum(holding.keys.values())
        assert by_status["sent"] + by_status["queued"] == 60
        stats = await w.queue.stats()
        assert stats.in_flight == 0
        assert stats.depth + stats.delayed == by_status["queued"]
