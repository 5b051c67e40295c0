"""A campaign's fan-out written a chunk at a time, on SQLite (memory, file) and PostgreSQL: a runner
that dies after some chunks is carried on exactly, two runners at once write each fan once, and a
cancel and a chunk in flight are ordered by the campaign row's lock (nothing is left pending).
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
import sqlalchemy as sa

from adapters.clock import ManualClock
from adapters.metrics.memory import InMemoryMetrics
from adapters.queue.memory import InMemoryMessageQueue
from adapters.ratelimit.memory import InMemoryRateLimiter
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import messages
from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.control import CancelCampaign
from core.campaigns.fan_out import ContinueFanOuts, FanOutCampaign
from core.campaigns.records import Campaign, CampaignStatus
from core.messaging.config import MessagingConfig
from core.messaging.records import MessageStatus
from core.messaging.relay import OutboxRelay
from core.messaging.sweep import SweepOutbox
from tests.support.authors import SERVICE
from tests.support.storage import T0, add_fan

CONFIG = MessagingConfig(fan_out_chunk=3)


def runner(storage: SqlAlchemyStorage) -> FanOutCampaign:
    return FanOutCampaign(storage, ManualClock(T0), CONFIG)


async def accepted(storage: SqlAlchemyStorage, fans: int) -> tuple[Campaign, list[int]]:
    """A tenant with `fans` fans and a campaign to all of them, accepted but not fanned out."""
    owner = f"creator-{uuid4().hex}"
    ids = [(await add_fan(storage, owner, f"fan{i}")).id for i in range(fans)]
    async with storage.begin() as uow:
        stored = await uow.campaigns.add(
            NewCampaign("spring", "hi", segment=Segment()).to_campaign(owner)
        )
    assert stored.id is not None
    return stored, ids


async def fan_ids(storage: SqlAlchemyStorage, campaign_id: int) -> list[int]:
    async with storage.connection() as connection:
        found = await connection.execute(
            sa.select(messages.c.fan_id).where(messages.c.campaign_id == campaign_id)
        )
        return sorted(fan_id for (fan_id,) in found)


async def statuses(storage: SqlAlchemyStorage, campaign_id: int) -> list[MessageStatus]:
    async with storage.connection() as connection:
        found = await connection.execute(
            sa.select(messages.c.status).where(messages.c.campaign_id == campaign_id)
        )
        return sorted(MessageStatus(status) for (status,) in found)


async def reread(storage: SqlAlchemyStorage, campaign: Campaign) -> Campaign:
    assert campaign.id is not None
    async with storage.begin() as uow:
        found = await uow.campaigns.get(campaign.user_id, campaign.id)
    assert found is not None
    return found


def cancel_use_case(storage: SqlAlchemyStorage) -> CancelCampaign:
    clock = ManualClock(T0)
    queue = InMemoryMessageQueue(clock)
    relay = OutboxRelay(storage, queue, InMemoryMetrics(), clock, CONFIG)
    sweep = SweepOutbox(storage, relay, InMemoryRateLimiter(clock), clock, CONFIG)
    return CancelCampaign(storage, sweep, clock)


async def test_a_runner_killed_after_two_chunks_is_carried_on_exactly(
    storage: SqlAlchemyStorage,
):
    campaign, ids = await accepted(storage, 11)
    assert campaign.id is not None
    assert await runner(storage).execute(campaign.user_id, campaign.id, max_chunks=2) == 6

    # The kill: the third chunk is written but never committed.
    async def killed_before_the_commit() -> None:
        async with storage.begin() as uow:
            locked = await uow.campaigns.lock(campaign.user_id, campaign.id)
            assert locked is not None
            assert (await uow.campaigns.fan_out(locked, T0, 3)).written == 3
            raise RuntimeError("SIGKILL")

    with pytest.raises(RuntimeError):
        await killed_before_the_commit()
    halfway = await reread(storage, campaign)
    assert (halfway.fanout_cursor, halfway.fanned_out_at) == (ids[5], None)
    assert await fan_ids(storage, campaign.id) == ids[:6]

    # What the sweep runs: every unfinished fan-out, from its cursor.
    assert await ContinueFanOuts(storage, runner(storage)).execute() == 5
    assert await fan_ids(storage, campaign.id) == ids  # each fan exactly once
    done = await reread(storage, campaign)
    assert (done.fanout_cursor, done.fanned_out_at) == (ids[-1], T0)
    assert await runner(storage).execute(campaign.user_id, campaign.id) == 0


async def test_two_runners_at_once_write_each_fan_once(storage: SqlAlchemyStorage):
    campaign, ids = await accepted(storage, 20)
    assert campaign.id is not None

    both = await asyncio.gather(
        runner(storage).execute(campaign.user_id, campaign.id),
        runner(storage).execute(campaign.user_id, campaign.id),
    )

    assert sum(both) == 20
    assert await fan_ids(storage, campaign.id) == ids
    assert (await reread(storage, campaign)).fanned_out_at == T0


async def test_a_cancel_waits_for_the_chunk_in_flight_and_cancels_its_rows(
    storage: SqlAlchemyStorage,
):
    campaign, _ = await accepted(storage, 10)
    assert campaign.id is not None
    async with storage.begin() as uow:
        locked = await uow.campaigns.lock(campaign.user_id, campaign.id)
        assert locked is not None
        await uow.campaigns.fan_out(locked, T0, 3)
        cancelling = asyncio.create_task(
            cancel_use_case(storage).execute(campaign.user_id, campaign.id, actor=SERVICE)
        )
        await asyncio.sleep(0.3)
        assert not cancelling.done()  # it waits for the chunk's lock
    view = await cancelling

    assert view.status is CampaignStatus.CANCELLED
    assert await runner(storage).execute(campaign.user_id, campaign.id) == 0
    assert await statuses(storage, campaign.id) == [MessageStatus.CANCELLED] * 3
    assert not view.fan_out_complete


async def test_a_chunk_waits_for_a_cancel_in_flight_and_writes_nothing(
    storage: SqlAlchemyStorage,
):
    campaign, _ = await accepted(storage, 10)
    assert campaign.id is not None
    async with storage.begin() as uow:
        assert await uow.campaigns.set_status(
            campaign.user_id, campaign.id, CampaignStatus.CANCELLED, T0,
            only_from=[CampaignStatus.RUNNING],
        )  # fmt: skip
        fanning_out = asyncio.create_task(runner(storage).execute(campaign.user_id, campaign.id))
        await asyncio.sleep(0.3)
        assert not fanning_out.done()  # it waits for the cancel's lock
    assert await fanning_out == 0
    assert await statuses(storage, campaign.id) == []
    async with storage.begin() as uow:
        assert await uow.campaigns.unfinished_fan_outs() == []  # the sweep leaves it alone
