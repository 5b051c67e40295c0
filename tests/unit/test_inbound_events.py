"""ProcessInboundEvent on the real container's in-memory adapters."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.storage.tables import messages
from core.campaigns.records import Campaign, CampaignTemplate
from core.conversations.ports import ConversationQuery
from core.errors import Invalid
from core.fans.ports import FanQuery
from core.fans.records import Platform
from core.inbound.events import (
    EventType,
    FanRef,
    InboundEvent,
    MessageReceived,
    PpvPurchased,
    SubscriptionChanged,
)
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World

AT = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)


def _event(payload, user: str = "creator-a", handle: str = "@Luna", **fields) -> InboundEvent:
    kinds = {
        MessageReceived: EventType.MESSAGE_RECEIVED,
        PpvPurchased: EventType.PPV_PURCHASED,
    }
    kind = kinds.get(type(payload)) or (
        EventType.FAN_SUBSCRIBED if payload.subscribed else EventType.FAN_UNSUBSCRIBED
    )
    return InboundEvent(
        fields.get("id", f"e-{uuid4()}"),
        kind,
        user,
        fields.get("at", AT),
        FanRef(Platform.ONLYFANS, handle, fields.get("name")),
        payload,
    )


async def _fans(w: World, user: str = "creator-a"):
    return (await (await w.use("list_fans")).execute(user, FanQuery())).items


async def test_a_message_from_an_unknown_fan_creates_it_active_as_of_the_message(w: World):
    process = await w.use("process_inbound_event")

    assert await process.execute(_event(MessageReceived("hi"), name="Luna"))

    [fan] = await _fans(w)
    assert (fan.handle, fan.name, fan.last_active_at, fan.created_at) == (
        "luna",
        "Luna",
        AT,
        w.clock.now(),
    )
    [summary] = (
        await (await w.use("list_conversations")).execute("creator-a", ConversationQuery())
    ).items
    assert (summary.conversation.unread_count, summary.conversation.last_message_at) == (1, AT)


async def test_a_purchase_of_a_campaign_message_adds_to_the_campaign_revenue_too(w: World):
    fan = await w.fan("creator-a", "luna")
    storage = await w.use("storage")
    async with storage.begin() as uow:
        campaign = await uow.campaigns.add(
            Campaign(None, "creator-a", "spring", CampaignTemplate("hi"))
        )
    receipt = await (await w.use("send_message")).execute(
        "creator-a", NewMessage(fan.id, "pic"), author=SERVICE
    )
    async with storage.connection(transaction=True) as connection:
        await connection.execute(
            messages.update()
            .where(messages.c.id == receipt.message_id)
            .values(campaign_id=campaign.id)
        )
    process = await w.use("process_inbound_event")

    await process.execute(_event(PpvPurchased(900, receipt.message_id), handle="luna"))
    await process.execute(_event(PpvPurchased(100), handle="luna"))  # not tied to a message
    # Another creator naming this message id does not reach this creator's campaign.
    await process.execute(_event(PpvPurchased(5_000, receipt.message_id), user="creator-b"))

    async with storage.begin() as uow:
        assert (await uow.campaigns.get("creator-a", campaign.id)).revenue_cents == 900
        assert (await uow.fans.get("creator-a", fan.id)).value_cents == 1_000


async def test_messages_and_purchases_of_a_known_fan_move_its_last_activity(w: World):
    fan = await w.fan("creator-a", "luna")
    process = await w.use("process_inbound_event")
    later = datetime(2026, 1, 2, tzinfo=UTC)

    await process.execute(_event(MessageReceived("hi"), handle="luna"))
    await process.execute(_event(PpvPurchased(100), handle="luna", at=later))
    await process.execute(_event(MessageReceived("late news"), handle="luna"))  # older

    found = await (await w.use("get_fan")).execute("creator-a", fan.id)
    assert found.last_active_at == later


async def test_subscription_events_set_and_clear_the_dates(w: World):
    process = await w.use("process_inbound_event")
    joined, left = AT, datetime(2026, 2, 1, tzinfo=UTC)

    await process.execute(_event(SubscriptionChanged(True), at=joined))
    await process.execute(_event(SubscriptionChanged(False), at=left))
    [gone] = await _fans(w)
    await process.execute(_event(SubscriptionChanged(True), at=left))
    [back] = await _fans(w)

    assert (gone.subscribed_at, gone.unsubscribed_at) == (joined, left)
    assert (back.subscribed_at, back.unsubscribed_at) == (left, None)


async def test_an_unsubscribe_from_an_unknown_fan_creates_it_marked(w: World):
    process = await w.use("process_inbound_event")

    await process.execute(_event(SubscriptionChanged(False)))

    [fan] = await _fans(w)
    assert (fan.subscribed_at, fan.unsubscribed_at) == (None, AT)


async def test_a_replay_is_reported_and_changes_nothing(w: World):
    process = await w.use("process_inbound_event")
    purchase = _event(PpvPurchased(250), id="e-1")

    assert await process.execute(purchase) is True
    assert await process.execute(purchase) is False

    [fan] = await _fans(w)
    assert fan.value_cents == 250


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (_event(MessageReceived("hi"), handle=""), "data.fanHandle"),
        (_event(MessageReceived("hi"), handle="no spaces"), "data.fanHandle"),
        (_event(MessageReceived("  ")), "data.text"),
        (_event(PpvPurchased(-1)), "data.amountCents"),
        (_event(PpvPurchased(1), user=" "), "userId"),
        (_event(PpvPurchased(1), id=""), "id"),
        (_event(PpvPurchased(1), id="x" * 129), "id"),
        (_event(PpvPurchased(1), at=datetime(2026, 1, 1)), "occurredAt"),
        # What PostgreSQL refuses (a 500 there) though SQLite takes it.
        (_event(PpvPurchased(1), name="x" * 256), "data.name"),
        (_event(PpvPurchased(1), name="a\x00b"), "data.name"),
        (_event(MessageReceived("a\x00b")), "data.text"),
        (_event(MessageReceived("hi", ("https://x", "a\x00b"))), "data.mediaUrls"),
        (_event(PpvPurchased(1), id="e\x00"), "id"),
        (_event(PpvPurchased(1), user="creator\x00"), "userId"),
        (_event(PpvPurchased(2**63)), "data.amountCents"),
        (
            _event(PpvPurchased(1), at=datetime.fromisoformat("0001-01-01T00:00+14:00")),
            "occurredAt",
        ),
    ],
)
async def test_bad_events_are_invalid_naming_the_field_and_record_nothing(
    w: World, event: InboundEvent, field: str
):
    process = await w.use("process_inbound_event")

    with pytest.raises(Invalid) as raised:
        await process.execute(event)

    assert raised.value.field == field
    assert await _fans(w, event.user_id) == []
