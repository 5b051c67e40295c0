"""The Storage contract, run on SQLite in memory and on a real PostgreSQL (one schema per test)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import conversations
from core.errors import Conflict, NotFound, Unavailable
from core.fans.ports import FanQuery
from core.fans.records import Platform
from core.messaging.records import Direction, Message, MessageStatus
from tests.support.storage import (
    ALICE,
    BOB,
    LEASE,
    T0,
    add_campaign,
    add_fan,
    add_message,
    get_message,
    new_fan,
)

# --- fans ----------------------------------------------------------------------------------------


async def test_a_fan_round_trips_with_its_id_tags_and_times_in_utc(storage: SqlAlchemyStorage):
    paris = timezone(timedelta(hours=2))
    subscribed = datetime(2025, 6, 1, 9, 30, 15, 654321, tzinfo=paris)
    added = await add_fan(
        storage,
        ALICE,
        "luna",
        name="Luna",
        email="luna@example.com",
        tags=frozenset({"vip", "whale", "a b"}),
        notes="likes cats",
        value_cents=12_345,
        subscribed_at=subscribed,
        last_active_at=T0,
    )

    async with storage.begin() as uow:
        found = await uow.fans.get(ALICE, added.id)

    assert isinstance(added.id, int)
    assert found == added
    assert found.tags == frozenset({"vip", "whale", "a b"})
    assert found.subscribed_at == subscribed
    assert found.subscribed_at.utcoffset() == timedelta(0)
    assert found.subscribed_at.hour == 7  # 09:30 in Paris is 07:30 UTC
    assert found.created_at.tzinfo is not None
    assert found.created_at.utcoffset() == timedelta(0)


async def test_times_without_a_zone_are_refused(storage: SqlAlchemyStorage):
    naive = replace(new_fan(ALICE, "luna"), created_at=datetime(2026, 1, 1))

    with pytest.raises(SQLAlchemyError, match="naive datetime"):
        async with storage.begin() as uow:
            await uow.fans.add(naive)


async def test_fans_get_distinct_ids_and_the_same_handle_is_free_elsewhere(
    storage: SqlAlchemyStorage,
):
    first = await add_fan(storage, ALICE, "luna")
    other_platform = await add_fan(storage, ALICE, "luna", platform=Platform.FANSLY)
    other_tenant = await add_fan(storage, BOB, "luna")

    assert len({first.id, other_platform.id, other_tenant.id}) == 3


async def test_a_duplicate_fan_is_a_conflict_naming_the_handle_and_the_transaction_goes_on(
    storage: SqlAlchemyStorage,
):
    await add_fan(storage, ALICE, "luna")

    async with storage.begin() as uow:
        with pytest.raises(Conflict, match="luna"):
            await uow.fans.add(new_fan(ALICE, "luna"))
        after = await uow.fans.add(new_fan(ALICE, "nova"))

    async with storage.begin() as uow:
        page = await uow.fans.list(ALICE, FanQuery())
    assert [fan.handle for fan in page.items] == ["luna", "nova"]
    assert page.items[1] == after


async def test_another_tenants_fan_is_missing(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")

    async with storage.begin() as uow:
        assert await uow.fans.get(BOB, fan.id) is None
        assert await uow.fans.get(ALICE, fan.id + 1000) is None
        assert (await uow.fans.list(BOB, FanQuery())).total == 0


async def test_fans_list_pages_in_id_order_counts_every_match_and_filters_by_platform(
    storage: SqlAlchemyStorage,
):
    handles = [f"fan{i}" for i in range(7)]
    for index, handle in enumerate(handles):
        platform = Platform.FANSLY if index % 3 == 0 else Platform.ONLYFANS
        await add_fan(storage, ALICE, handle, platform=platform)
    await add_fan(storage, BOB, "someone-else")

    async with storage.begin() as uow:
        page = await uow.fans.list(ALICE, FanQuery(limit=3, offset=2))
        fansly = await uow.fans.list(ALICE, FanQuery(platform=Platform.FANSLY))
        beyond = await uow.fans.list(ALICE, FanQuery(limit=3, offset=50))

    assert [fan.handle for fan in page.items] == ["fan2", "fan3", "fan4"]
    assert page.total == 7
    assert [fan.id for fan in page.items] == sorted(fan.id for fan in page.items)
    assert [fan.handle for fan in fansly.items] == ["fan0", "fan3", "fan6"]
    assert fansly.total == 3
    assert beyond.items == []
    assert beyond.total == 7


# --- conversations -------------------------------------------------------------------------------


async def test_get_or_create_makes_one_conversation_per_fan(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna")
    nova = await add_fan(storage, ALICE, "nova", platform=Platform.FANSLY)

    async with storage.begin() as uow:
        first = await uow.conversations.get_or_create(ALICE, luna.id, luna.platform)
    async with storage.begin() as uow:
        again = await uow.conversations.get_or_create(ALICE, luna.id, luna.platform)
        other = await uow.conversations.get_or_create(ALICE, nova.id, nova.platform)

    assert first == again
    assert (first.user_id, first.fan_id, first.platform) == (ALICE, luna.id, Platform.ONLYFANS)
    assert first.unread_count == 0
    assert first.last_message_at is None
    assert other.id != first.id
    assert other.platform is Platform.FANSLY


async def test_no_conversation_with_a_missing_or_another_tenants_fan(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna")

    async with storage.begin() as uow:
        with pytest.raises(NotFound):
            await uow.conversations.get_or_create(BOB, luna.id, luna.platform)
        with pytest.raises(NotFound):
            await uow.conversations.get_or_create(ALICE, luna.id + 1000, luna.platform)


async def test_get_or_create_many_answers_only_the_tenants_fans_creating_what_is_missing(
    storage: SqlAlchemyStorage,
):
    luna = await add_fan(storage, ALICE, "luna")
    nova = await add_fan(storage, ALICE, "nova", platform=Platform.FANSLY)
    bobs = await add_fan(storage, BOB, "bobs")
    async with storage.begin() as uow:
        existing = await uow.conversations.get_or_create(ALICE, luna.id, luna.platform)

    async with storage.begin() as uow:
        found = await uow.conversations.get_or_create_many(
            ALICE, {luna.id, nova.id, bobs.id, 999_999}
        )
    assert set(found) == {luna.id, nova.id}
    assert found[luna.id] == existing
    assert (found[nova.id].fan_id, found[nova.id].platform) == (nova.id, Platform.FANSLY)
    async with storage.begin() as uow:
        again = await uow.conversations.get_or_create_many(ALICE, [nova.id])
        assert await uow.conversations.get_or_create_many(ALICE, []) == {}
    assert again == {nova.id: found[nova.id]}


async def test_concurrent_get_or_create_agree_on_one_conversation(storage: SqlAlchemyStorage):
    luna = await add_fan(storage, ALICE, "luna")

    async def get_or_create() -> int | None:
        async with storage.begin() as uow:
            conversation = await uow.conversations.get_or_create(ALICE, luna.id, luna.platform)
            await asyncio.sleep(0)  # hold the transaction open while others race
            return conversation.id

    ids = await asyncio.gather(*(get_or_create() for _ in range(20)))

    assert len(set(ids)) == 1


# --- messages ------------------------------------------------------------------------------------


async def test_a_message_round_trips_every_field(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    message = await add_message(
        storage,
        fan,
        MessageStatus.QUEUED,
        media_urls=("https://cdn.example/b.jpg", "https://cdn.example/a.jpg"),
        price_cents=999,
        priority=9,
        campaign_id=await add_campaign(storage, ALICE),
        attempts=2,
        error="throttled",
        queued_at=T0 + timedelta(seconds=1),
        read_at=T0 + timedelta(seconds=2),
        updated_at=T0 + timedelta(seconds=3),
        lease_until=T0 + timedelta(seconds=4),
    )

    found = await get_message(storage, message)

    assert found == message
    assert found.media_urls == ("https://cdn.example/b.jpg", "https://cdn.example/a.jpg")
    assert found.direction is Direction.OUT
    assert found.status is MessageStatus.QUEUED
    assert found.lease_until.utcoffset() == timedelta(0)


async def test_another_tenants_message_cannot_be_read_claimed_or_moved(
    storage: SqlAlchemyStorage,
):
    message = await add_message(storage, await add_fan(storage, ALICE, "luna"))
    now = T0 + timedelta(minutes=1)

    async with storage.begin() as uow:
        assert await uow.messages.get(BOB, message.id) is None
        assert not await uow.messages.claim(BOB, message.id, now, now + LEASE)
        assert not await uow.messages.set_status(BOB, message.id, MessageStatus.FAILED, now)
        await uow.outbox.mark_queued(BOB, [message.id], now)
        assert await uow.messages.count_unsent(BOB) == 0
        assert await uow.messages.get(ALICE, uuid4()) is None

    assert await get_message(storage, message) == message


async def test_claim_takes_a_row_once_until_its_lease_runs_out(storage: SqlAlchemyStorage):
    clock = ManualClock(T0)
    message = await add_message(storage, await add_fan(storage, ALICE, "luna"))

    async with storage.begin() as uow:
        first = await uow.messages.claim(ALICE, message.id, clock.now(), clock.now() + LEASE)
    claimed = await get_message(storage, message)
    clock.advance(LEASE.total_seconds() - 1)
    async with storage.begin() as uow:
        during = await uow.messages.claim(ALICE, message.id, clock.now(), clock.now() + LEASE)
    clock.advance(2)
    async with storage.begin() as uow:
        after = await uow.messages.claim(ALICE, message.id, clock.now(), clock.now() + LEASE)
    taken_over = await get_message(storage, message)

    assert (first, during, after) == (True, False, True)
    assert claimed.status is MessageStatus.SENDING
    assert claimed.lease_until == T0 + LEASE
    assert claimed.updated_at == T0
    assert taken_over.lease_until == clock.now() + LEASE


async def test_claim_takes_queued_rows_but_never_finished_ones(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    queued = await add_message(storage, fan, MessageStatus.QUEUED)
    finished = [
        await add_message(storage, fan, status)
        for status in (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED)
    ]
    now = T0 + timedelta(hours=1)

    async with storage.begin() as uow:
        assert await uow.messages.claim(ALICE, queued.id, now, now + LEASE)
        for message in finished:
            assert not await uow.messages.claim(ALICE, message.id, now, now + LEASE)

    for message in finished:
        assert (await get_message(storage, message)).status is message.status


async def test_set_status_stamps_times_clears_the_lease_and_keeps_attempts_unless_given(
    storage: SqlAlchemyStorage,
):
    clock = ManualClock(T0)
    message = await add_message(storage, await add_fan(storage, ALICE, "luna"), attempts=1)
    async with storage.begin() as uow:
        await uow.messages.claim(ALICE, message.id, clock.now(), clock.now() + LEASE)

    clock.advance(5)
    async with storage.begin() as uow:
        moved = await uow.messages.set_status(
            ALICE, message.id, MessageStatus.QUEUED, clock.now(), error="throttled"
        )
    requeued = await get_message(storage, message)
    clock.advance(5)
    async with storage.begin() as uow:
        await uow.messages.claim(ALICE, message.id, clock.now(), clock.now() + LEASE)
        await uow.messages.set_status(
            ALICE, message.id, MessageStatus.SENT, clock.now(), attempts=2
        )
    sent = await get_message(storage, message)

    assert moved
    assert requeued.status is MessageStatus.QUEUED
    assert requeued.queued_at == requeued.updated_at == T0 + timedelta(seconds=5)
    assert requeued.error == "throttled"
    assert requeued.attempts == 1
    assert requeued.lease_until is None
    assert sent.status is MessageStatus.SENT
    assert sent.sent_at == sent.updated_at == T0 + timedelta(seconds=10)
    assert sent.queued_at == T0 + timedelta(seconds=5)
    assert sent.error is None
    assert sent.attempts == 2
    assert sent.lease_until is None


async def test_set_status_to_sending_keeps_the_lease(storage: SqlAlchemyStorage):
    message = await add_message(storage, await add_fan(storage, ALICE, "luna"))
    async with storage.begin() as uow:
        await uow.messages.claim(ALICE, message.id, T0, T0 + LEASE)
        await uow.messages.set_status(ALICE, message.id, MessageStatus.SENDING, T0)

    assert (await get_message(storage, message)).lease_until == T0 + LEASE


async def test_set_status_only_from_moves_only_a_row_still_in_that_status(
    storage: SqlAlchemyStorage,
):
    message = await add_message(storage, await add_fan(storage, ALICE, "luna"))
    later = T0 + timedelta(minutes=1)

    async with storage.begin() as uow:
        wrong = await uow.messages.set_status(
            ALICE,
            message.id,
            MessageStatus.FAILED,
            later,
            error="boom",
            only_from=MessageStatus.SENDING,
        )
        right = await uow.messages.set_status(
            ALICE,
            message.id,
            MessageStatus.FAILED,
            later,
            error="queue_unavailable",
            only_from=MessageStatus.PENDING,
        )
    failed = await get_message(storage, message)

    assert (wrong, right) == (False, True)
    assert failed.status is MessageStatus.FAILED
    assert failed.error == "queue_unavailable"
    assert failed.updated_at == later


async def test_mark_queued_moves_pending_rows_only(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    pending, taken, untouched = [await add_message(storage, fan) for _ in range(3)]
    async with storage.begin() as uow:
        await uow.messages.claim(ALICE, taken.id, T0, T0 + LEASE)
    later = T0 + timedelta(seconds=3)

    async with storage.begin() as uow:
        await uow.outbox.mark_queued(ALICE, [pending.id, taken.id], later)
        await uow.outbox.mark_queued(ALICE, [], later)

    queued = await get_message(storage, pending)
    assert queued.status is MessageStatus.QUEUED
    assert queued.queued_at == queued.updated_at == later
    still_taken = await get_message(storage, taken)
    assert still_taken.status is MessageStatus.SENDING
    assert still_taken.queued_at is None
    assert (await get_message(storage, untouched)).status is MessageStatus.PENDING


async def test_list_failed_shows_the_latest_failures_first_and_counts_them_all(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna")
    failures = []
    for minute in (3, 1, 4, 2):
        message = await add_message(storage, fan)
        async with storage.begin() as uow:
            failed_at = T0 + timedelta(minutes=minute)
            await uow.messages.set_status(
                ALICE, message.id, MessageStatus.FAILED, failed_at, error=f"e{minute}"
            )
        failures.append(message)
    await add_message(storage, fan, MessageStatus.SENT)
    await add_message(storage, await add_fan(storage, BOB, "nova"), MessageStatus.FAILED)

    async with storage.begin() as uow:
        page = await uow.messages.list_failed(ALICE, 3)

    assert [message.error for message in page.items] == ["e4", "e3", "e2"]
    assert all(message.status is MessageStatus.FAILED for message in page.items)
    assert page.total == 4


async def test_count_unsent_counts_pending_queued_and_sending(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    for status in MessageStatus:
        await add_message(storage, fan, status)
    await add_message(storage, await add_fan(storage, BOB, "nova"))

    async with storage.begin() as uow:
        assert await uow.messages.count_unsent(ALICE) == 3
        assert await uow.messages.count_unsent(BOB) == 1
        assert await uow.messages.count_unsent("nobody") == 0


async def test_last_sent_at_is_the_latest_send_of_the_tenant(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    async with storage.begin() as uow:
        assert await uow.messages.last_sent_at(ALICE) is None
    for second in (20, 50, 10):
        message = await add_message(storage, fan)
        async with storage.begin() as uow:
            sent_at = T0 + timedelta(seconds=second)
            await uow.messages.set_status(ALICE, message.id, MessageStatus.SENT, sent_at)

    async with storage.begin() as uow:
        last = await uow.messages.last_sent_at(ALICE)
        other = await uow.messages.last_sent_at(BOB)

    assert last == T0 + timedelta(seconds=50)
    assert last.utcoffset() == timedelta(0)
    assert other is None


# --- transactions --------------------------------------------------------------------------------


async def test_a_block_that_raises_writes_nothing(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    message_id = uuid4()

    async def write_then_fail() -> None:
        async with storage.begin() as uow:
            await uow.fans.add(new_fan(ALICE, "ghost"))
            conversation = await uow.conversations.get_or_create(ALICE, fan.id, fan.platform)
            await uow.messages.add(
                Message(
                    message_id, ALICE, conversation.id, fan.id, Direction.OUT, "hi",
                    MessageStatus.PENDING, T0,
                )
            )  # fmt: skip
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        await write_then_fail()

    async with storage.begin() as uow:
        assert [f.handle for f in (await uow.fans.list(ALICE, FanQuery())).items] == ["luna"]
        assert await uow.messages.get(ALICE, message_id) is None
        assert await uow.messages.count_unsent(ALICE) == 0
    async with storage.connection() as connection:
        assert await connection.scalar(sa.select(sa.func.count()).select_from(conversations)) == 0


async def test_concurrent_units_of_work_neither_lose_nor_leak_writes(storage: SqlAlchemyStorage):
    async def work(index: int) -> None:
        async with storage.begin() as uow:
            await uow.fans.add(new_fan(ALICE, f"fan{index}"))
            await asyncio.sleep(0)  # let the others run while this transaction is open
            if index % 5 == 0:
                raise RuntimeError("abort")

    results = await asyncio.gather(*(work(i) for i in range(50)), return_exceptions=True)

    async with storage.begin() as uow:
        page = await uow.fans.list(ALICE, FanQuery(limit=100))
    assert sum(isinstance(result, RuntimeError) for result in results) == 10
    assert {fan.handle for fan in page.items} == {f"fan{i}" for i in range(50) if i % 5}
    assert page.total == 40


async def test_ping_answers(storage: SqlAlchemyStorage):
    await storage.ping()


# --- SQLite specifics ----------------------------------------------------------------------------


async def test_sqlite_memory_serializes_units_of_work_and_each_sees_the_ones_before():
    storage = SqlAlchemyStorage("sqlite+aiosqlite://")
    await storage.create_schema()

    async def work(index: int) -> int:
        async with storage.begin() as uow:
            await uow.fans.add(new_fan(ALICE, f"fan{index}"))
            await asyncio.sleep(0)
            return (await uow.fans.list(ALICE, FanQuery())).total

    try:
        totals = await asyncio.gather(*(work(i) for i in range(50)))
    finally:
        await storage.close()

    # One transaction at a time: each saw every commit before it plus its own row.
    assert sorted(totals) == list(range(1, 51))


async def test_sqlite_memory_survives_a_lost_connection_and_is_private_to_its_storage():
    storage, other = (
        SqlAlchemyStorage("sqlite+aiosqlite://"),
        SqlAlchemyStorage("sqlite+aiosqlite://"),
    )
    await storage.create_schema()
    await other.create_schema()
    try:
        await add_fan(storage, ALICE, "luna")
        storage.engine.dispose()  # every pooled connection gone, as after an error mid-rollback

        async with storage.begin() as uow:
            assert (await uow.fans.list(ALICE, FanQuery())).total == 1
        async with other.begin() as uow:
            assert (await uow.fans.list(ALICE, FanQuery())).total == 0
    finally:
        await storage.close()
        await other.close()


async def test_sqlite_file_keeps_rows_across_restarts_in_wal_mode(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    storage = SqlAlchemyStorage(url)
    await storage.create_schema()
    added = await add_fan(storage, ALICE, "luna", tags=frozenset({"vip"}))
    await storage.close()

    reopened = SqlAlchemyStorage(url)
    try:
        async with reopened.begin() as uow:
            assert await uow.fans.get(ALICE, added.id) == added
        async with reopened.connection() as connection:
            mode = await connection.scalar(sa.text("PRAGMA journal_mode"))
            foreign_keys = await connection.scalar(sa.text("PRAGMA foreign_keys"))
        assert mode == "wal"
        assert foreign_keys == 1
    finally:
        await reopened.close()


async def test_a_database_out_of_reach_is_unavailable_not_an_unexpected_error():
    storage = SqlAlchemyStorage("postgresql+asyncpg://postgres@127.0.0.1:1/test")
    try:
        with pytest.raises(Unavailable, match="database is unreachable"):
            async with storage.begin():
                pass
        with pytest.raises(Unavailable):
            await storage.ping()
    finally:
        await storage.close()
