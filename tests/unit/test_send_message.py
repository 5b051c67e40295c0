from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import Invalid, NotFound, Unavailable
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World, world


async def test_send_writes_a_queued_row_and_puts_its_envelope_on_the_queue(w: World) -> None:
    fan = await w.fan("creator-a")
    send = await w.use("send_message")

    receipt = await send.execute(
        "creator-a", NewMessage(fan.id, "hello", priority=7), author=SERVICE
    )

    stored = await (await w.use("get_message")).execute("creator-a", receipt.message_id)
    assert stored.status is MessageStatus.QUEUED
    assert receipt.status is MessageStatus.QUEUED
    assert (stored.text, stored.priority, stored.fan_id) == ("hello", 7, fan.id)
    assert stored.queued_at == w.clock.now()
    [received] = await w.queue.receive(10)
    assert received.envelope.message_id == receipt.message_id
    assert received.envelope.user_id == "creator-a"
    assert w.metrics.count("onlyfans.message.queued") == 1


async def test_receipt_estimates_from_the_backlog_and_the_bucket(w: World) -> None:
    fan = await w.fan("creator-a")
    send = await w.use("send_message")
    receipts = [
        await send.execute("creator-a", NewMessage(fan.id, f"m{i}"), author=SERVICE)
        for i in range(7)
    ]

    # burst 5, one a second: the first five go at once, the 6th and 7th one and two seconds later
    assert [r.queue_position for r in receipts] == [1, 2, 3, 4, 5, 6, 7]
    assert receipts[4].estimated_send_time == w.clock.now()
    assert receipts[6].estimated_send_time == w.clock.now() + timedelta(seconds=2)


async def test_a_fan_of_another_creator_is_not_found_and_nothing_is_written(w: World) -> None:
    fan = await w.fan("creator-a")
    send = await w.use("send_message")

    with pytest.raises(NotFound):
        await send.execute("creator-b", NewMessage(fan.id, "hi"), author=SERVICE)

    assert (await w.queue.stats()).depth == 0
    assert (await (await w.use("queue_status")).execute("creator-b")).backlog == 0


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (NewMessage(1, ""), "content"),
        (NewMessage(1, "x" * 5001), "content"),
        (NewMessage(1, "hi", priority=0), "priority"),
        (NewMessage(1, "hi", priority=11), "priority"),
        (NewMessage(1, "hi", price_cents=-1), "priceCents"),
        # PostgreSQL refuses NUL in text and integers past a BIGINT: a 400, never a 500.
        (NewMessage(1, "hi\x00"), "content"),
        (NewMessage(1, "hi", media_urls=("https://a", "a\x00")), "mediaUrls"),
        (NewMessage(1, "hi", media_urls=("x" * 2049,)), "mediaUrls"),
        (NewMessage(1, "hi", price_cents=2**63), "priceCents"),
        (NewMessage(2**63, "hi"), "recipientId"),
    ],
)
async def test_bad_input_names_the_field(w: World, message: NewMessage, field: str) -> None:
    await w.fan("creator-a")
    with pytest.raises(Invalid) as raised:
        await (await w.use("send_message")).execute("creator-a", message, author=SERVICE)
    assert raised.value.field == field


async def test_the_kill_switch_refuses_to_queue_anything() -> None:
    async with world(RATE_LIMITER_ENABLED="false") as off:
        fan = await off.fan("creator-a")
        with pytest.raises(Unavailable, match="switched off"):
            await (await off.use("send_message")).execute(
                "creator-a", NewMessage(fan.id, "hi"), author=SERVICE
            )
        assert (await off.queue.stats()).depth == 0
        assert (await (await off.use("queue_status")).execute("creator-a")).backlog == 0


async def test_an_unreachable_queue_leaves_a_failed_row_that_can_be_retried(w: World) -> None:
    fan = await w.fan("creator-a")
    w.queue.available = False

    with pytest.raises(Unavailable) as raised:
        await (await w.use("send_message")).execute(
            "creator-a", NewMessage(fan.id, "hi"), author=SERVICE
        )

    [failed] = (await (await w.use("list_failed")).execute("creator-a")).items
    assert raised.value.detail == {"messageId": str(failed.id)}
    assert failed.error == "queue_unavailable"
    w.queue.available = True
    await (await w.use("retry_failed")).execute("creator-a", failed.id, actor=SERVICE)
    await w.drain()
    assert w.gateway.delivered_ids() == [failed.id]
