"""Unsend end to end on the real container (in-memory adapters, the simulated bridge, a manual
clock): not yet sent → cancelled; sent and unread → taken back (`unsent`), or, when the bridge
fails for now, 503 and nothing changes; read → 409; another tenant's → 404; and a campaign's
unread messages taken back with its counters showing `unsent`."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa

from adapters.storage.tables import messages
from core.campaigns import CampaignStatus
from core.campaigns.audience import NewCampaign
from core.errors import Conflict, NotFound, Unavailable
from core.messaging import PermanentFailure, Throttled, TransientFailure
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World

ALICE, BOB = "creator-a", "creator-b"


async def sent_message(w: World, text: str = "hi") -> UUID:
    fan = await w.fan(ALICE, f"fan-{text}")
    receipt = await (await w.use("send_message")).execute(
        ALICE, NewMessage(fan.id, text), author=SERVICE
    )
    await w.drain()
    assert await status(w, receipt.message_id) is MessageStatus.SENT
    return receipt.message_id


async def status(w: World, message_id: UUID, user: str = ALICE) -> MessageStatus:
    return (await (await w.use("get_message")).execute(user, message_id)).status


async def mark_read(w: World, message_id: UUID) -> None:
    """As the platform would report it: no inbound event carries read receipts yet."""
    storage = await w.use("storage")
    async with storage.connection(transaction=True) as connection:
        await connection.execute(
            sa.update(messages).where(messages.c.id == message_id).values(read_at=w.clock.now())
        )


async def unsend(w: World, message_id: UUID, user: str = ALICE):
    return await (await w.use("unsend_message")).execute(user, message_id, actor=SERVICE)


async def test_not_yet_sent_is_cancelled_and_never_goes(w: World) -> None:
    fan = await w.fan(ALICE)
    send = await w.use("send_message")
    later = await send.execute(
        ALICE,
        NewMessage(fan.id, "later", send_at=w.clock.now() + timedelta(hours=1)),
        author=SERVICE,
    )
    queued = await send.execute(ALICE, NewMessage(fan.id, "now"), author=SERVICE)
    assert (await unsend(w, later.message_id)).status is MessageStatus.CANCELLED
    assert (await unsend(w, queued.message_id)).status is MessageStatus.CANCELLED
    w.clock.advance(7200)
    await (await w.use("tick")).execute()
    await w.drain()
    assert w.gateway.delivered == []
    assert w.gateway.unsent == []  # nothing reached the platform, nothing to take back


async def test_sent_and_unread_is_taken_back(w: World) -> None:
    message_id = await sent_message(w)
    assert (await unsend(w, message_id)).status is MessageStatus.UNSENT
    assert w.gateway.unsent == [message_id]
    with pytest.raises(Conflict):  # once only
        await unsend(w, message_id)


@pytest.mark.parametrize("failure", [TransientFailure("503"), Throttled(30)])
async def test_a_transient_bridge_failure_is_unavailable_and_changes_nothing(
    w: World, failure
) -> None:
    message_id = await sent_message(w)
    w.gateway.script(failure)
    with pytest.raises(Unavailable):
        await unsend(w, message_id)
    assert await status(w, message_id) is MessageStatus.SENT
    assert (await unsend(w, message_id)).status is MessageStatus.UNSENT  # asking again works


async def test_a_permanent_refusal_is_a_conflict_and_it_stays_sent(w: World) -> None:
    message_id = await sent_message(w)
    w.gateway.script(PermanentFailure("webhook answered 410: gone"))
    with pytest.raises(Conflict, match="410"):
        await unsend(w, message_id)
    assert await status(w, message_id) is MessageStatus.SENT


async def test_read_by_the_fan_is_a_conflict(w: World) -> None:
    message_id = await sent_message(w)
    await mark_read(w, message_id)
    with pytest.raises(Conflict, match="read"):
        await unsend(w, message_id)
    assert await status(w, message_id) is MessageStatus.SENT
    assert w.gateway.unsent == []


async def test_another_tenants_message_is_not_found(w: World) -> None:
    message_id = await sent_message(w)
    with pytest.raises(NotFound):
        await unsend(w, message_id, user=BOB)
    assert await status(w, message_id) is MessageStatus.SENT


async def test_a_campaigns_unread_messages_are_taken_back(w: World) -> None:
    fans = [(await w.fan(ALICE, f"f{i}")).id for i in range(4)]
    accepted = await (await w.use("create_campaign")).execute(
        ALICE, NewCampaign("spring", "hi", recipient_ids=tuple(fans)), actor=SERVICE
    )
    await (await w.use("background_fan_outs")).wait()
    await (await w.use("tick")).execute()
    await w.drain()
    storage = await w.use("storage")
    async with storage.connection() as connection:
        ids = list(
            (
                await connection.execute(
                    sa.select(messages.c.id)
                    .where(messages.c.campaign_id == accepted.campaign_id)
                    .order_by(messages.c.fan_id)
                )
            ).scalars()
        )
    await mark_read(w, ids[0])
    w.gateway.script(TransientFailure("503"))  # the first unsend fails for now
    use_case = await w.use("unsend_unread_campaign")
    with pytest.raises(Unavailable):
        await use_case.execute(ALICE, accepted.campaign_id, actor=SERVICE)
    view = await use_case.execute(
        ALICE, accepted.campaign_id, actor=SERVICE
    )  # asked again: carries on
    assert (view.counters.sent, view.counters.unsent) == (1, 3)
    assert view.counters.targeted == 4
    assert sorted(w.gateway.unsent) == sorted(ids[1:])
    with pytest.raises(NotFound):
        await use_case.execute(BOB, accepted.campaign_id, actor=SERVICE)


async def test_a_running_campaigns_rest_is_cancelled(w: World) -> None:
    fans = [(await w.fan(ALICE, f"f{i}")).id for i in range(3)]
    accepted = await (await w.use("create_campaign")).execute(
        ALICE, NewCampaign("spring", "hi", recipient_ids=tuple(fans)), actor=SERVICE
    )
    await (await w.use("background_fan_outs")).wait()
    view = await (await w.use("unsend_unread_campaign")).execute(
        ALICE, accepted.campaign_id, actor=SERVICE
    )
    assert view.status is CampaignStatus.CANCELLED
    assert view.counters.cancelled == 3
    assert w.gateway.unsent == []
