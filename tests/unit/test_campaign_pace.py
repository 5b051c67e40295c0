"""A campaign's own pace end to end on a manual clock (the real container, in-memory adapters):
a campaign at 6 a minute on an account of 60 has its messages at least 10 s apart, while a
reply still goes at once; a rate above the account's, a past stop time, a bad cap are 400s."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from adapters.storage.tables import messages
from core.campaigns import CampaignLimits
from core.campaigns.audience import NewCampaign
from core.errors import Invalid
from core.messaging.writer import NewMessage
from core.settings import SettingsChanges
from tests.support.authors import SERVICE
from tests.support.world import World, world

ALICE = "creator-a"


async def run_for(w: World, seconds: int) -> None:
    tick = await w.use("tick")
    for _ in range(seconds):
        await tick.execute()
        while await w.worker.run_once():
            pass
        w.clock.advance(1)


async def sent_times(w: World, campaign_id: int) -> list[datetime]:
    storage = await w.use("storage")
    query = sa.select(messages.c.sent_at).where(
        messages.c.campaign_id == campaign_id, messages.c.sent_at.is_not(None)
    )
    async with storage.connection() as connection:
        return sorted((await connection.execute(query)).scalars())


async def test_a_slow_campaign_keeps_its_own_pace_and_a_reply_still_goes_at_once() -> None:
    async with world(SEND_RATE_PER_MINUTE="60", SEND_BURST="5") as w:
        fans = [(await w.fan(ALICE, f"f{i}")).id for i in range(8)]
        create = await w.use("create_campaign")
        accepted = await create.execute(
            ALICE,
            NewCampaign("slow", "hi", recipient_ids=tuple(fans),
                        limits=CampaignLimits(rate_per_minute=6)),
            actor=SERVICE,
        )  # fmt: skip
        # 8 at 6 a minute: the last one 70 s after the first, not 8 s as the account would allow.
        assert accepted.estimated_completion_time >= w.clock.now() + timedelta(seconds=70)
        await (await w.use("background_fan_outs")).wait()
        await run_for(w, 25)
        reply = await (await w.use("send_message")).execute(
            ALICE, NewMessage(fans[0], "re"), author=SERVICE
        )
        assert reply.estimated_send_time - w.clock.now() <= timedelta(seconds=1)
        await run_for(w, 90)
        times = await sent_times(w, accepted.campaign_id)
        assert len(times) == 8
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) >= timedelta(seconds=10)


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        (CampaignLimits(rate_per_minute=61), "ratePerMinute"),
        (CampaignLimits(rate_per_minute=0), "ratePerMinute"),
        (CampaignLimits(max_messages=0), "maxMessages"),
        (CampaignLimits(max_messages=100_001), "maxMessages"),
    ],
)
async def test_bad_limits_are_invalid_naming_the_field(w: World, limits, field) -> None:
    fan = await w.fan(ALICE)
    with pytest.raises(Invalid) as refused:
        await (await w.use("create_campaign")).execute(
            ALICE, NewCampaign("x", "hi", recipient_ids=(fan.id,), limits=limits), actor=SERVICE
        )
    assert refused.value.field == field


async def test_a_rate_above_the_accounts_and_a_past_stop_are_invalid(w: World) -> None:
    fan = await w.fan(ALICE)
    create = await w.use("create_campaign")
    await (await w.use("update_settings")).execute(ALICE, SettingsChanges(rate_per_minute=10))
    with pytest.raises(Invalid) as faster:
        await create.execute(
            ALICE, NewCampaign("x", "hi", recipient_ids=(fan.id,),
                               limits=CampaignLimits(rate_per_minute=11)),
            actor=SERVICE,
        )  # fmt: skip
    assert faster.value.field == "ratePerMinute"
    past = CampaignLimits(stop_at=w.clock.now() - timedelta(seconds=1))
    with pytest.raises(Invalid) as stop:
        await create.execute(
            ALICE, NewCampaign("x", "hi", recipient_ids=(fan.id,), limits=past), actor=SERVICE
        )
    assert stop.value.field == "stopAt"
    send_at = w.clock.now() + timedelta(hours=2)
    before_start = CampaignLimits(stop_at=send_at - timedelta(hours=1))
    with pytest.raises(Invalid) as order:
        await create.execute(
            ALICE,
            NewCampaign("x", "hi", recipient_ids=(fan.id,), send_at=send_at, limits=before_start),
            actor=SERVICE,
        )
    assert order.value.field == "stopAt"
    listed = await (await w.use("list_campaigns")).execute(ALICE, 10, 0)
    assert listed.total == 0


async def test_a_capped_campaign_says_so_and_a_stopped_one_cancels_the_rest(w: World) -> None:
    fans = [(await w.fan(ALICE, f"f{i}")).id for i in range(6)]
    create = await w.use("create_campaign")
    stop_at = w.clock.now() + timedelta(seconds=30)
    accepted = await create.execute(
        ALICE,
        NewCampaign("cap", "hi", recipient_ids=tuple(fans),
                    limits=CampaignLimits(rate_per_minute=6, stop_at=stop_at, max_messages=5)),
        actor=SERVICE,
    )  # fmt: skip
    assert accepted.queued == 5
    assert accepted.estimated_completion_time <= stop_at
    await (await w.use("background_fan_outs")).wait()
    await run_for(w, 60)
    view = await (await w.use("get_campaign")).execute(ALICE, accepted.campaign_id)
    c = view.counters
    assert c.targeted == 5
    assert c.sent + c.cancelled == 5
    assert c.cancelled >= 1  # 6 a minute cannot send 5 in 30 s
    assert str(view.status) == "completed"
