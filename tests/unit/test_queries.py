from __future__ import annotations

import uuid

import pytest

from core.errors import Conflict, NotFound
from core.messaging.ports import PermanentFailure
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World


async def test_another_creators_message_is_not_found(w: World) -> None:
    fan = await w.fan("creator-a")
    receipt = await (await w.use("send_message")).execute(
        "creator-a", NewMessage(fan.id, "hi"), author=SERVICE
    )
    with pytest.raises(NotFound):
        await (await w.use("get_message")).execute("creator-b", receipt.message_id)
    with pytest.raises(NotFound):
        await (await w.use("retry_failed")).execute("creator-b", receipt.message_id, actor=SERVICE)
    with pytest.raises(NotFound):
        await (await w.use("get_message")).execute("creator-a", uuid.uuid4())


async def test_only_a_failed_message_can_be_retried(w: World) -> None:
    fan = await w.fan("creator-a")
    receipt = await (await w.use("send_message")).execute(
        "creator-a", NewMessage(fan.id, "hi"), author=SERVICE
    )
    with pytest.raises(Conflict):
        await (await w.use("retry_failed")).execute("creator-a", receipt.message_id, actor=SERVICE)
    assert (await w.queue.stats()).depth == 1  # nothing was enqueued twice


async def test_queue_status_reports_the_creators_backlog_and_last_send(w: World) -> None:
    fan = await w.fan("creator-a")
    send = await w.use("send_message")
    for i in range(8):
        await send.execute("creator-a", NewMessage(fan.id, f"m{i}"), author=SERVICE)
    status = await (await w.use("queue_status")).execute("creator-a")
    stats = await w.queue.stats()  # the shared queue, for operators: the burst now, the rest later
    assert (stats.depth, stats.delayed) == (5, 3)
    # The creator's status counts the creator's own messages, wherever they are in the queue.
    assert (status.counts.waiting, status.counts.sending, status.counts.failed) == (8, 0, 0)
    assert (status.backlog, status.last_processed_at) == (8, None)
    assert status.estimated_time_s == 3.0  # 8 waiting, burst of 5, one a second after
    assert status.rate_per_minute == 60
    assert status.healthy

    await w.worker.run_once()
    status = await (await w.use("queue_status")).execute("creator-a")
    assert status.backlog == 3
    assert status.last_processed_at == w.clock.now()
    assert (await (await w.use("queue_status")).execute("creator-b")).backlog == 0


async def test_a_failed_message_lists_with_its_error(w: World) -> None:
    fan = await w.fan("creator-a")
    receipt = await (await w.use("send_message")).execute(
        "creator-a", NewMessage(fan.id, "hi"), author=SERVICE
    )
    w.gateway.script(PermanentFailure("blocked"))
    await w.drain()
    page = await (await w.use("list_failed")).execute("creator-a")
    assert [(m.id, m.status, m.error) for m in page.items] == [
        (receipt.message_id, MessageStatus.FAILED, "blocked")
    ]
    assert (await (await w.use("list_failed")).execute("creator-b")).total == 0
