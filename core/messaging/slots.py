"""The process's bound on deliveries under way at once, shared by every batch in hand.

A batch reserves its slots before it asks the bucket: a token granted is spent on a send at once,
as the bucket assumes, and a row is claimed only when its delivery can start, well inside its
lease. A batch takes what is free (one at least) and asks again for the rest once those are
done: it never waits while holding slots, so batches cannot wait on each other.
"""

from __future__ import annotations

import asyncio


class DeliverySlots:
    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("at least one delivery must be allowed at a time")
        self.limit = limit
        self._free = limit
        self._changed = asyncio.Condition()

    async def reserve(self, wanted: int) -> Reservation:
        """Up to `wanted` slots: as many as are free, once at least one is."""
        if wanted < 1:
            raise ValueError("reserve at least one slot")
        async with self._changed:
            await self._changed.wait_for(lambda: self._free > 0)
            taken = min(wanted, self._free)
            self._free -= taken
        return Reservation(self, taken)

    async def _give_back(self, count: int) -> None:
        async with self._changed:
            self._free += count
            self._changed.notify_all()


class Reservation:
    """Slots held by one batch, handed back one delivery at a time or all at the end."""

    def __init__(self, slots: DeliverySlots, count: int) -> None:
        self._slots = slots
        self.held = count

    async def release(self, count: int = 1) -> None:
        count = min(count, self.held)
        self.held -= count
        if count:
            await self._slots._give_back(count)

    async def release_all(self) -> None:
        await self.release(self.held)
