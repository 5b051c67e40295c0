from __future__ import annotations

from datetime import timedelta

from core.messaging.ports import PermanentFailure, Throttled, TransientFailure
from core.messaging.records import Envelope, MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World


async def _send(w: World, n: int = 1, user: str = "creator-a") -> list:
    fan = await w.fan(user, f"fan-of-{user}")
    send = await w.use("send_message")
    return [
        (await send.execute(user, NewMessage(fan.id, f"m{i}"), author=SERVICE)).message_id
        for i in range(n)
    ]


async def _status(w: World, message_id, user: str = "creator-a"):
    return await (await w.use("get_message")).execute(user, message_id)


async def test_a_queued_message_is_delivered_and_marked_sent(w: World) -> None:
    [message_id] = await _send(w)
    await w.drain()
    message = await _status(w, message_id)
    assert message.status is MessageStatus.SENT
    assert message.attempts == 1
    assert message.sent_at == w.clock.now()
    assert w.gateway.delivered_ids() == [message_id]
    assert w.gateway.delivered[0].outbound.fan_handle == "fan-of-creator-a"
    assert w.metrics.count("onlyfans.message.processed") == 1


async def test_the_same_envelope_received_twice_is_delivered_once(w: World) -> None:
    [message_id] = await _send(w)
    [original] = await w.queue.receive(1)
    await w.queue.send(original.envelope)  # a duplicate, as SQS's at-least-once may hand out
    await w.queue.ack(original.receipt)
    await w.queue.send(original.envelope)
    await w.drain()
    assert w.gateway.delivered_ids() == [message_id]
    assert w.metrics.count("onlyfans.message.duplicate") == 1


async def test_never_more_than_burst_plus_elapsed_seconds_are_delivered(w: World) -> None:
    # SEND_RATE_PER_MINUTE=60, SEND_BURST=5 (tests/unit/conftest.py)
    ids = await _send(w, 20)
    # Each envelope stays invisible until about when the bucket will have its token.
    assert (await w.queue.stats()).delayed == 15
    start = w.clock.now()
    await w.drain(step_s=0.25)
    times = sorted(record.at for record in w.gateway.delivered)
    assert sorted(map(str, w.gateway.delivered_ids())) == sorted(map(str, ids))
    for count, at in enumerate(times, start=1):
        assert count <= 5 + (at - start).total_seconds()


async def test_envelopes_past_the_burst_are_deferred_one_interval_apart(w: World) -> None:
    ids = await _send(w, 7)
    fan_id = (await _status(w, ids[0])).fan_id
    # All seven at once, as a queue without delays (or a retry storm) would hand them over.
    envelopes = [Envelope(message_id, "creator-a", fan_id) for message_id in ids]
    assert await (await w.use("consume")).execute(envelopes) == [True] * 7
    assert w.gateway.delivered_ids() == ids[:5]
    assert w.metrics.count("onlyfans.message.deferred", reason="rate_limited") == 2
    assert (await w.queue.stats()).delayed == 2 + 2  # the sends' own two, and the two copies
    await w.drain()
    assert sorted(map(str, w.gateway.delivered_ids())) == sorted(map(str, ids))
    assert len(w.gateway.attempts) == 7  # each once, though each had two envelopes


async def test_one_creator_waiting_does_not_hold_back_another(w: World) -> None:
    await _send(w, 6, user="creator-a")
    [other] = await _send(w, 1, user="creator-b")
    await w.worker.run_once()
    assert other in w.gateway.delivered_ids()
    assert len(w.gateway.delivered) == 6  # 5 of creator-a's burst, and creator-b's one


async def test_transient_failures_back_off_three_times_then_fail_and_retry_sends(w: World) -> None:
    [message_id] = await _send(w)
    w.gateway.script(*[TransientFailure("bridge 502")] * 3)
    await w.drain()
    failed = await _status(w, message_id)
    assert failed.status is MessageStatus.FAILED
    assert (failed.attempts, failed.error) == (3, "bridge 502")
    assert len(w.gateway.attempts) == 3
    listed = (await (await w.use("list_failed")).execute("creator-a")).items
    assert [m.id for m in listed] == [message_id]

    retried = await (await w.use("retry_failed")).execute("creator-a", message_id, actor=SERVICE)
    assert retried.status is MessageStatus.QUEUED
    await w.drain()
    sent = await _status(w, message_id)
    assert (sent.status, sent.attempts, sent.error) == (MessageStatus.SENT, 1, None)
    assert (await (await w.use("list_failed")).execute("creator-a")).total == 0


async def test_transient_retries_wait_longer_each_time(w: World) -> None:
    [message_id] = await _send(w)
    w.gateway.script(TransientFailure("a"), TransientFailure("b"))
    await w.worker.run_once()
    first = await w.queue.stats()
    assert first.delayed == 1
    assert first.depth == 0
    w.clock.advance(1.9)  # under the 2 s base backoff: still waiting
    assert await w.worker.run_once() == 0
    await w.drain()
    assert (await _status(w, message_id)).status is MessageStatus.SENT


async def test_a_throttled_delivery_is_deferred_without_spending_an_attempt(w: World) -> None:
    [message_id] = await _send(w)
    w.gateway.script(Throttled(retry_after_s=30))
    await w.worker.run_once()
    waiting = await _status(w, message_id)
    assert (waiting.status, waiting.attempts) == (MessageStatus.QUEUED, 0)
    w.clock.advance(29)
    assert await w.worker.run_once() == 0  # the platform asked for 30 s
    await w.drain()
    assert (await _status(w, message_id)).status is MessageStatus.SENT
    assert w.metrics.count("onlyfans.message.deferred", reason="throttled") == 1


async def test_a_permanent_failure_fails_at_once(w: World) -> None:
    [message_id] = await _send(w)
    w.gateway.script(PermanentFailure("fan blocked the creator"))
    await w.drain()
    message = await _status(w, message_id)
    assert (message.status, message.attempts, message.error) == (
        MessageStatus.FAILED,
        1,
        "fan blocked the creator",
    )


async def test_a_message_leased_by_a_live_consumer_is_left_until_the_lease_ends(w: World) -> None:
    [message_id] = await _send(w)
    message = await _status(w, message_id)
    storage = await w.use("storage")
    async with storage.begin() as uow:  # another consumer claimed it and is still working
        lease_until = w.clock.now() + timedelta(seconds=60)
        assert await uow.messages.claim("creator-a", message_id, w.clock.now(), lease_until)
    await w.worker.run_once()
    assert w.gateway.attempts == []
    assert (await w.queue.stats()).delayed == 1
    # The claimant died: once its lease is over, the deferred copy takes the message over.
    await w.drain(step_s=5)
    assert w.gateway.delivered_ids() == [message_id]
    assert (await _status(w, message_id)).status is MessageStatus.SENT
    assert message.status is MessageStatus.QUEUED


async def test_an_envelope_naming_no_message_is_dropped(w: World) -> None:
    [message_id] = await _send(w)
    await w.drain()
    stray = Envelope(message_id, "creator-b", 1)  # right id, wrong tenant
    assert await (await w.use("consume")).execute([stray]) == [True]
    assert len(w.gateway.attempts) == 1
