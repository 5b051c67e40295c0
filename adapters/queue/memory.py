"""A message queue in memory with SQS's semantics: visibility timeout, receive count, redrive to a
dead-letter queue, per-message delay and long polling. For dev mode and tests."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.clock import to_micros
from core.errors import Unavailable
from core.messaging import MAX_BATCH, MAX_DELAY_S, Envelope, QueueStats, Received, SendResult
from core.ports import Clock

MAX_RECEIVE = 10  # SQS's ceiling for one ReceiveMessage call


@dataclass(slots=True)
class _Entry:
    envelope: Envelope
    visible_at_us: int
    # Which heap item is live: older items for this entry are stale and skipped when popped.
    token: int
    receive_count: int = 0
    receipt: str | None = None


class InMemoryMessageQueue:
    def __init__(
        self,
        clock: Clock,
        visibility_timeout_s: float = 30,
        max_receives: int = 5,
        max_delay_s: int = MAX_DELAY_S,
    ) -> None:
        self._clock = clock
        self._visibility_us = round(visibility_timeout_s * 1_000_000)
        self._max_receives = max_receives
        self._max_delay_s = max_delay_s
        self._entries: dict[int, _Entry] = {}
        self._receipts: dict[str, int] = {}  # current receipt -> entry id
        self._heap: list[tuple[int, int, int]] = []  # (visible_at_us, token, entry id)
        self._ids = itertools.count()
        self._tokens = itertools.count()
        self._dlq: list[Envelope] = []
        # Replaced on every send: a long poll waits on the one current when it started.
        self._arrival = asyncio.Event()
        # False plays an outage of the queue service: every call raises Unavailable.
        self.available = True

    async def send(self, envelope: Envelope, delay_s: int = 0) -> None:
        self._ensure_available()
        if not 0 <= delay_s <= self._max_delay_s:
            raise ValueError(f"delay_s must be between 0 and {self._max_delay_s}, got {delay_s}")
        self._put(envelope, self._now_us() + delay_s * 1_000_000)
        self._arrival.set()
        self._arrival = asyncio.Event()

    async def send_batch(
        self, envelopes: Sequence[Envelope], delays_s: Sequence[int] | None = None
    ) -> list[SendResult]:
        self._ensure_available()
        delays = delays_s or [0] * len(envelopes)
        results: list[SendResult] = []
        # Chunked like SQS's SendMessageBatch so callers see the same shape of work.
        for start in range(0, len(envelopes), MAX_BATCH):
            for envelope, delay in zip(
                envelopes[start : start + MAX_BATCH], delays[start:], strict=False
            ):
                await self.send(envelope, delay)
                results.append(SendResult(ok=True))
        return results

    async def receive(self, max_messages: int = 10, wait_s: float = 0) -> list[Received]:
        self._ensure_available()
        if not 1 <= max_messages <= MAX_RECEIVE:
            raise ValueError(
                f"max_messages must be between 1 and {MAX_RECEIVE}, got {max_messages}"
            )
        if wait_s < 0:
            raise ValueError(f"wait_s must be >= 0, got {wait_s}")
        received = self._take(max_messages)
        if received or not wait_s:
            return received
        # Wake on a send, or when the next delayed message is due by the clock; then look once more.
        timeout = wait_s
        if (due_us := self._next_visible_us()) is not None:
            timeout = min(timeout, max(due_us - self._now_us(), 0) / 1_000_000)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrival.wait(), timeout)
        return self._take(max_messages)

    async def ack(self, receipt: str) -> None:
        self._ensure_available()
        # Only the latest receipt deletes, as on SQS: a stale or unknown one is ignored.
        entry_id = self._receipts.pop(receipt, None)
        if entry_id is not None:
            del self._entries[entry_id]

    async def stats(self) -> QueueStats:
        self._ensure_available()
        now_us = self._now_us()
        depth = in_flight = delayed = 0
        for entry in self._entries.values():
            if entry.visible_at_us <= now_us:
                depth += 1
            elif entry.receipt is None:
                delayed += 1
            else:
                in_flight += 1
        return QueueStats(depth, in_flight, delayed, len(self._dlq))

    def dlq_messages(self) -> list[Envelope]:
        return list(self._dlq)

    def _ensure_available(self) -> None:
        if not self.available:
            raise Unavailable("the in-memory queue is switched to unavailable")

    def _now_us(self) -> int:
        return to_micros(self._clock.now())

    def _put(self, envelope: Envelope, visible_at_us: int) -> None:
        entry_id = next(self._ids)
        self._entries[entry_id] = _Entry(envelope, visible_at_us, token=-1)
        self._schedule(entry_id, visible_at_us)

    def _schedule(self, entry_id: int, visible_at_us: int) -> None:
        entry = self._entries[entry_id]
        entry.visible_at_us, entry.token = visible_at_us, next(self._tokens)
        heapq.heappush(self._heap, (visible_at_us, entry.token, entry_id))

    def _next_visible_us(self) -> int | None:
        """When the earliest message becomes visible, after dropping stale heap items."""
        while self._heap:
            _, token, entry_id = self._heap[0]
            entry = self._entries.get(entry_id)
            if entry is not None and entry.token == token:
                return entry.visible_at_us
            heapq.heappop(self._heap)
        return None

    def _take(self, max_messages: int) -> list[Received]:
        now_us = self._now_us()
        taken: list[Received] = []
        while len(taken) < max_messages:
            due_us = self._next_visible_us()
            if due_us is None or due_us > now_us:
                break
            _, _, entry_id = heapq.heappop(self._heap)
            entry = self._entries[entry_id]
            if entry.receipt is not None:
                del self._receipts[entry.receipt]
            if entry.receive_count >= self._max_receives:
                # SQS redrive: the receive that would go past the limit moves it to the DLQ instead.
                del self._entries[entry_id]
                self._dlq.append(entry.envelope)
                continue
            entry.receive_count += 1
            entry.receipt = uuid.uuid4().hex
            self._receipts[entry.receipt] = entry_id
            self._schedule(entry_id, now_us + self._visibility_us)
            taken.append(Received(entry.envelope, entry.receipt, entry.receive_count))
        return taken
