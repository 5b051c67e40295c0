"""Scheduled campaigns on SQLite (memory, file) and PostgreSQL: started exactly once by two
runners at once, started with what an edit changed, never started once cancelled, nothing lost
across a restart (a schedule is only its row), and the audience resolved when it starts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from adapters.clock import ManualClock
from adapters.metrics.memory import InMemoryMetrics
from adapters.queue.memory import InMemoryMessageQueue
from adapters.ratelimit.memory import InMemoryRateLimiter
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import messages
from core.campaigns import CampaignEdit, CampaignStatus, EditScheduledCampaign, StartDueCampaigns
from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.control import CancelCampaign
from core.campaigns.fan_out import FanOutCampaign
from core.errors import Conflict, Invalid, NotFound
from core.messaging.config import MessagingConfig
from core.messaging.relay import OutboxRelay
from core.messaging.sweep import SweepOutbox
from core.settings import AccountRules
from tests.support.authors import SERVICE
from tests.support.storage import T0, add_fan

CONFIG = MessagingConfig(fan_out_chunk=2)
SEND_AT = T0 + timedelta(hours=2)


def starter(storage: SqlAlchemyStorage, clock: ManualClock) -> StartDueCampaigns:
    """What one worker or Lambda builds at start: nothing but the database is shared."""
    return StartDueCampaigns(storage, FanOutCampaign(storage, clock, CONFIG), clock)


def editor(storage: SqlAlchemyStorage, clock: ManualClock) -> EditScheduledCampaign:
    return EditScheduledCampaign(storage, clock, AccountRules(storage, CONFIG.send_policy))


async def scheduled(storage: SqlAlchemyStorage, new: NewCampaign, owner: str) -> int:
    async with storage.begin() as uow:
        stored = await uow.campaigns.add(new.to_campaign(owner))
    assert stored.id is not None
    assert stored.status is CampaignStatus.SCHEDULED
    return stored.id


async def written(storage: SqlAlchemyStorage, campaign_id: int) -> list[tuple[int, str]]:
    async with storage.connection() as connection:
        rows = await connection.execute(
            sa.select(messages.c.fan_id, messages.c.text).where(
                messages.c.campaign_id == campaign_id
            )
        )
        return sorted((fan_id, text) for fan_id, text in rows)


async def status_of(storage: SqlAlchemyStorage, owner: str, campaign_id: int) -> CampaignStatus:
    async with storage.begin() as uow:
        campaign = await uow.campaigns.get(owner, campaign_id)
    assert campaign is not None
    return campaign.status


async def test_two_runners_at_once_start_it_exactly_once(storage: SqlAlchemyStorage) -> None:
    owner = f"creator-{uuid4().hex}"
    fans = [(await add_fan(storage, owner, f"fan{i}")).id for i in range(5)]
    campaign_id = await scheduled(
        storage, NewCampaign("eve", "hi", segment=Segment(), send_at=SEND_AT), owner
    )
    clock = ManualClock(SEND_AT)
    first, second = await asyncio.gather(
        starter(storage, clock).execute(), starter(storage, clock).execute()
    )
    assert sorted(first + second) == [campaign_id]
    assert await written(storage, campaign_id) == [(fan, "hi") for fan in fans]
    assert await status_of(storage, owner, campaign_id) is CampaignStatus.RUNNING
    assert await starter(storage, clock).execute() == []  # and never again


async def test_not_due_not_started_and_the_audience_is_resolved_when_it_starts(
    storage: SqlAlchemyStorage,
) -> None:
    owner = f"creator-{uuid4().hex}"
    early = (await add_fan(storage, owner, "early", tags=["vip"])).id
    new = NewCampaign("eve", "hi", segment=Segment(tags_any=frozenset({"vip"})), send_at=SEND_AT)
    campaign_id = await scheduled(storage, new, owner)
    clock = ManualClock(SEND_AT - timedelta(seconds=1))
    assert await starter(storage, clock).execute() == []
    assert await written(storage, campaign_id) == []
    late = (await add_fan(storage, owner, "late", tags=["vip"])).id  # joined after scheduling
    clock.advance(1)
    assert await starter(storage, clock).execute() == [campaign_id]
    assert await written(storage, campaign_id) == [(early, "hi"), (late, "hi")]


async def test_edited_then_started_with_the_new_content_audience_and_time(
    storage: SqlAlchemyStorage,
) -> None:
    owner = f"creator-{uuid4().hex}"
    old = [(await add_fan(storage, owner, f"old{i}")).id for i in range(2)]
    new_fans = [(await add_fan(storage, owner, f"new{i}")).id for i in range(3)]
    campaign_id = await scheduled(
        storage, NewCampaign("eve", "old text", recipient_ids=tuple(old), send_at=SEND_AT), owner
    )
    later = SEND_AT + timedelta(hours=1)
    edit = CampaignEdit(content="new text", recipient_ids=tuple(new_fans), send_at=later)
    view = await editor(storage, ManualClock(T0)).execute(owner, campaign_id, edit, actor=SERVICE)
    assert view.campaign.send_at == later
    assert view.status is CampaignStatus.SCHEDULED
    assert await starter(storage, ManualClock(SEND_AT)).execute() == []  # the old time is gone
    assert await starter(storage, ManualClock(later)).execute() == [campaign_id]
    assert await written(storage, campaign_id) == [(fan, "new text") for fan in new_fans]
    with pytest.raises(Conflict):  # started: no more edits
        await editor(storage, ManualClock(later)).execute(owner, campaign_id, edit, actor=SERVICE)


async def test_an_edit_is_checked_and_another_tenants_campaign_is_not_found(
    storage: SqlAlchemyStorage,
) -> None:
    owner = f"creator-{uuid4().hex}"
    fan = (await add_fan(storage, owner, "luna")).id
    campaign_id = await scheduled(
        storage, NewCampaign("eve", "hi", recipient_ids=(fan,), send_at=SEND_AT), owner
    )
    use_case = editor(storage, ManualClock(T0))
    with pytest.raises(Invalid) as past:
        await use_case.execute(
            owner, campaign_id, CampaignEdit(send_at=T0 - timedelta(1)), actor=SERVICE
        )
    assert past.value.field == "sendAt"
    with pytest.raises(Invalid) as blocked:
        await use_case.execute(
            owner, campaign_id, CampaignEdit(content="pay by zelle"), actor=SERVICE
        )
    assert blocked.value.field == "content"
    with pytest.raises(NotFound):
        await use_case.execute(
            "someone-else", campaign_id, CampaignEdit(content="x"), actor=SERVICE
        )
    async with storage.begin() as uow:
        stored = await uow.campaigns.get(owner, campaign_id)
    assert stored is not None
    assert stored.template.content == "hi"
    assert stored.send_at == SEND_AT


async def test_cancelled_never_starts(storage: SqlAlchemyStorage) -> None:
    owner = f"creator-{uuid4().hex}"
    fan = (await add_fan(storage, owner, "luna")).id
    campaign_id = await scheduled(
        storage, NewCampaign("eve", "hi", recipient_ids=(fan,), send_at=SEND_AT), owner
    )
    clock = ManualClock(T0)
    queue = InMemoryMessageQueue(clock)
    relay = OutboxRelay(storage, queue, InMemoryMetrics(), clock, CONFIG)
    sweep = SweepOutbox(storage, relay, InMemoryRateLimiter(clock), clock, CONFIG)
    view = await CancelCampaign(storage, sweep, clock).execute(owner, campaign_id, actor=SERVICE)
    assert view.status is CampaignStatus.CANCELLED
    assert await starter(storage, ManualClock(SEND_AT + timedelta(days=1))).execute() == []
    assert await written(storage, campaign_id) == []
    with pytest.raises(Conflict):
        await editor(storage, clock).execute(
            owner, campaign_id, CampaignEdit(content="x"), actor=SERVICE
        )


async def test_a_restart_in_between_loses_nothing(storage: SqlAlchemyStorage) -> None:
    """Scheduled by one process, started by another built afresh after it: the row is the
    schedule. A runner that dies after its claim leaves an unfinished fan-out, which the next
    tick's ContinueFanOuts carries on (tests/contract/test_campaign_fanout_resume_contract.py)."""
    owner = f"creator-{uuid4().hex}"
    fans = [(await add_fan(storage, owner, f"fan{i}")).id for i in range(3)]
    campaign_id = await scheduled(
        storage, NewCampaign("eve", "hi", recipient_ids=tuple(fans), send_at=SEND_AT), owner
    )
    first_clock = ManualClock(T0)
    assert await starter(storage, first_clock).execute() == []  # the first process, then it stops
    assert await starter(storage, ManualClock(SEND_AT + timedelta(hours=5))).execute() == [
        campaign_id
    ]
    assert await written(storage, campaign_id) == [(fan, "hi") for fan in fans]
