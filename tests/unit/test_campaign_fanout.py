"""A campaign's fan-out after the answer, through the real container on in-memory adapters: the
answer comes before the messages, pause and cancel in the middle of a fan-out, and the sweep
carrying on a fan-out the API did not finish."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.records import CampaignStatus
from core.messaging.records import MessageStatus
from tests.support.authors import SERVICE
from tests.support.world import World, world
from tests.unit.test_campaigns import ALICE, counters, fans, statuses

FANS, CHUNK = 10, 4


@pytest.fixture
async def w() -> AsyncIterator[World]:
    async with world(
        SEND_RATE_PER_MINUTE="60", SEND_BURST="5", FANOUT_CHUNK_SIZE=str(CHUNK)
    ) as built:
        yield built


async def half_fanned_out(w: World) -> int:
    """A campaign to FANS fans whose API stopped after answering; then one chunk written."""
    await fans(w, ALICE, FANS)
    new = NewCampaign("spring", "hi", segment=Segment())
    accepted = await (await w.use("create_campaign")).execute(ALICE, new, actor=SERVICE)
    await (await w.use("background_fan_outs")).close()  # the shutdown cuts the fan-out short
    fan_out = await w.use("fan_out_campaign")
    await fan_out.execute(ALICE, accepted.campaign_id, max_chunks=1)
    return accepted.campaign_id


async def test_the_answer_counts_the_audience_and_the_background_fan_out_writes_it(w: World):
    await fans(w, ALICE, FANS)
    new = NewCampaign("spring", "hi", segment=Segment())

    accepted = await (await w.use("create_campaign")).execute(ALICE, new, actor=SERVICE)
    await (await w.use("background_fan_outs")).wait()
    after = await (await w.use("get_campaign")).execute(ALICE, accepted.campaign_id)

    assert (accepted.queued, accepted.total_recipients) == (FANS, FANS)
    assert accepted.status is CampaignStatus.RUNNING
    assert (after.counters.targeted, after.fan_out_complete) == (FANS, True)
    assert after.counters.queued > 0  # its first slice was relayed once written


async def test_an_empty_audience_is_fanned_out_and_completed_at_once(w: World):
    new = NewCampaign("nobody", "hi", segment=Segment(tags_all=frozenset({"none"})))

    accepted = await (await w.use("create_campaign")).execute(ALICE, new, actor=SERVICE)
    view = await (await w.use("get_campaign")).execute(ALICE, accepted.campaign_id)

    assert (accepted.queued, accepted.status) == (0, CampaignStatus.COMPLETED)
    assert view.fan_out_complete
    assert view.status is CampaignStatus.COMPLETED


async def test_the_sweep_carries_on_a_fan_out_the_api_left_halfway(w: World):
    campaign = await half_fanned_out(w)
    assert (await counters(w, campaign)).targeted == CHUNK

    await (await w.use("tick")).execute()
    await w.drain()

    view = await (await w.use("get_campaign")).execute(ALICE, campaign)
    assert view.fan_out_complete
    assert len(w.gateway.delivered) == len(set(w.gateway.delivered_ids())) <= FANS
    assert view.counters.targeted == FANS


async def test_paused_mid_fan_out_the_rest_is_written_but_nothing_goes_out_until_resumed(w: World):
    campaign = await half_fanned_out(w)
    await (await w.use("pause_campaign")).execute(ALICE, campaign, actor=SERVICE)

    sweep = await w.use("tick")
    assert await sweep.execute() == 0  # it fans out the rest, and relays none of it
    await w.drain()
    assert w.gateway.delivered == []
    assert await statuses(w, campaign) == [MessageStatus.PENDING] * FANS

    await (await w.use("resume_campaign")).execute(ALICE, campaign, actor=SERVICE)
    for _ in range(20):
        await w.drain()
        if not await sweep.execute():
            break
    view = await (await w.use("get_campaign")).execute(ALICE, campaign)
    assert view.counters.sent == FANS
    assert view.status is CampaignStatus.COMPLETED


async def test_cancelled_mid_fan_out_nothing_more_is_written_and_nothing_is_left_to_send(
    w: World,
):
    campaign = await half_fanned_out(w)

    view = await (await w.use("cancel_campaign")).execute(ALICE, campaign, actor=SERVICE)
    await (await w.use("tick")).execute()
    await (await w.use("fan_out_campaign")).execute(ALICE, campaign)
    await w.drain()

    assert await statuses(w, campaign) == [MessageStatus.CANCELLED] * CHUNK
    assert w.gateway.delivered == []
    assert view.status is CampaignStatus.CANCELLED
    assert not view.fan_out_complete
