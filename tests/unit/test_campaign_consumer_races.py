"""The consumer against campaign control running at the same moment: a message is never left
where nothing will ever send it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import sqlalchemy as sa

from adapters.storage.tables import messages
from core.campaigns.audience import NewCampaign
from core.campaigns.records import CampaignStatus
from core.messaging.consume import ConsumeEnvelopes
from core.messaging.records import Envelope, Message, MessageStatus, Outbound
from core.messaging.worker import QueueWorker
from tests.support.authors import SERVICE
from tests.support.world import World

ALICE = "alice"


class ResumedWhileLoading(ConsumeEnvelopes):
    """A consumer that read its row and campaign just before the creator pressed resume."""

    resume: Callable[[], Awaitable[object]] | None = None

    async def _load(
        self, envelope: Envelope
    ) -> tuple[Message, Outbound, CampaignStatus | None] | None:
        loaded = await super()._load(envelope)
        if self.resume is not None:
            resume, self.resume = self.resume, None
            await resume()
        return loaded


async def test_a_resume_between_the_consumer_reading_paused_and_holding_loses_nothing(
    w: World,
) -> None:
    fan = (await w.fan(ALICE, "luna")).id
    assert fan is not None
    created = await (await w.use("create_campaign")).execute(
        ALICE, NewCampaign("spring", "hi", recipient_ids=(fan,)), actor=SERVICE
    )
    campaign = created.campaign_id
    sweep = await w.use("tick")
    await sweep.execute()  # the fan-out and the relay are done, whichever does them
    await (await w.use("pause_campaign")).execute(ALICE, campaign, actor=SERVICE)
    # The sweep had read the row while it was pending, and marked it queued after the pause.
    storage = await w.use("storage")
    async with storage.connection(transaction=True) as connection:
        moved = await connection.execute(
            messages.update()
            .where(messages.c.campaign_id == campaign)
            .values(status=MessageStatus.QUEUED.value)
        )
        assert moved.rowcount == 1
    racing = ResumedWhileLoading(
        storage, w.queue, await w.use("rate_limiter"), w.gateway, w.metrics, w.clock,
        await w.use("messaging_config"),
    )  # fmt: skip
    resume = await w.use("resume_campaign")
    racing.resume = lambda: resume.execute(ALICE, campaign, actor=SERVICE)
    w.worker = QueueWorker(w.queue, racing, wait_s=0)

    for _ in range(20):
        await w.drain()
        if not await sweep.execute():
            break

    view = await (await w.use("get_campaign")).execute(ALICE, campaign)
    async with storage.connection() as connection:
        rows = await connection.execute(
            sa.select(messages.c.status).where(messages.c.campaign_id == campaign)
        )
        assert [MessageStatus(s) for (s,) in rows] == [MessageStatus.SENT]
    assert view.status is CampaignStatus.COMPLETED
    assert len(w.gateway.delivered) == 1
