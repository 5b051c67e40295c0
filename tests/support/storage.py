"""Rows for storage tests: fans and messages written through the repositories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from adapters.storage.database import SqlAlchemyStorage
from core.campaigns.records import Campaign, CampaignTemplate
from core.fans.records import Fan, Platform
from core.messaging.records import Direction, Message, MessageStatus

ALICE, BOB = "creator-alice", "creator-bob"
T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def new_fan(user_id: str, handle: str, platform: Platform = Platform.ONLYFANS, **fields) -> Fan:
    return Fan(None, user_id, platform, handle, created_at=T0, updated_at=T0, **fields)


async def add_fan(storage: SqlAlchemyStorage, user_id: str, handle: str, **fields) -> Fan:
    async with storage.begin() as uow:
        return await uow.fans.add(new_fan(user_id, handle, **fields))


async def add_campaign(storage: SqlAlchemyStorage, user_id: str, name: str = "spring") -> int:
    """A campaign's id, for messages that must belong to one (messages.campaign_id is a FK)."""
    async with storage.begin() as uow:
        campaign = await uow.campaigns.add(Campaign(None, user_id, name, CampaignTemplate("hi")))
    assert campaign.id is not None
    return campaign.id


async def add_message(
    storage: SqlAlchemyStorage,
    fan: Fan,
    status: MessageStatus = MessageStatus.PENDING,
    **fields,
) -> Message:
    assert fan.id is not None
    async with storage.begin() as uow:
        conversation = await uow.conversations.get_or_create(fan.user_id, fan.id, fan.platform)
        assert conversation.id is not None
        message = Message(
            id=uuid4(),
            user_id=fan.user_id,
            conversation_id=conversation.id,
            fan_id=fan.id,
            direction=fields.pop("direction", Direction.OUT),
            text=fields.pop("text", "hello"),
            status=status,
            created_at=fields.pop("created_at", T0),
            **fields,
        )
        await uow.messages.add(message)
    return message


async def get_message(storage: SqlAlchemyStorage, message: Message) -> Message:
    async with storage.begin() as uow:
        found = await uow.messages.get(message.user_id, message.id)
    assert found is not None
    return found
