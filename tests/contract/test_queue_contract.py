"""The MessageQueue contract (SQS semantics), run over every adapter.

An adapter joins by adding a `QueueHarness` for it and its name to the fixture's params.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any
from uuid import uuid4

import pytest

from adapters.clock import ManualClock
from adapters.queue.memory import InMemoryMessageQueue
from adapters.queue.sqs import SqsMessageQueue
from core.messaging.ports import MessageQueue, QueueStats, Received
from core.messaging.records import Envelope
from tests.support.sqs import QueuePair, create_queue_pair, delete_queue_pair, sqs_client


class QueueHarness:
    """One adapter under test, configured for the suite, and a way to let its time pass."""

    queue: MessageQueue
    visibility_timeout_s: float
    max_receives: int
    # A long poll short enough to sit through in a test.
    short_poll_s: float

    async def wait(self, seconds: float) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class MemoryQueueHarness(QueueHarness):
    def __init__(self) -> None:
        self.clock = ManualClock()
        self.visibility_timeout_s, self.max_receives, self.short_poll_s = 30, 3, 0.2
        self.queue = InMemoryMessageQueue(self.clock, self.visibility_timeout_s, self.max_receives)

    async def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)


class SqsQueueHarness(QueueHarness):
    """A fresh queue and DLQ on the moto server; time passes for real, so timeouts are short."""

    def __init__(self, client: Any, pair: QueuePair, exit_stack: AsyncExitStack) -> None:
        self.visibility_timeout_s, self.max_receives, self.short_poll_s = 2, 3, 1
        self.queue = SqsMessageQueue(client, pair.url, pair.dlq_url)
        self._client, self._pair, self._exit_stack = client, pair, exit_stack

    @classmethod
    async def open(cls) -> SqsQueueHarness:
        exit_stack = AsyncExitStack()
        client = await exit_stack.enter_async_context(sqs_client())
        pair = await create_queue_pair(client, visibility_timeout_s=2, max_receives=3)
        return cls(client, pair, exit_stack)

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        await delete_queue_pair(self._client, self._pair)
        await self._exit_stack.aclose()


async def open_queue_harness(adapter: str) -> QueueHarness:
    if adapter == "memory":
        return MemoryQueueHarness()
    if adapter == "sqs":
        return await SqsQueueHarness.open()
    raise LookupError(f"no queue harness for {adapter!r}")


@pytest.fixture(params=["memory", "sqs"])
async def queue_harness(request: pytest.FixtureRequest) -> AsyncIterator[QueueHarness]:
    harness = await open_queue_harness(request.param)
    yield harness
    await harness.close()


def envelope(fan_id: int = 1) -> Envelope:
    return Envelope(message_id=uuid4(), user_id="creator-1", fan_id=fan_id)


async def receive_all(queue: MessageQueue, expected: int, max_polls: int = 20) -> list[Received]:
    """Receive until `expected` messages came: a queue may answer a receive with fewer."""
    received: list[Received] = []
    for _ in range(max_polls):
        if len(received) >= expected:
            break
        received += await queue.receive(max_messages=10)
    return received


async def test_a_sent_message_is_received_once_and_gone_once_acked(
    queue_harness: QueueHarness,
) -> None:
    queue, sent = queue_harness.queue, envelope()
    await queue.send(sent)

    [got] = await queue.receive()
    assert got.envelope == sent
    assert got.receive_count == 1
    assert await queue.receive() == []  # invisible while in flight

    await queue.ack(got.receipt)
    await queue_harness.wait(queue_harness.visibility_timeout_s + 1)
    assert await queue.receive() == []
    assert await queue.stats() == QueueStats(depth=0, in_flight=0, delayed=0, dlq_depth=0)


async def test_an_unacked_message_comes_back_after_the_visibility_timeout(
    queue_harness: QueueHarness,
) -> None:
    queue, sent = queue_harness.queue, envelope()
    await queue.send(sent)
    [first] = await queue.receive()

    await queue_harness.wait(queue_harness.visibility_timeout_s - 1)
    assert await queue.receive() == []
    await queue_harness.wait(1.5)
    [again] = await queue.receive()
    assert again.envelope == sent
    assert again.receive_count == 2
    assert again.receipt != first.receipt


async def test_an_unknown_receipt_deletes_nothing(queue_harness: QueueHarness) -> None:
    queue = queue_harness.queue
    await queue.send(envelope())
    [got] = await queue.receive()

    await queue.ack("not-a-receipt")
    assert (await queue.stats()).in_flight == 1
    await queue.ack(got.receipt)
    assert (await queue.stats()).in_flight == 0


async def test_a_message_received_max_receives_times_goes_to_the_dlq(
    queue_harness: QueueHarness,
) -> None:
    queue = queue_harness.queue
    await queue.send(envelope())
    for count in range(1, queue_harness.max_receives + 1):
        [got] = await queue.receive()
        assert got.receive_count == count
        await queue_harness.wait(queue_harness.visibility_timeout_s + 1)

    assert await queue.receive() == []
    stats = await queue.stats()
    assert stats.dlq_depth == 1
    assert (stats.depth, stats.in_flight, stats.delayed) == (0, 0, 0)


async def test_a_delayed_message_stays_hidden_until_its_delay_runs_out(
    queue_harness: QueueHarness,
) -> None:
    queue, sent = queue_harness.queue, envelope()
    await queue.send(sent, delay_s=2)
    assert await queue.receive() == []
    stats = await queue.stats()
    assert (stats.delayed, stats.depth, stats.in_flight) == (1, 0, 0)

    await queue_harness.wait(1)
    assert await queue.receive() == []
    await queue_harness.wait(1.5)
    assert (await queue.stats()).delayed == 0
    [got] = await queue.receive()
    assert got.envelope == sent


@pytest.mark.parametrize("delay_s", [-1, 901])
async def test_a_delay_outside_0_to_900_seconds_is_refused(
    queue_harness: QueueHarness, delay_s: int
) -> None:
    with pytest.raises(ValueError, match="delay_s"):
        await queue_harness.queue.send(envelope(), delay_s=delay_s)
    assert await queue_harness.queue.stats() == QueueStats(0, 0, 0, 0)


async def test_a_batch_larger_than_ten_is_sent_whole(queue_harness: QueueHarness) -> None:
    queue, batch = queue_harness.queue, [envelope(fan_id) for fan_id in range(25)]

    results = await queue.send_batch(batch)
    assert len(results) == 25
    assert all(result.ok and result.error is None for result in results)

    received = await receive_all(queue, expected=25)
    assert sorted(r.envelope.fan_id for r in received) == list(range(25))
    assert {r.envelope for r in received} == set(batch)


async def test_receive_returns_no_more_than_max_messages(queue_harness: QueueHarness) -> None:
    queue = queue_harness.queue
    await queue.send_batch([envelope(fan_id) for fan_id in range(5)])

    assert len(await queue.receive(max_messages=3)) == 3
    assert len(await queue.receive(max_messages=3)) == 2


async def test_stats_count_visible_and_in_flight_messages(queue_harness: QueueHarness) -> None:
    queue = queue_harness.queue
    await queue.send_batch([envelope(fan_id) for fan_id in range(3)])
    [got] = await queue.receive(max_messages=1)

    stats = await queue.stats()
    assert (stats.depth, stats.in_flight, stats.delayed, stats.dlq_depth) == (2, 1, 0, 0)

    await queue.ack(got.receipt)
    stats = await queue.stats()
    assert (stats.depth, stats.in_flight) == (2, 0)

    await queue.receive(max_messages=2)
    await queue_harness.wait(queue_harness.visibility_timeout_s + 1)
    stats = await queue.stats()
    assert (stats.depth, stats.in_flight) == (2, 0)  # never acked: visible again


async def test_a_long_poll_returns_as_soon_as_a_message_is_sent(
    queue_harness: QueueHarness,
) -> None:
    queue, sent = queue_harness.queue, envelope()
    loop = asyncio.get_running_loop()

    async def send_soon() -> None:
        await asyncio.sleep(0.05)
        await queue.send(sent)

    sender = asyncio.create_task(send_soon())
    started = loop.time()
    received = await queue.receive(wait_s=5)
    elapsed = loop.time() - started
    await sender

    assert [r.envelope for r in received] == [sent]
    assert elapsed < 2


async def test_a_long_poll_on_an_empty_queue_waits_then_returns_nothing(
    queue_harness: QueueHarness,
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    received = await queue_harness.queue.receive(wait_s=queue_harness.short_poll_s)
    elapsed = loop.time() - started

    assert received == []
    assert elapsed >= queue_harness.short_poll_s * 0.9
