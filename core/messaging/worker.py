"""The polling consumer loop shared by `fancrm worker` and the dev server's in-process worker."""

from __future__ import annotations

import asyncio
import logging

from core.messaging.consume import ConsumeEnvelopes
from core.ports import MessageQueue

log = logging.getLogger(__name__)


class QueueWorker:
    def __init__(
        self,
        queue: MessageQueue,
        consume: ConsumeEnvelopes,
        batch_size: int = 10,
        wait_s: float = 1.0,
    ) -> None:
        self._queue = queue
        self._consume = consume
        self._batch_size = batch_size
        self._wait_s = wait_s

    async def run_once(self) -> int:
        """Receive a batch, process it, acknowledge what is done; returns how many were received."""
        received = await self._queue.receive(self._batch_size, self._wait_s)
        if not received:
            return 0
        outcomes = await self._consume.execute([r.envelope for r in received])
        for item, done in zip(received, outcomes, strict=True):
            if done:
                await self._queue.ack(item.receipt)
        return len(received)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set. A batch already received is finished before stopping."""
        log.info("worker started")
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("worker poll failed; retrying in 1 s")
                await asyncio.sleep(1)
        log.info("worker stopped")
