"""The segment's "messaged in the last N hours" on every storage: a fan counts as messaged when a
message reached them in that window, whenever the campaign that sent it was created."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import sqlalchemy as sa

from adapters.storage.campaigns.segments import audience_condition
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import fans
from core.campaigns.audience import NewCampaign, Segment
from core.fans.records import Platform
from core.messaging.records import Direction, Message, MessageStatus
from tests.support.storage import T0, add_fan

NOW = T0 + timedelta(days=10)


async def message(
    storage: SqlAlchemyStorage, owner: str, fan_id: int, status: MessageStatus, **times
) -> None:
    async with storage.begin() as uow:
        conversation = await uow.conversations.get_or_create(owner, fan_id, Platform.ONLYFANS)
        await uow.messages.add(
            Message(uuid4(), owner, conversation.id, fan_id, Direction.OUT, "hi", status, **times)
        )


async def test_a_fan_sent_a_message_within_the_hours_is_excluded_however_old_its_row(
    storage: SqlAlchemyStorage,
):
    owner = f"creator-{uuid4().hex}"
    # A long campaign: written three days ago, delivered an hour ago (10/min drains 100k in a week).
    late = (await add_fan(storage, owner, "late")).id
    await message(storage, owner, late, MessageStatus.SENT,
                  created_at=NOW - timedelta(days=3), sent_at=NOW - timedelta(hours=1))  # fmt: skip
    # Written an hour ago but still waiting to go: about to be messaged, so excluded as well.
    waiting = (await add_fan(storage, owner, "waiting")).id
    await message(
        storage, owner, waiting, MessageStatus.QUEUED, created_at=NOW - timedelta(hours=1)
    )
    # Sent three days ago: outside the window.
    earlier = (await add_fan(storage, owner, "earlier")).id
    await message(storage, owner, earlier, MessageStatus.SENT,
                  created_at=NOW - timedelta(days=3), sent_at=NOW - timedelta(days=3))  # fmt: skip
    segment = Segment(exclude_messaged_within_hours=24)
    audience = NewCampaign("spring", "hi", segment=segment).to_campaign(owner).audience

    async with storage.connection() as connection:
        condition = audience_condition(owner, audience, NOW, connection.dialect.name)
        rows = await connection.execute(sa.select(fans.c.id).where(condition))
        reached = {fan_id for (fan_id,) in rows}

    assert reached == {earlier}
