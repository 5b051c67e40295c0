"""A scheduled campaign and two scheduled sweep Lambdas, each with its own container and event
loop on one database (a SQLite file), fired at the same moment from two threads: the campaign
starts exactly once, each fan gets one message, and neither sweep starts it before it is due."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from dependency_injector import providers

from adapters.clock import ManualClock
from adapters.storage.migrator import SchemaMigrator
from adapters.storage.tables import messages
from core.campaigns import CampaignStatus
from core.campaigns.audience import NewCampaign, Segment
from core.fans.records import NewFan, Platform
from entrypoints.container import build_container, resolve
from entrypoints.lambda_consumer.sweep import ScheduledSweep
from tests.support.authors import SERVICE
from tests.support.world import settings_for_tests

CREATOR = "creator-a"


def lambda_on(url: str, clock: ManualClock) -> ScheduledSweep:
    container = build_container(settings_for_tests(DATABASE_URL=url))
    container.clock.override(providers.Object(clock))
    return ScheduledSweep.started(container)


def test_two_lambdas_at_once_start_a_due_campaign_exactly_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    asyncio.run(SchemaMigrator(url).upgrade())  # `fancrm db upgrade`, as before a deployment
    clock = ManualClock()
    first, second = lambda_on(url, clock), lambda_on(url, clock)
    try:
        storage = first.loop.run_until_complete(resolve(first.container.storage))
        create_fan = first.loop.run_until_complete(resolve(first.container.create_fan))

        async def schedule() -> int:
            for i in range(7):
                await create_fan.execute(CREATOR, NewFan(Platform.ONLYFANS, f"f{i}"))
            new = NewCampaign("eve", "hi", segment=Segment(), send_at=clock.now() + timedelta(1))
            async with storage.begin() as uow:
                stored = await uow.campaigns.add(new.to_campaign(CREATOR))
            assert stored.id is not None
            return stored.id

        campaign_id = first.loop.run_until_complete(schedule())
        first.handle()
        second.handle()  # not due yet: neither starts it

        async def state() -> tuple[CampaignStatus, list[int]]:
            async with storage.begin() as uow:
                campaign = await uow.campaigns.get(CREATOR, campaign_id)
            async with storage.connection() as connection:
                fans = await connection.execute(
                    sa.select(messages.c.fan_id).where(messages.c.campaign_id == campaign_id)
                )
                written = sorted(fan for (fan,) in fans)
            assert campaign is not None
            return campaign.status, written

        assert first.loop.run_until_complete(state()) == (CampaignStatus.SCHEDULED, [])
        clock.advance(timedelta(days=1, seconds=1).total_seconds())
        caplog.set_level("INFO", logger="core.campaigns.schedule")
        threads = [threading.Thread(target=sweep.handle) for sweep in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        starts = [r for r in caplog.records if r.getMessage() == "scheduled campaign started"]
        assert len(starts) == 1  # one claim won; the other Lambda found it running
        status, written = first.loop.run_until_complete(state())
        assert status is CampaignStatus.RUNNING
        assert len(written) == 7
        assert len(set(written)) == 7
    finally:
        first.close()
        second.close()


def test_a_schedule_survives_a_restart(tmp_path: Path) -> None:
    """Scheduled through one container, which then stops; a new one, built afresh on the same
    database, starts it when due."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    asyncio.run(SchemaMigrator(url).upgrade())
    clock = ManualClock()
    before = lambda_on(url, clock)
    try:
        create_fan = before.loop.run_until_complete(resolve(before.container.create_fan))
        create_campaign = before.loop.run_until_complete(resolve(before.container.create_campaign))

        async def schedule() -> int:
            fans = [
                (await create_fan.execute(CREATOR, NewFan(Platform.ONLYFANS, f"f{i}"))).id
                for i in range(3)
            ]
            new = NewCampaign(
                "eve", "hi", recipient_ids=tuple(fans), send_at=clock.now() + timedelta(hours=1)
            )
            return (await create_campaign.execute(CREATOR, new, actor=SERVICE)).campaign_id

        campaign_id = before.loop.run_until_complete(schedule())
    finally:
        before.close()
    clock.advance(3601)
    after = lambda_on(url, clock)
    try:
        after.handle()
        view = after.loop.run_until_complete(
            after.loop.run_until_complete(resolve(after.container.get_campaign)).execute(
                CREATOR, campaign_id
            )
        )
        assert view.status is CampaignStatus.RUNNING
        assert view.counters.targeted == 3
        assert view.counters.pending == 0  # relayed by the same tick
    finally:
        after.close()
