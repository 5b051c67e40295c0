"""The conversation and thread repositories on SQLite (memory, file) and a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from adapters.storage.database import SqlAlchemyStorage
from core.conversations.ports import ConversationQuery, Subscription
from core.messaging.records import Direction, MessageStatus
from tests.support.storage import ALICE, BOB, T0, add_fan, add_message


async def _conversation_id(storage: SqlAlchemyStorage, fan) -> int:
    async with storage.begin() as uow:
        conversation = await uow.conversations.get_or_create(fan.user_id, fan.id, fan.platform)
    assert conversation.id is not None
    return conversation.id


async def test_a_conversation_comes_with_its_fans_handle_and_name(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna", name="Luna")
    conversation_id = await _conversation_id(storage, fan)

    async with storage.begin() as uow:
        found = await uow.conversations.get(ALICE, conversation_id)
        other_tenant = await uow.conversations.get(BOB, conversation_id)

    assert found is not None
    assert other_tenant is None
    assert (found.fan_handle, found.fan_name) == ("luna", "Luna")
    assert (found.conversation.fan_id, found.conversation.unread_count) == (fan.id, 0)


async def test_record_inbound_counts_unread_and_only_moves_last_message_at_forward(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna")
    conversation_id = await _conversation_id(storage, fan)

    async with storage.begin() as uow:
        await uow.conversations.record_inbound(ALICE, conversation_id, T0)
        await uow.conversations.record_inbound(ALICE, conversation_id, T0 - timedelta(hours=1))
        await uow.conversations.record_inbound(BOB, conversation_id, T0 + timedelta(days=1))
        found = await uow.conversations.get(ALICE, conversation_id)

    assert found is not None
    assert found.conversation.unread_count == 2  # Bob's call touched nothing
    assert found.conversation.last_message_at == T0  # the late, older event did not move it back


async def test_record_outbound_moves_the_tenants_conversations_forward_only(
    storage: SqlAlchemyStorage,
):
    ids = [await _conversation_id(storage, await add_fan(storage, ALICE, h)) for h in "abc"]
    async with storage.begin() as uow:
        await uow.conversations.record_inbound(ALICE, ids[0], T0 + timedelta(hours=1))
        await uow.conversations.record_outbound(ALICE, ids[:2], T0)
        await uow.conversations.record_outbound(BOB, ids, T0 + timedelta(days=1))
        found = [await uow.conversations.get(ALICE, i) for i in ids]

    last = [s.conversation.last_message_at for s in found]
    assert last == [T0 + timedelta(hours=1), T0, None]
    assert [s.conversation.unread_count for s in found] == [1, 0, 0]


async def test_the_inbox_orders_by_activity_filters_unread_and_never_leaks(
    storage: SqlAlchemyStorage,
):
    fans = [await add_fan(storage, ALICE, handle) for handle in ("quiet", "early", "late")]
    ids = [await _conversation_id(storage, fan) for fan in fans]
    bobs = await _conversation_id(storage, await add_fan(storage, BOB, "late"))
    async with storage.begin() as uow:
        await uow.conversations.record_inbound(ALICE, ids[1], T0)
        await uow.conversations.record_inbound(ALICE, ids[2], T0 + timedelta(minutes=1))
        await uow.conversations.record_inbound(BOB, bobs, T0 + timedelta(hours=1))
        await uow.conversations.mark_read(ALICE, ids[2])

    async with storage.begin() as uow:
        everything = await uow.conversations.list(ALICE, ConversationQuery())
        unread = await uow.conversations.list(ALICE, ConversationQuery(unread=True))
        page = await uow.conversations.list(ALICE, ConversationQuery(limit=1, offset=1))

    assert [s.fan_handle for s in everything.items] == ["late", "early", "quiet"]
    assert everything.total == 3
    assert [s.conversation.id for s in unread.items] == [ids[1]]
    assert unread.total == 1
    assert [s.fan_handle for s in page.items] == ["early"]
    assert page.total == 3


async def test_a_thread_is_newest_first_paged_and_scoped(storage: SqlAlchemyStorage):
    fan = await add_fan(storage, ALICE, "luna")
    sent = [await add_message(storage, fan, created_at=T0 + timedelta(seconds=i)) for i in range(3)]
    conversation_id = sent[0].conversation_id

    async with storage.begin() as uow:
        first = await uow.messages.list_in_conversation(ALICE, conversation_id, 2, 0)
        rest = await uow.messages.list_in_conversation(ALICE, conversation_id, 2, 2)
        bobs = await uow.messages.list_in_conversation(BOB, conversation_id, 50, 0)

    assert [m.id for m in first.items] == [sent[2].id, sent[1].id]
    assert [m.id for m in rest.items] == [sent[0].id]
    assert first.total == rest.total == 3
    assert (bobs.items, bobs.total) == ([], 0)


async def test_marking_read_stamps_only_unread_inbound_messages_of_that_conversation(
    storage: SqlAlchemyStorage,
):
    fan = await add_fan(storage, ALICE, "luna")
    inbound = await add_message(
        storage, fan, MessageStatus.RECEIVED, direction=Direction.IN, text="hi"
    )
    already = await add_message(
        storage, fan, MessageStatus.RECEIVED, direction=Direction.IN, read_at=T0
    )
    outbound = await add_message(storage, fan, MessageStatus.SENT)
    elsewhere = await add_message(
        storage,
        await add_fan(storage, ALICE, "nova"),
        MessageStatus.RECEIVED,
        direction=Direction.IN,
    )
    later = T0 + timedelta(hours=2)

    async with storage.begin() as uow:
        assert await uow.messages.mark_inbound_read(BOB, inbound.conversation_id, later) == 0
        stamped = await uow.messages.mark_inbound_read(ALICE, inbound.conversation_id, later)
        assert await uow.conversations.mark_read(BOB, inbound.conversation_id) is False

    async with storage.begin() as uow:
        read_at = {
            m.id: (await uow.messages.get(ALICE, m.id)).read_at
            for m in (inbound, already, outbound, elsewhere)
        }
    assert stamped == 1
    assert read_at == {inbound.id: later, already.id: T0, outbound.id: None, elsewhere.id: None}


async def test_the_inbox_filters_by_what_the_fan_spent_their_subscription_and_a_search(
    storage: SqlAlchemyStorage,
):
    later = T0 + timedelta(days=1)
    fans = [
        await add_fan(storage, ALICE, "big.spender", name="Rich", value_cents=500),
        await add_fan(storage, ALICE, "member", name="Mia", subscribed_at=T0),
        await add_fan(storage, ALICE, "gone", subscribed_at=T0, unsubscribed_at=later),
        await add_fan(storage, ALICE, "a_b", name="100% real"),
    ]
    ids = [await _conversation_id(storage, fan) for fan in fans]
    bobs = await _conversation_id(storage, await add_fan(storage, BOB, "rich", value_cents=9))

    async def listed(**filters) -> tuple[list[int | None], int]:
        async with storage.begin() as uow:
            page = await uow.conversations.list(ALICE, ConversationQuery(**filters))
        return [s.conversation.id for s in page.items], page.total

    assert await listed(spenders=True) == ([ids[0]], 1)
    assert await listed(subscription=Subscription.SUBSCRIBED) == ([ids[1]], 1)
    assert await listed(subscription=Subscription.EXPIRED) == ([ids[2]], 1)
    assert await listed(search="RICH") == ([ids[0]], 1)  # the name, whatever its case
    assert await listed(search="mem") == ([ids[1]], 1)  # the handle
    assert await listed(search="_") == ([ids[3]], 1)  # a wildcard of LIKE matches itself
    assert await listed(search="0%") == ([ids[3]], 1)
    assert await listed(search="rich", spenders=True, subscription=Subscription.EXPIRED) == ([], 0)
    assert bobs not in (await listed())[0]
