"""What the in-memory queue promises beyond the MessageQueue contract: order, the DLQ's content,
and argument checks."""

from __future__ import annotations

from uuid import uuid4

import pytest

from adapters.clock import ManualClock
from adapters.queue.memory import InMemoryMessageQueue
from core.messaging.records import Envelope


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def queue(clock: ManualClock) -> InMemoryMessageQueue:
    return InMemoryMessageQueue(clock, visibility_timeout_s=10, max_receives=2)


def envelope(fan_id: int) -> Envelope:
    return Envelope(message_id=uuid4(), user_id="creator-1", fan_id=fan_id)


async def fan_ids(queue: InMemoryMessageQueue, max_messages: int = 10) -> list[int]:
    return [r.envelope.fan_id for r in await queue.receive(max_messages)]


async def test_messages_come_out_oldest_visible_first(
    queue: InMemoryMessageQueue, clock: ManualClock
) -> None:
    await queue.send(envelope(1), delay_s=5)
    await queue.send_batch([envelope(2), envelope(3)])
    assert await fan_ids(queue) == [2, 3]

    clock.advance(10)  # 1 became visible at 5, 2 and 3 again at 10
    assert await fan_ids(queue) == [1, 2, 3]


async def test_redrive_moves_the_poison_message_and_still_fills_the_receive(
    queue: InMemoryMessageQueue, clock: ManualClock
) -> None:
    poison = envelope(1)
    await queue.send(poison)
    for _ in range(2):
        await queue.receive()
        clock.advance(10)
    await queue.send(envelope(2))

    assert await fan_ids(queue, max_messages=1) == [2]
    assert queue.dlq_messages() == [poison]
    assert (await queue.stats()).dlq_depth == 1


async def test_the_latest_receipt_still_acks_after_the_visibility_timeout(
    queue: InMemoryMessageQueue, clock: ManualClock
) -> None:
    # As on SQS: a slow consumer's ack counts as long as nobody received the message since.
    await queue.send(envelope(1))
    [got] = await queue.receive()
    clock.advance(11)
    await queue.ack(got.receipt)
    assert await queue.receive() == []


@pytest.mark.parametrize("max_messages", [0, 11])
async def test_max_messages_outside_1_to_10_is_refused(
    queue: InMemoryMessageQueue, max_messages: int
) -> None:
    with pytest.raises(ValueError, match="max_messages"):
        await queue.receive(max_messages)


async def test_a_negative_wait_is_refused(queue: InMemoryMessageQueue) -> None:
    with pytest.raises(ValueError, match="wait_s"):
        await queue.receive(wait_s=-1)


async def test_a_large_backlog_drains_completely_in_send_order(
    queue: InMemoryMessageQueue,
) -> None:
    await queue.send_batch([envelope(n) for n in range(5_000)])
    drained: list[int] = []
    while batch := await fan_ids(queue):
        drained += batch
    assert drained == list(range(5_000))
    assert (await queue.stats()).in_flight == 5_000


async def test_a_stale_receipt_deletes_nothing(
    queue: InMemoryMessageQueue, clock: ManualClock
) -> None:
    # SQS documents that only the latest receipt deletes. Not in the contract suite: moto, which
    # the SQS adapter runs against, deletes with any receipt it ever issued.
    await queue.send(envelope(1))
    [first] = await queue.receive()
    clock.advance(11)
    [second] = await queue.receive()

    await queue.ack(first.receipt)
    assert (await queue.stats()).in_flight == 1

    await queue.ack(second.receipt)
    assert (await queue.stats()).in_flight == 0
    clock.advance(11)
    assert await queue.receive() == []
