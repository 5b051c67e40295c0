"""A campaign's cap and stop time on SQLite (memory, file) and PostgreSQL: the fan-out writes no
more than `maxMessages` whatever the chunking; at `stopAt` what is left is cancelled, nothing more
is written, and a campaign already complete is left as it is."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import sqlalchemy as sa

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import messages
from core.campaigns import CampaignLimits, CampaignStatus, StopCampaignsPastStopAt
from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.fan_out import FanOutCampaign
from core.messaging.config import MessagingConfig
from core.messaging.records import MessageStatus
from tests.support.storage import T0, add_fan

CONFIG = MessagingConfig(fan_out_chunk=3)
STOP = T0 + timedelta(hours=1)


async def accepted(
    storage: SqlAlchemyStorage, fans: int, limits: CampaignLimits
) -> tuple[str, int]:
    owner = f"creator-{uuid4().hex}"
    for i in range(fans):
        await add_fan(storage, owner, f"fan{i}")
    new = NewCampaign("spring", "hi", segment=Segment(), limits=limits)
    async with storage.begin() as uow:
        stored = await uow.campaigns.add(new.to_campaign(owner))
    assert stored.id is not None
    return owner, stored.id


async def statuses(storage: SqlAlchemyStorage, campaign_id: int) -> list[str]:
    async with storage.connection() as connection:
        rows = await connection.execute(
            sa.select(messages.c.status).where(messages.c.campaign_id == campaign_id)
        )
        return sorted(status for (status,) in rows)


async def test_the_fan_out_writes_no_more_than_the_cap(storage: SqlAlchemyStorage) -> None:
    owner, campaign_id = await accepted(storage, 10, CampaignLimits(max_messages=7))
    written = await FanOutCampaign(storage, ManualClock(T0), CONFIG).execute(owner, campaign_id)
    assert written == 7
    assert await statuses(storage, campaign_id) == ["pending"] * 7
    async with storage.begin() as uow:
        campaign = await uow.campaigns.get(owner, campaign_id)
    assert campaign is not None
    assert campaign.fanned_out_at is not None  # ended at the cap, not at the audience's end
    assert campaign.limits == CampaignLimits(max_messages=7)


async def test_at_its_stop_time_what_is_left_is_cancelled(storage: SqlAlchemyStorage) -> None:
    owner, campaign_id = await accepted(storage, 8, CampaignLimits(stop_at=STOP))
    fan_out = FanOutCampaign(storage, ManualClock(T0), CONFIG)
    await fan_out.execute(owner, campaign_id, max_chunks=1)  # 3 written, 5 to go
    async with storage.begin() as uow:
        await uow.outbox.move_campaign_rows(
            owner, campaign_id, [MessageStatus.PENDING], MessageStatus.QUEUED, T0
        )
    early = StopCampaignsPastStopAt(storage, ManualClock(STOP - timedelta(seconds=1)))
    assert await early.execute() == []
    stop = StopCampaignsPastStopAt(storage, ManualClock(STOP))
    assert await stop.execute() == [campaign_id]
    assert await statuses(storage, campaign_id) == ["cancelled"] * 3
    assert await fan_out.execute(owner, campaign_id) == 0  # the fan-out has ended
    assert await stop.execute() == []  # done once
    async with storage.begin() as uow:
        campaign = await uow.campaigns.get(owner, campaign_id)
    assert campaign is not None
    assert campaign.status is CampaignStatus.RUNNING  # with nothing left: completed


async def test_a_paused_campaign_is_stopped_too_and_a_complete_one_is_left(
    storage: SqlAlchemyStorage,
) -> None:
    owner, paused = await accepted(storage, 2, CampaignLimits(stop_at=STOP))
    fan_out = FanOutCampaign(storage, ManualClock(T0), CONFIG)
    await fan_out.execute(owner, paused)
    async with storage.begin() as uow:
        await uow.campaigns.set_status(
            owner, paused, CampaignStatus.PAUSED, T0, only_from=[CampaignStatus.RUNNING]
        )
        await uow.outbox.move_campaign_rows(
            owner, paused, [MessageStatus.PENDING], MessageStatus.HELD, T0
        )
    other, complete = await accepted(storage, 2, CampaignLimits(stop_at=STOP))
    await fan_out.execute(other, complete)
    async with storage.begin() as uow:
        await uow.outbox.move_campaign_rows(
            other, complete, [MessageStatus.PENDING], MessageStatus.SENT, T0
        )
    stopped = await StopCampaignsPastStopAt(storage, ManualClock(STOP)).execute()
    assert paused in stopped
    assert complete not in stopped
    assert await statuses(storage, paused) == ["cancelled"] * 2
    assert await statuses(storage, complete) == ["sent"] * 2
