"""The consumer's batched statements, on every storage: a batch's rows loaded in one query, claimed
in one statement and their outcomes recorded in one, each with the guarantees of its one-row peer
(tenant scoping, the lease, only the claimant's `sending` row moves)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from core.campaigns.records import CampaignStatus
from core.messaging.records import MessageStatus, Outcome
from tests.support.storage import (
    ALICE,
    BOB,
    LEASE,
    T0,
    add_campaign,
    add_fan,
    add_message,
    get_message,
)


async def test_get_deliverable_loads_rows_with_fan_and_campaign_status_only_for_their_tenant(
    storage: SqlAlchemyStorage,
) -> None:
    luna, mia = await add_fan(storage, ALICE, "luna"), await add_fan(storage, BOB, "mia")
    campaign = await add_campaign(storage, ALICE)
    async with storage.begin() as uow:
        await uow.campaigns.set_status(
            ALICE, campaign, CampaignStatus.PAUSED, T0, only_from=[CampaignStatus.RUNNING]
        )
    single = await add_message(storage, luna, MessageStatus.QUEUED, text="hi luna")
    of_campaign = await add_message(storage, luna, MessageStatus.QUEUED, campaign_id=campaign)
    bobs = await add_message(storage, mia, MessageStatus.QUEUED)

    async with storage.begin() as uow:
        rows = await uow.messages.get_deliverable(
            {(ALICE, single.id), (ALICE, of_campaign.id), (ALICE, bobs.id), (ALICE, uuid4())}
        )
        assert await uow.messages.get_deliverable(set()) == []

    by_id = {row.message.id: row for row in rows}
    assert set(by_id) == {single.id, of_campaign.id}  # Bob's row is not Alice's to load
    assert by_id[single.id].message == single
    assert (by_id[single.id].outbound.fan_handle, by_id[single.id].outbound.text) == (
        "luna",
        "hi luna",
    )
    assert by_id[single.id].outbound.platform is luna.platform
    assert by_id[single.id].campaign_status is None
    assert by_id[of_campaign.id].campaign_status == CampaignStatus.PAUSED.value


async def test_claim_many_takes_each_claimable_row_once_and_respects_live_leases(
    storage: SqlAlchemyStorage,
) -> None:
    clock = ManualClock(T0)
    fan = await add_fan(storage, ALICE, "luna")
    queued = await add_message(storage, fan, MessageStatus.QUEUED)
    pending = await add_message(storage, fan, MessageStatus.PENDING)
    sent = await add_message(storage, fan, MessageStatus.SENT)
    leased = await add_message(storage, fan, MessageStatus.QUEUED)
    async with storage.begin() as uow:
        assert await uow.messages.claim(ALICE, leased.id, clock.now(), clock.now() + LEASE)

    keys = {(ALICE, m.id) for m in (queued, pending, sent, leased)} | {(BOB, queued.id)}
    async with storage.begin() as uow:
        first = await uow.messages.claim_many(keys, clock.now(), clock.now() + LEASE)
        again = await uow.messages.claim_many(keys, clock.now(), clock.now() + LEASE)
    clock.advance(LEASE.total_seconds() + 1)
    async with storage.begin() as uow:
        after_lease = await uow.messages.claim_many(keys, clock.now(), clock.now() + LEASE)
        assert await uow.messages.claim_many(set(), clock.now(), clock.now()) == set()

    assert first == {queued.id, pending.id}
    assert again == set()
    assert after_lease == {queued.id, pending.id, leased.id}  # every lease ran out
    taken = await get_message(storage, queued)
    assert (taken.status, taken.lease_until) == (MessageStatus.SENDING, clock.now() + LEASE)
    assert (await get_message(storage, sent)).status is MessageStatus.SENT


async def test_record_outcomes_moves_only_sending_rows_and_stamps_their_times(
    storage: SqlAlchemyStorage,
) -> None:
    fan = await add_fan(storage, ALICE, "luna")
    rows = [await add_message(storage, fan, MessageStatus.QUEUED) for _ in range(3)]
    not_claimed = await add_message(storage, fan, MessageStatus.QUEUED)
    now = T0 + timedelta(minutes=1)
    async with storage.begin() as uow:
        await uow.messages.claim_many({(ALICE, m.id) for m in rows}, T0, T0 + LEASE)
        await uow.messages.record_outcomes(
            [
                Outcome(ALICE, rows[0].id, MessageStatus.SENT, 1),
                Outcome(ALICE, rows[1].id, MessageStatus.FAILED, 3, "bridge 502"),
                Outcome(ALICE, rows[2].id, MessageStatus.QUEUED, 2, "throttled"),
                Outcome(ALICE, not_claimed.id, MessageStatus.SENT, 1),
                Outcome(BOB, rows[2].id, MessageStatus.SENT, 9),
            ],
            now,
        )
        await uow.messages.record_outcomes([], now)

    sent, failed, requeued = [await get_message(storage, m) for m in rows]
    assert (sent.status, sent.attempts, sent.sent_at, sent.lease_until) == (
        MessageStatus.SENT, 1, now, None
    )  # fmt: skip
    assert (failed.status, failed.attempts, failed.error, failed.sent_at) == (
        MessageStatus.FAILED, 3, "bridge 502", None
    )  # fmt: skip
    assert (requeued.status, requeued.attempts, requeued.queued_at, requeued.error) == (
        MessageStatus.QUEUED, 2, now, "throttled"
    )  # fmt: skip
    assert await get_message(storage, not_claimed) == not_claimed
