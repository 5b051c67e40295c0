"""Opportunistic batching: concurrent calls that arrive while a flush runs share the next one.

An idle caller is flushed at once (no timer, no added latency); under load, one flush serves many
callers, so the cost of a transaction is paid once per batch instead of once per request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Flush = Callable[[Sequence[Item]], Awaitable[Sequence[Result | Exception]]]


class MicroBatcher(Generic[Item, Result]):
    def __init__(self, flush: Flush[Item, Result], max_size: int = 100) -> None:
        self._flush = flush
        self._max_size = max_size
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """The result of `item`'s flush; an Exception given for the item is raised here."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._draining is None:
            self._draining = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self._max_size]
                del self._waiting[: self._max_size]
                await self._run(batch)
        finally:
            self._draining = None

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results: Sequence[Result | Exception] = await self._flush([item for item, _ in batch])
        except Exception as exc:  # the whole flush failed: every caller in it hears why
            results = [exc] * len(batch)
        except asyncio.CancelledError:  # shutting down: nobody may wait forever
            for _, future in batch:
                if not future.done():
                    future.set_exception(RuntimeError("the batch was cancelled"))
            raise
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the caller went away (cancelled)
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
