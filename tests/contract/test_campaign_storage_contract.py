"""The campaign repository's own queries on SQLite (memory, file) and a real PostgreSQL."""

from __future__ import annotations

from adapters.storage.database import SqlAlchemyStorage
from core.campaigns.records import CampaignCounters
from core.messaging.records import MessageStatus
from tests.support.storage import ALICE, BOB, add_campaign, add_fan, add_message


async def test_counters_count_each_campaigns_rows_by_state_and_sending_as_queued(
    storage: SqlAlchemyStorage,
):
    spring, autumn = await add_campaign(storage, ALICE), await add_campaign(storage, ALICE, "fall")
    statuses = [
        MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT,
        MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.HELD, MessageStatus.CANCELLED,
    ]  # fmt: skip
    for i, status in enumerate(statuses):
        fan = await add_fan(storage, ALICE, f"fan{i}")
        await add_message(storage, fan, status, campaign_id=spring)
        if i < 2:
            await add_message(storage, fan, MessageStatus.SENT, campaign_id=autumn)
    await add_message(storage, fan, MessageStatus.PENDING)  # a single send counts nowhere

    async with storage.begin() as uow:
        counted = await uow.campaigns.counters(ALICE, [spring, autumn])

    assert counted == {
        spring: CampaignCounters(pending=1, queued=2, sent=2, failed=1, held=1, cancelled=1),
        autumn: CampaignCounters(sent=2),
    }
    assert counted[spring].targeted == len(statuses)


async def test_counters_leave_out_other_tenants_and_empty_campaigns(storage: SqlAlchemyStorage):
    alices, empty = await add_campaign(storage, ALICE), await add_campaign(storage, ALICE, "none")
    await add_message(storage, await add_fan(storage, ALICE, "luna"), campaign_id=alices)

    async with storage.begin() as uow:
        assert await uow.campaigns.counters(BOB, [alices]) == {}
        assert await uow.campaigns.counters(ALICE, [empty]) == {}
        assert await uow.campaigns.counters(ALICE, []) == {}
        assert await uow.campaigns.counters(ALICE, [alices, empty]) == {
            alices: CampaignCounters(pending=1)
        }
