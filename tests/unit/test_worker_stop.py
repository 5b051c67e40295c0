"""The worker's shutdown: a long poll is cut short, a batch in hand is finished and acknowledged."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from core.messaging.consume import ConsumeEnvelopes
from core.messaging.ports import QueueStats
from core.messaging.records import Envelope
from core.messaging.worker import QueueWorker
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World


class StopWhileProcessing:
    """The consumer use case, with SIGTERM arriving while it works on the batch."""

    def __init__(self, consume: ConsumeEnvelopes, stop: asyncio.Event) -> None:
        self._consume, self._stop = consume, stop

    async def execute(self, envelopes: Sequence[Envelope]) -> list[bool]:
        self._stop.set()
        return await self._consume.execute(envelopes)


async def test_stop_cuts_a_long_poll_short(w: World) -> None:
    worker = QueueWorker(w.queue, await w.use("consume"), wait_s=3600)  # an hour, queue empty
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.05)

    stop.set()

    await asyncio.wait_for(running, timeout=10)  # far less than the poll: it was cut short


async def test_a_batch_already_received_is_finished_before_stopping(w: World) -> None:
    fan = await w.fan("creator-a")
    sent = await (await w.use("send_message")).execute(
        "creator-a", NewMessage(fan.id, "hi"), author=SERVICE
    )
    stop = asyncio.Event()
    consume = StopWhileProcessing(await w.use("consume"), stop)

    await QueueWorker(w.queue, consume, wait_s=0).run(stop)  # type: ignore[arg-type]

    assert w.gateway.delivered_ids() == [sent.message_id]
    assert await w.queue.stats() == QueueStats(depth=0, in_flight=0, delayed=0, dlq_depth=0)
