"""Inbound events on SQLite (memory, file) and a real PostgreSQL: campaigns, the replay guard,
the fan updates they make, and events processed at the same time."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import campaigns
from core.campaigns.records import Campaign, CampaignAudience, CampaignStatus, CampaignTemplate
from core.conversations.ports import ConversationQuery
from core.fans.records import Platform
from core.inbound.events import EventType, FanRef, InboundEvent, MessageReceived, PpvPurchased
from core.inbound.process import ProcessInboundEvent
from tests.support.storage import ALICE, BOB, T0, add_fan, add_message, get_message

LATER = T0 + timedelta(hours=1)


def _campaign(user_id: str, name: str = "spring") -> Campaign:
    return Campaign(
        None,
        user_id,
        name,
        CampaignTemplate("hi {name}", ("https://cdn/x.jpg",), 500),
        CampaignAudience(fan_ids=(3, 1), tags_any=frozenset({"vip"}), platform=Platform.FANSLY),
        created_at=T0,
        updated_at=T0,
    )


async def _add_campaign(storage: SqlAlchemyStorage, user_id: str = ALICE) -> Campaign:
    async with storage.begin() as uow:
        return await uow.campaigns.add(_campaign(user_id))


# --- campaigns -----------------------------------------------------------------------------------


async def test_a_campaign_round_trips_and_belongs_to_its_tenant(storage: SqlAlchemyStorage):
    added = await _add_campaign(storage)

    async with storage.begin() as uow:
        found = await uow.campaigns.get(ALICE, added.id)
        bobs = await uow.campaigns.get(BOB, added.id)

    assert isinstance(added.id, int)
    assert found == added
    assert found.status is CampaignStatus.RUNNING
    assert bobs is None


async def test_revenue_adds_up_within_the_tenant_only(storage: SqlAlchemyStorage):
    added = await _add_campaign(storage)

    async with storage.begin() as uow:
        assert await uow.campaigns.add_revenue(ALICE, added.id, 300, LATER)
        assert await uow.campaigns.add_revenue(ALICE, added.id, 200, LATER)
        assert not await uow.campaigns.add_revenue(BOB, added.id, 10_000, LATER)
        found = await uow.campaigns.get(ALICE, added.id)

    assert (found.revenue_cents, found.updated_at) == (500, LATER)


async def test_one_message_per_fan_per_campaign_but_single_sends_are_free(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna")
    campaign = await _add_campaign(storage)
    await add_message(storage, fan, campaign_id=campaign.id)
    await add_message(storage, fan)
    await add_message(storage, fan)  # NULL campaign ids are distinct

    with pytest.raises(IntegrityError):
        await add_message(storage, fan, campaign_id=campaign.id)


async def test_deleting_a_campaign_keeps_its_messages_in_their_threads(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna")
    campaign = await _add_campaign(storage)
    message = await add_message(storage, fan, campaign_id=campaign.id)

    async with storage.connection(transaction=True) as connection:
        await connection.execute(campaigns.delete().where(campaigns.c.id == campaign.id))

    assert (await get_message(storage, message)).campaign_id is None


# --- the replay guard and the fan updates --------------------------------------------------------


async def test_an_event_id_is_recorded_once_per_tenant(storage: SqlAlchemyStorage):
    async with storage.begin() as uow:
        first = await uow.processed_events.record(ALICE, "e-1", "ppv.purchased", T0)
        again = await uow.processed_events.record(ALICE, "e-1", "ppv.purchased", T0)
        bobs = await uow.processed_events.record(BOB, "e-1", "ppv.purchased", T0)

    assert (first, again, bobs) == (True, False, True)


async def test_a_record_rolled_back_with_its_effect_leaves_the_event_to_be_applied_again(
    storage: SqlAlchemyStorage,
):
    async def record_then_fail() -> None:
        async with storage.begin() as uow:
            await uow.processed_events.record(ALICE, "e-1", "ppv.purchased", T0)
            raise RuntimeError("the effect failed")

    with pytest.raises(RuntimeError):
        await record_then_fail()

    async with storage.begin() as uow:
        assert await uow.processed_events.record(ALICE, "e-1", "ppv.purchased", T0)


async def test_fans_are_found_by_platform_and_handle_within_the_tenant(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna")

    async with storage.begin() as uow:
        assert await uow.fans.find_by_handle(ALICE, Platform.ONLYFANS, "luna") == luna
        assert await uow.fans.find_by_handle(ALICE, Platform.FANSLY, "luna") is None
        assert await uow.fans.find_by_handle(BOB, Platform.ONLYFANS, "luna") is None


async def test_value_and_subscription_updates_stay_in_the_tenant(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna", value_cents=100)

    async with storage.begin() as uow:
        assert await uow.fans.add_value(ALICE, luna.id, 250, LATER)
        assert not await uow.fans.add_value(BOB, luna.id, 9_999, LATER)
        await uow.fans.set_subscription(ALICE, luna.id, LATER, subscribed_at=T0)
        await uow.fans.set_subscription(ALICE, luna.id, LATER, unsubscribed_at=LATER)
        left = await uow.fans.get(ALICE, luna.id)
        await uow.fans.set_subscription(ALICE, luna.id, LATER, subscribed_at=LATER)
        back = await uow.fans.get(ALICE, luna.id)

    assert (left.value_cents, left.subscribed_at, left.unsubscribed_at) == (350, T0, LATER)
    assert (back.subscribed_at, back.unsubscribed_at) == (LATER, None)


@pytest.mark.parametrize("order", ["in order", "reversed"])
async def test_subscription_follows_the_event_times_whatever_the_arrival_order(
    storage: SqlAlchemyStorage, order: str
):
    joined, left, back, left_again = (T0 + timedelta(days=n) for n in range(4))
    changes = [
        {"subscribed_at": joined},
        {"unsubscribed_at": left},
        {"subscribed_at": back},
        {"unsubscribed_at": left_again},
    ]
    fans = {}
    for handle, applied in (("luna", changes[:2]), ("nova", changes[:3]), ("mia", changes)):
        fan = await add_fan(storage, ALICE, handle)
        async with storage.begin() as uow:
            for change in applied if order == "in order" else applied[::-1]:
                assert await uow.fans.set_subscription(ALICE, fan.id, LATER, **change)
            fans[handle] = await uow.fans.get(ALICE, fan.id)

    # An unsubscribe after a subscribe stays; the latest subscribe counts.
    assert (fans["luna"].subscribed_at, fans["luna"].unsubscribed_at) == (joined, left)
    assert (fans["nova"].subscribed_at, fans["nova"].unsubscribed_at) == (back, None)
    assert (fans["mia"].subscribed_at, fans["mia"].unsubscribed_at) == (back, left_again)


async def test_a_value_or_revenue_past_a_bigint_is_refused_and_left_as_it_was(
    storage: SqlAlchemyStorage,
):
    top = 2**63 - 1
    luna = await add_fan(storage, ALICE, "luna", value_cents=top - 10)
    campaign = await _add_campaign(storage)

    async with storage.begin() as uow:
        assert await uow.campaigns.add_revenue(ALICE, campaign.id, top - 10, LATER)
        assert await uow.fans.add_value(ALICE, luna.id, 10, LATER)
        assert not await uow.fans.add_value(ALICE, luna.id, 1, LATER)
        assert not await uow.fans.add_value(ALICE, luna.id, top, LATER)
        assert not await uow.campaigns.add_revenue(ALICE, campaign.id, 11, LATER)
        found = await uow.fans.get(ALICE, luna.id)
        revenue = (await uow.campaigns.get(ALICE, campaign.id)).revenue_cents

    assert (found.value_cents, revenue) == (top, top - 10)


async def test_activity_only_moves_forward_and_stays_in_the_tenant(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna")

    stamped = LATER + timedelta(hours=1)
    async with storage.begin() as uow:
        await uow.fans.record_activity(ALICE, luna.id, LATER, stamped)
        await uow.fans.record_activity(ALICE, luna.id, T0, stamped + timedelta(hours=1))
        await uow.fans.record_activity(BOB, luna.id, LATER + timedelta(days=1), LATER)
        found = await uow.fans.get(ALICE, luna.id)

    assert found.last_active_at == LATER
    # A move is a write (the fan's ETag changes); an older time changes nothing, not even that.
    assert found.updated_at == stamped


# --- events processed at the same time -----------------------------------------------------------


def _purchase(amount: int, event_id: str | None = None) -> InboundEvent:
    return InboundEvent(
        event_id or f"e-{uuid4()}",
        EventType.PPV_PURCHASED,
        ALICE,
        T0,
        FanRef(Platform.ONLYFANS, "luna"),
        PpvPurchased(amount),
    )


def _inbound_message(text: str) -> InboundEvent:
    return InboundEvent(
        f"e-{uuid4()}",
        EventType.MESSAGE_RECEIVED,
        ALICE,
        T0,
        FanRef(Platform.ONLYFANS, "nova"),
        MessageReceived(text),
    )


async def test_two_purchases_at_once_add_both_amounts(storage: SqlAlchemyStorage):
    """The must-show on PostgreSQL: no lost update between concurrent transactions.

    Checked: with a read-then-write `add_value` this fails on PostgreSQL (one amount is lost).
    """
    luna = await add_fan(storage, ALICE, "luna", value_cents=1_000)
    process = ProcessInboundEvent(storage, ManualClock(T0))

    for _ in range(5):
        await asyncio.gather(process.execute(_purchase(700)), process.execute(_purchase(300)))

    async with storage.begin() as uow:
        assert (await uow.fans.get(ALICE, luna.id)).value_cents == 1_000 + 5 * 1_000


async def test_a_replay_racing_the_original_is_applied_once(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna")
    process = ProcessInboundEvent(storage, ManualClock(T0))

    outcomes = await asyncio.gather(*(process.execute(_purchase(400, "e-same")) for _ in range(4)))

    assert sorted(outcomes) == [False, False, False, True]
    async with storage.begin() as uow:
        assert (await uow.fans.get(ALICE, luna.id)).value_cents == 400


async def test_an_unknown_fan_writing_twice_at_once_is_created_once(storage: SqlAlchemyStorage):
    process = ProcessInboundEvent(storage, ManualClock(T0))

    await asyncio.gather(
        process.execute(_inbound_message("a")), process.execute(_inbound_message("b"))
    )

    async with storage.connection() as connection:
        fans_named_nova = await connection.scalar(
            sa.text("SELECT count(*) FROM fans WHERE handle = 'nova'")
        )
    async with storage.begin() as uow:
        [conversation] = (await uow.conversations.list(ALICE, ConversationQuery())).items
    assert fans_named_nova == 1
    assert conversation.conversation.unread_count == 2
