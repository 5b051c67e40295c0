from __future__ import annotations

from core.messaging.backlog import BacklogCounter
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.world import World


async def test_a_fresh_count_is_moved_on_by_writes_and_a_stale_one_is_read_again(w: World) -> None:
    fan = await w.fan("creator-a")
    await (await w.use("send_batch")).execute(
        "creator-a", [NewMessage(fan.id, "x")] * 3, author=SERVICE
    )
    seconds = [100.0]
    counter = BacklogCounter(max_age_s=0.25, monotonic=lambda: seconds[0])
    storage = await w.use("storage")

    async with storage.begin() as uow:
        assert await counter.after_write(uow, "creator-a", 0) == 3  # read from storage
    await w.drain()  # all three sent: storage now says 0
    seconds[0] += 0.1
    async with storage.begin() as uow:
        assert await counter.after_write(uow, "creator-a", 2) == 5  # fresh: moved on, not read
    seconds[0] += 0.2
    async with storage.begin() as uow:
        assert await counter.after_write(uow, "creator-a", 0) == 0  # stale: read again
        assert await counter.after_write(uow, "creator-b", 0) == 0
