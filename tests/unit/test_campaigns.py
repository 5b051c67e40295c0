"""Campaigns through the real container on in-memory adapters: fan-out, pacing, control."""

from __future__ import annotations

import pytest

from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.records import CampaignStatus
from core.errors import Conflict, Invalid, NotFound
from core.messaging.records import MessageStatus
from tests.support.authors import SERVICE
from tests.support.world import World

ALICE, BOB = "alice", "bob"


async def fans(w: World, user: str, count: int) -> list[int]:
    return [(await w.fan(user, f"fan{i}")).id for i in range(count)]


async def create(w: World, user: str = ALICE, **fields) -> int:
    new = NewCampaign(name=fields.pop("name", "spring"), content="hi", **fields)
    accepted = await (await w.use("create_campaign")).execute(user, new, actor=SERVICE)
    await (await w.use("background_fan_outs")).wait()  # the fan-out runs after the answer
    return accepted.campaign_id


async def counters(w: World, campaign_id: int, user: str = ALICE):
    return (await (await w.use("get_campaign")).execute(user, campaign_id)).counters


async def statuses(w: World, campaign_id: int) -> list[MessageStatus]:
    storage = await w.use("storage")
    async with storage.connection() as connection:
        import sqlalchemy as sa

        from adapters.storage.tables import messages

        rows = await connection.execute(
            sa.select(messages.c.status).where(messages.c.campaign_id == campaign_id)
        )
        return sorted(MessageStatus(s) for (s,) in rows)


async def test_recipients_are_deduplicated_and_strangers_counted_failed_and_listed(w: World):
    mine = await fans(w, ALICE, 3)
    bobs = (await w.fan(BOB, "other")).id
    new = NewCampaign("spring", "hi", recipient_ids=(mine[0], mine[0], mine[1], bobs, 999_999))

    accepted = await (await w.use("create_campaign")).execute(ALICE, new, actor=SERVICE)
    await (await w.use("background_fan_outs")).wait()

    assert accepted.queued == 2
    assert accepted.failed_recipient_ids == sorted([bobs, 999_999])
    assert accepted.total_recipients == 4
    assert (await counters(w, accepted.campaign_id)).targeted == 2
    assert w.metrics.count("onlyfans.bulk.campaign") == 1
    assert w.metrics.count("onlyfans.bulk.recipients") == 2


async def test_the_relay_puts_only_a_horizon_of_the_campaign_on_the_queue(w: World):
    await fans(w, ALICE, 400)  # 60/min, burst 5: 300 s of horizon lets ~305 through
    campaign = await create(w, segment=Segment())

    c = await counters(w, campaign)
    assert c.targeted == 400
    assert 0 < c.queued <= 305
    assert c.pending == 400 - c.queued


async def test_a_campaign_drains_completely_and_completes(w: World):
    await fans(w, ALICE, 12)
    campaign = await create(w, segment=Segment())
    sweep = await w.use("tick")

    for _ in range(50):
        await w.drain()
        if not await sweep.execute():
            break

    view = await (await w.use("get_campaign")).execute(ALICE, campaign)
    assert view.counters.sent == 12
    assert view.status is CampaignStatus.COMPLETED
    assert view.progress_percent == 100.0
    assert len(w.gateway.delivered) == 12


async def test_pause_holds_cancel_finishes_and_illegal_moves_are_conflicts(w: World):
    await fans(w, ALICE, 10)
    campaign = await create(w, segment=Segment())
    pause = await w.use("pause_campaign")
    resume = await w.use("resume_campaign")
    cancel = await w.use("cancel_campaign")

    await w.worker.run_once()  # one batch goes out
    sent_before = len(w.gateway.delivered)
    await pause.execute(ALICE, campaign, actor=SERVICE)
    await w.drain()
    assert len(w.gateway.delivered) == sent_before  # nothing after the pause
    with pytest.raises(Conflict):
        await pause.execute(ALICE, campaign, actor=SERVICE)
    with pytest.raises(NotFound):
        await resume.execute(BOB, campaign, actor=SERVICE)

    await resume.execute(ALICE, campaign, actor=SERVICE)
    with pytest.raises(Conflict):
        await resume.execute(ALICE, campaign, actor=SERVICE)
    await cancel.execute(ALICE, campaign, actor=SERVICE)
    await w.drain()
    left = await statuses(w, campaign)
    assert MessageStatus.PENDING not in left
    assert MessageStatus.QUEUED not in left
    assert left.count(MessageStatus.SENT) == len(w.gateway.delivered)
    with pytest.raises(Conflict):
        await pause.execute(ALICE, campaign, actor=SERVICE)


async def test_a_bad_campaign_writes_nothing(w: World):
    await fans(w, ALICE, 2)
    with pytest.raises(Invalid) as raised:
        await create(w, segment=Segment(min_value_cents=10, max_value_cents=5))
    assert raised.value.field == "segment.maxValueCents"
    with pytest.raises(Invalid):
        await create(w)
    page = await (await w.use("list_campaigns")).execute(ALICE, 50, 0)
    assert page.total == 0


async def test_a_single_send_does_not_wait_behind_the_campaigns_outbox(w: World):
    await fans(w, ALICE, 1000)  # 60/min: a week-long backlog would be 1000 min; this is 16
    await create(w, segment=Segment())
    from core.messaging.writer import NewMessage

    receipt = await (await w.use("send_message")).execute(
        ALICE, NewMessage(1, "just you"), author=SERVICE
    )

    # Behind what is on the queue (at most 300 s of the bucket), not the 1000 in the outbox.
    assert receipt.queue_position <= 306
    assert (receipt.estimated_send_time - receipt.queued_at).total_seconds() <= 301
    status = await (await w.use("queue_status")).execute(ALICE)
    assert status.backlog == 1001  # the creator's whole backlog still shows in the status


async def test_the_sweep_leaves_rows_pending_while_the_queue_is_down_then_relays_them(w: World):
    await fans(w, ALICE, 3)
    w.queue.available = False

    campaign = await create(w, segment=Segment())
    assert await statuses(w, campaign) == [MessageStatus.PENDING] * 3  # not failed: kept

    w.queue.available = True
    assert await (await w.use("tick")).execute() == 3
    await w.drain()
    assert (await counters(w, campaign)).sent == 3
