"""The polling consumer loop shared by `fancrm worker` and the dev server's in-process worker.

With a concurrency of N (deliveries under way at once), it keeps twice the batches N deliveries
need in hand, so the next ones are received and loaded while others deliver and a delivery slot
freed is taken at once; the consumer's delivery slots hold the deliveries to N, and a row is
claimed only once its slot is, so an envelope waiting in hand holds no lease.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Protocol

from core.messaging.consume import ConsumeEnvelopes
from core.messaging.ports import MessageQueue, Received

log = logging.getLogger(__name__)


class Periodic(Protocol):
    """Background work the worker runs every few seconds between polls (core/tick.py)."""

    async def execute(self) -> int: ...


class QueueWorker:
    def __init__(
        self,
        queue: MessageQueue,
        consume: ConsumeEnvelopes,
        batch_size: int = 10,
        wait_s: float = 1.0,
        tick: Periodic | None = None,
        tick_every_s: float = 10.0,
        concurrency: int = 1,
    ) -> None:
        self._queue = queue
        self._consume = consume
        self._batch_size = batch_size
        self._wait_s = wait_s
        self._tick = tick
        self._tick_every_s = tick_every_s
        self._ticked_at = -math.inf
        self.pollers = batches_in_hand(concurrency, batch_size)

    async def run_once(self) -> int:
        """Receive a batch, process it, acknowledge what is done; returns how many were received."""
        received = await self._queue.receive(self._batch_size, self._wait_s)
        await self._process(received)
        return len(received)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set. Every batch already received is finished before stopping."""
        log.info("worker started", extra={"batches_in_hand": self.pollers})
        await asyncio.gather(*(self._poll(stop) for _ in range(self.pollers)))
        log.info("worker stopped")

    async def _poll(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._tick_when_due()
                received = await self._receive_unless_stopped(stop)
                await self._process(received)
            except Exception:
                log.exception("worker poll failed; retrying in 1 s")
                await asyncio.sleep(1)

    async def _tick_when_due(self) -> None:
        """Fan-outs carried on and the outbox relayed (crash leftovers, campaigns at their pace).

        One poller ticks: the time is taken before the first await, so the others see it taken."""
        if self._tick is None or time.monotonic() - self._ticked_at < self._tick_every_s:
            return
        self._ticked_at = time.monotonic()
        relayed = await self._tick.execute()
        if relayed:
            log.info("outbox swept", extra={"relayed": relayed})

    async def _receive_unless_stopped(self, stop: asyncio.Event) -> list[Received]:
        """A long poll that `stop` cuts short, so shutdown does not wait out the poll.

        Whatever the queue handed over in a poll cut short stays invisible until its visibility
        timeout and then comes back: nothing is lost.
        """
        receiving = asyncio.ensure_future(self._queue.receive(self._batch_size, self._wait_s))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not receiving.done():
            receiving.cancel()
            await asyncio.wait({receiving})  # let it unwind before the client is closed
            return []
        return receiving.result()

    async def _process(self, received: list[Received]) -> None:
        if not received:
            return
        outcomes = await self._consume.execute([r.envelope for r in received])
        finished = [r.receipt for r, done in zip(received, outcomes, strict=True) if done]
        # Together rather than one after another: on SQS each is a round trip.
        await asyncio.gather(*(self._queue.ack(receipt) for receipt in finished))


def batches_in_hand(concurrency: int, batch_size: int) -> int:
    """Pollers for twice the batches `concurrency` deliveries take (one alone at 1: no overlap).

    On a bridge answering in 200 ms, one more batch than the deliveries need left about a fifth
    of the slots idle between batches; twice as many keep them busy (tests/bench)."""
    if concurrency < 1 or batch_size < 1:
        raise ValueError("concurrency and batch size must be at least 1")
    return 1 if concurrency == 1 else 2 * math.ceil(concurrency / batch_size)
