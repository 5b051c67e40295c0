"""The purchases record on SQLite (memory, file) and a real PostgreSQL: what a `ppv.purchased`
event writes, in the event's transaction, and what becomes of it when its fan or campaign goes."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import campaigns, purchases
from core.analytics.records import Spend
from core.checks import MAX_BIGINT
from core.errors import Conflict
from core.fans.records import Platform
from core.fans.updates import DeleteFan
from core.inbound.events import EventType, FanRef, InboundEvent, PpvPurchased
from core.inbound.process import ProcessInboundEvent
from core.inbound.records import Purchase
from tests.support.authors import SERVICE
from tests.support.storage import ALICE, BOB, T0, add_campaign, add_fan, add_message

OCCURRED = T0 - timedelta(days=2)  # the bridge's time, days before we process it (T0)


def _purchase(amount: int, message_id: UUID | None = None, event_id: str = "") -> InboundEvent:
    return InboundEvent(
        event_id or f"e-{uuid4()}",
        EventType.PPV_PURCHASED,
        ALICE,
        OCCURRED,
        FanRef(Platform.ONLYFANS, "luna"),
        PpvPurchased(amount, message_id),
    )


async def _rows(storage: SqlAlchemyStorage) -> list[sa.Row]:
    async with storage.connection() as connection:
        query = sa.select(purchases).order_by(purchases.c.id)
        return list(await connection.execute(query))


async def test_a_purchase_event_records_amount_time_campaign_and_message(
    storage: SqlAlchemyStorage,
):
    luna = await add_fan(storage, ALICE, "luna")
    campaign_id = await add_campaign(storage, ALICE)
    bought = await add_message(storage, luna, campaign_id=campaign_id)
    process = ProcessInboundEvent(storage, ManualClock(T0))

    await process.execute(_purchase(700, bought.id))
    await process.execute(_purchase(300))  # a tip with no message
    await process.execute(_purchase(50, uuid4()))  # a message id that is not the creator's

    rows = [
        (r.user_id, r.fan_id, r.amount_cents, r.occurred_at, r.campaign_id, r.message_id)
        for r in await _rows(storage)
    ]
    assert rows == [
        (ALICE, luna.id, 700, OCCURRED, campaign_id, bought.id),
        (ALICE, luna.id, 300, OCCURRED, None, None),
        (ALICE, luna.id, 50, OCCURRED, None, None),
    ]


async def test_a_replayed_or_refused_purchase_records_nothing(storage: SqlAlchemyStorage):
    await add_fan(storage, ALICE, "luna", value_cents=MAX_BIGINT - 10)
    process = ProcessInboundEvent(storage, ManualClock(T0))

    assert await process.execute(_purchase(10, event_id="e-1"))
    assert not await process.execute(_purchase(10, event_id="e-1"))
    with pytest.raises(Conflict):  # past a BIGINT: the whole event rolls back, row included
        await process.execute(_purchase(1))

    assert [r.amount_cents for r in await _rows(storage)] == [10]


async def test_a_deleted_fan_s_purchases_still_count_as_revenue_but_name_no_fan(
    storage: SqlAlchemyStorage,
):
    luna = await add_fan(storage, ALICE, "luna")
    campaign_id = await add_campaign(storage, ALICE)
    async with storage.begin() as uow:
        await uow.purchases.add(Purchase(None, ALICE, luna.id, 900, T0, campaign_id=campaign_id))
    await DeleteFan(storage, ManualClock(T0)).execute(ALICE, luna.id, actor=SERVICE)
    async with storage.connection(transaction=True) as connection:
        await connection.execute(campaigns.delete().where(campaigns.c.id == campaign_id))

    async with storage.begin() as uow:
        revenue = await uow.analytics.revenue_per_day(ALICE, T0, T0 + timedelta(days=1))
        top = await uow.analytics.top_spenders(ALICE, T0, T0 + timedelta(days=1), 10)
        bobs = await uow.analytics.revenue_per_day(BOB, T0, T0 + timedelta(days=1))

    [row] = await _rows(storage)
    assert (row.fan_id, row.campaign_id) == (None, None)
    assert revenue == {T0.date(): Spend(900, 1)}
    assert (top, bobs) == ([], {})
