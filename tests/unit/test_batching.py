from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from core.batching import MicroBatcher


class Doubler:
    """A flush that records each batch it was given and doubles each item (odd ones fail)."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def __call__(self, items: Sequence[int]) -> list[int | Exception]:
        self.batches.append(list(items))
        await asyncio.sleep(0)  # a real flush awaits I/O: callers arriving meanwhile queue up
        return [ValueError(f"odd {i}") if i % 2 else i * 2 for i in items]


async def test_an_idle_caller_is_flushed_alone_and_at_once() -> None:
    flush = Doubler()
    batcher = MicroBatcher(flush)
    assert await batcher.submit(2) == 4
    assert await batcher.submit(4) == 8
    assert flush.batches == [[2], [4]]


async def test_callers_arriving_during_a_flush_share_the_next_one() -> None:
    flush = Doubler()
    batcher = MicroBatcher(flush, max_size=3)
    results = await asyncio.gather(*(batcher.submit(i) for i in (0, 2, 4, 6, 8, 10, 12)))
    assert results == [0, 4, 8, 12, 16, 20, 24]
    assert [len(b) for b in flush.batches] == [3, 3, 1]
    assert [item for batch in flush.batches for item in batch] == [0, 2, 4, 6, 8, 10, 12]


async def test_an_item_that_fails_fails_only_its_own_caller() -> None:
    batcher = MicroBatcher(Doubler())
    outcomes = await asyncio.gather(*(batcher.submit(i) for i in (2, 3, 4)), return_exceptions=True)
    assert outcomes[0] == 4
    assert outcomes[2] == 8
    assert isinstance(outcomes[1], ValueError)


async def test_a_flush_that_raises_fails_every_caller_in_it_and_the_next_batch_still_runs() -> None:
    calls = 0

    async def flaky(items: Sequence[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database went away")
        return list(items)

    batcher = MicroBatcher(flaky)
    with pytest.raises(ConnectionError):
        await batcher.submit(1)
    assert await batcher.submit(2) == 2
