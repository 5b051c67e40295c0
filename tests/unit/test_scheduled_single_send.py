"""Scheduled single sends end to end on a manual clock (the real container, in-memory adapters):
the row waits `scheduled` (not on the queue, not in the backlog of later sends) until its time,
the tick relays it then and it is sent once; its ETA said when; a bad `sendAt` is refused."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from core.errors import Invalid
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from core.planning import QuietHours
from core.settings import SettingsChanges
from tests.support.authors import SERVICE
from tests.support.world import World

ALICE = "creator-a"


async def run_until(w: World, until: datetime, step_s: float = 10) -> None:
    tick = await w.use("tick")
    while w.clock.now() < until:
        await tick.execute()
        while await w.worker.run_once():
            pass
        w.clock.advance(step_s)


async def status(w: World, message_id) -> tuple[MessageStatus, datetime | None]:
    message = await (await w.use("get_message")).execute(ALICE, message_id)
    return message.status, message.sent_at


async def test_a_scheduled_send_waits_until_its_time_then_goes_once(w: World) -> None:
    fan = await w.fan(ALICE)
    send_at = w.clock.now() + timedelta(hours=1)
    send = await w.use("send_message")
    receipt = await send.execute(
        ALICE, NewMessage(fan.id, "later", send_at=send_at), author=SERVICE
    )
    assert receipt.status is MessageStatus.SCHEDULED
    assert receipt.estimated_send_time == send_at
    now_one = await send.execute(ALICE, NewMessage(fan.id, "now"), author=SERVICE)
    assert now_one.queue_position == 1  # the scheduled one is not ahead of it

    await run_until(w, send_at - timedelta(seconds=10))
    assert await status(w, receipt.message_id) == (MessageStatus.SCHEDULED, None)
    await run_until(w, send_at + timedelta(seconds=30))
    sent, sent_at = await status(w, receipt.message_id)
    assert sent is MessageStatus.SENT
    assert sent_at is not None
    assert sent_at >= send_at
    delivered = [d for d in w.gateway.delivered if d.outbound.message_id == receipt.message_id]
    assert len(delivered) == 1


async def test_a_scheduled_send_inside_quiet_hours_says_it_waits_for_the_morning(
    w: World,
) -> None:
    fan = await w.fan(ALICE)
    now = w.clock.now()
    start = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=3)).time().replace(second=0, microsecond=0)
    await (await w.use("update_settings")).execute(
        ALICE, SettingsChanges(quiet_hours=QuietHours(start, end))
    )
    send_at = now + timedelta(hours=2)
    receipt = await (await w.use("send_message")).execute(
        ALICE, NewMessage(fan.id, "night", send_at=send_at), author=SERVICE
    )
    opens = datetime.combine((now + timedelta(hours=3)).date(), end, tzinfo=now.tzinfo)
    assert receipt.estimated_send_time == opens


@pytest.mark.parametrize("offset_s", [0, -60])
async def test_a_send_at_not_in_the_future_is_invalid_naming_it(w: World, offset_s) -> None:
    fan = await w.fan(ALICE)
    send_at = w.clock.now() + timedelta(seconds=offset_s)
    with pytest.raises(Invalid) as refused:
        await (await w.use("send_message")).execute(
            ALICE, NewMessage(fan.id, "x", send_at=send_at), author=SERVICE
        )
    assert refused.value.field == "sendAt"


async def test_a_send_at_without_an_offset_is_invalid(w: World) -> None:
    fan = await w.fan(ALICE)
    naive = datetime.combine(w.clock.now().date() + timedelta(days=1), time(9))
    with pytest.raises(Invalid) as refused:
        await (await w.use("send_message")).execute(
            ALICE, NewMessage(fan.id, "x", send_at=naive), author=SERVICE
        )
    assert refused.value.field == "sendAt"
