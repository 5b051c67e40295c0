from __future__ import annotations

import pytest

from core.errors import Invalid
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World


async def test_each_item_gets_its_own_result_and_only_good_ones_are_queued(w: World) -> None:
    mine = await w.fan("creator-a", "mine")
    theirs = await w.fan("creator-b", "theirs")
    items = [
        NewMessage(mine.id, "one"),
        NewMessage(theirs.id, "not my fan"),
        NewMessage(mine.id, "bad priority", priority=42),
        NewMessage(mine.id, "two"),
    ]

    results = await (await w.use("send_batch")).execute("creator-a", items, author=SERVICE)

    assert [r.index for r in results] == [0, 1, 2, 3]
    assert [r.status for r in results] == [MessageStatus.QUEUED, None, None, MessageStatus.QUEUED]
    assert "not found" in (results[1].error or "")
    assert "priority" in (results[2].error or "")
    assert (await w.queue.stats()).depth == 2
    await w.drain()
    assert sorted(map(str, w.gateway.delivered_ids())) == sorted(
        str(r.message_id) for r in results if r.message_id
    )


async def test_a_batch_of_100_goes_through_the_queue_in_groups(w: World) -> None:
    fan = await w.fan("creator-a")
    results = await (await w.use("send_batch")).execute(
        "creator-a", [NewMessage(fan.id, f"m{i}") for i in range(100)], author=SERVICE
    )
    assert all(r.status is MessageStatus.QUEUED for r in results)
    stats = await w.queue.stats()
    assert (stats.depth, stats.delayed) == (5, 95)  # the burst at once, the rest when due


@pytest.mark.parametrize("size", [0, 101])
async def test_a_batch_outside_1_to_100_is_refused(w: World, size: int) -> None:
    fan = await w.fan("creator-a")
    with pytest.raises(Invalid) as raised:
        await (await w.use("send_batch")).execute(
            "creator-a", [NewMessage(fan.id, "x")] * size, author=SERVICE
        )
    assert raised.value.field == "messages"
    assert (await w.queue.stats()).depth == 0
