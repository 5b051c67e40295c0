"""Conversation use cases on the real container's in-memory adapters."""

from __future__ import annotations

import pytest

from core.conversations.ports import ConversationQuery
from core.conversations.use_cases import Reply
from core.errors import Invalid, NotFound, Unavailable
from core.messaging.records import Direction, MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World, world


async def _conversation_with(w: World, user: str = "creator-a", handle: str = "luna") -> int:
    fan = await w.fan(user, handle)
    await (await w.use("send_message")).execute(user, NewMessage(fan.id, "hello"), author=SERVICE)
    [summary] = (await (await w.use("list_conversations")).execute(user, ConversationQuery())).items
    assert summary.conversation.id is not None
    return summary.conversation.id


async def test_a_reply_is_sent_to_the_conversations_fan_through_the_queue(w: World):
    conversation_id = await _conversation_with(w)
    reply = await w.use("send_in_conversation")

    receipt = await reply.execute(
        "creator-a", conversation_id, Reply("again", priority=9), author=SERVICE
    )

    assert receipt.status is MessageStatus.QUEUED
    assert receipt.queue_position == 2  # behind the first send: one backlog for both paths
    stored = await (await w.use("get_message")).execute("creator-a", receipt.message_id)
    assert (stored.conversation_id, stored.direction, stored.priority) == (
        conversation_id,
        Direction.OUT,
        9,
    )
    envelopes = [r.envelope.message_id for r in await w.queue.receive(10)]
    assert receipt.message_id in envelopes
    await w.drain()
    assert len(w.gateway.delivered) == 2


async def test_a_reply_in_another_creators_conversation_is_not_found_and_sends_nothing(w: World):
    conversation_id = await _conversation_with(w)
    reply = await w.use("send_in_conversation")

    with pytest.raises(NotFound):
        await reply.execute("creator-b", conversation_id, Reply("hi"), author=SERVICE)

    assert (await (await w.use("queue_status")).execute("creator-b")).backlog == 0


async def test_a_reply_follows_the_kill_switch() -> None:
    async with world(RATE_LIMITER_ENABLED="false") as w:
        fan = await w.fan("creator-a")
        storage = await w.use("storage")
        async with storage.begin() as uow:
            conversation = await uow.conversations.get_or_create("creator-a", fan.id, fan.platform)

        with pytest.raises(Unavailable):
            await (await w.use("send_in_conversation")).execute(
                "creator-a", conversation.id, Reply("hi"), author=SERVICE
            )


async def test_the_thread_and_mark_read_of_another_creator_are_not_found(w: World):
    conversation_id = await _conversation_with(w)

    with pytest.raises(NotFound):
        await (await w.use("list_conversation_messages")).execute("creator-b", conversation_id)
    with pytest.raises(NotFound):
        await (await w.use("mark_conversation_read")).execute("creator-b", conversation_id)
    with pytest.raises(NotFound):
        await (await w.use("get_conversation")).execute("creator-b", conversation_id)


@pytest.mark.parametrize(
    ("limit", "offset", "field"), [(0, 0, "limit"), (201, 0, "limit"), (50, -1, "offset")]
)
async def test_pages_out_of_range_are_invalid(w: World, limit: int, offset: int, field: str):
    with pytest.raises(Invalid) as listed:
        await (await w.use("list_conversations")).execute(
            "creator-a", ConversationQuery(limit, offset)
        )
    with pytest.raises(Invalid) as thread:
        await (await w.use("list_conversation_messages")).execute("creator-a", 1, limit, offset)

    assert listed.value.field == thread.value.field == field
