"""Holding a campaign's message on every storage: only while its campaign is paused, only the
tenant's own, and only from the status the consumer saw."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from adapters.storage.database import SqlAlchemyStorage
from core.campaigns.records import CampaignStatus
from core.fans.records import Platform
from core.messaging.records import Direction, Message, MessageStatus
from tests.support.storage import ALICE, BOB, T0, add_campaign, add_fan

LATER = T0 + timedelta(minutes=1)


async def queued_message(storage: SqlAlchemyStorage, campaign_id: int) -> Message:
    fan = await add_fan(storage, ALICE, f"fan-{uuid4().hex[:8]}")
    async with storage.begin() as uow:
        conversation = await uow.conversations.get_or_create(ALICE, fan.id, Platform.ONLYFANS)
        message = Message(
            uuid4(), ALICE, conversation.id, fan.id, Direction.OUT, "hi", MessageStatus.QUEUED,
            created_at=T0, campaign_id=campaign_id,
        )  # fmt: skip
        await uow.messages.add(message)
    return message


async def status_of(storage: SqlAlchemyStorage, message: Message) -> MessageStatus:
    async with storage.begin() as uow:
        found = await uow.messages.get(ALICE, message.id)
    assert found is not None
    return found.status


async def set_campaign(storage: SqlAlchemyStorage, campaign_id: int, to: CampaignStatus) -> None:
    async with storage.begin() as uow:
        assert await uow.campaigns.set_status(
            ALICE, campaign_id, to, T0, only_from=list(CampaignStatus)
        )


async def test_a_row_is_held_only_while_its_campaign_is_paused(storage: SqlAlchemyStorage):
    campaign_id = await add_campaign(storage, ALICE)
    message = await queued_message(storage, campaign_id)
    QUEUED = MessageStatus.QUEUED

    async with storage.begin() as uow:  # running: nothing moves
        assert not await uow.messages.hold_while_paused(ALICE, message.id, QUEUED, LATER)
    assert await status_of(storage, message) is QUEUED

    await set_campaign(storage, campaign_id, CampaignStatus.PAUSED)
    async with storage.begin() as uow:
        assert not await uow.messages.hold_while_paused(BOB, message.id, QUEUED, LATER)
        assert not await uow.messages.hold_while_paused(
            ALICE, message.id, MessageStatus.PENDING, LATER
        )
    assert await status_of(storage, message) is QUEUED

    async with storage.begin() as uow:
        assert await uow.messages.hold_while_paused(ALICE, message.id, QUEUED, LATER)
    assert await status_of(storage, message) is MessageStatus.HELD
