"""A campaign's fan-out after it is accepted: its messages written a chunk at a time.

Each chunk is its own transaction under the campaign row's lock: it stops once the campaign is
cancelled, writes the next `fan_out_chunk` fans of the audience (in fan-id order, after the
cursor) and moves the cursor. A runner killed between chunks loses nothing; the next one (the
outbox sweep of `fancrm worker`, the dev server or the scheduled Lambda) carries on from the
cursor, and two runners at once take turns on the lock. The segment is evaluated as each chunk
is reached, so a fan who changes meanwhile is judged as they are when their chunk is written.
A paused campaign keeps fanning out: its rows stay `pending` until it is resumed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass

from core.campaigns.ports import CampaignStorage, CampaignStore
from core.campaigns.records import Campaign, CampaignCounters, CampaignStatus
from core.messaging import MessagingConfig, SweepOutbox
from core.ports import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FanOutCampaign:
    storage: CampaignStorage
    clock: Clock
    config: MessagingConfig

    async def execute(self, user_id: str, campaign_id: int, max_chunks: int | None = None) -> int:
        """Write the chunks left (at most `max_chunks`) until the fan-out ends or the campaign is
        cancelled; how many messages this call wrote."""
        written = 0
        for _ in itertools.count() if max_chunks is None else range(max_chunks):
            async with self.storage.begin() as uow:
                campaign = await uow.campaigns.lock(user_id, campaign_id)
                if (
                    campaign is None
                    or campaign.fanned_out_at is not None
                    or campaign.status is CampaignStatus.CANCELLED
                ):
                    return written
                limit = await _room(uow, campaign, self.config.fan_out_chunk)
                if limit == 0:  # its cap is reached: the fan-out ends here
                    await uow.campaigns.end_fan_out(user_id, campaign_id, self.clock.now())
                    return written
                chunk = await uow.campaigns.fan_out(campaign, self.clock.now(), limit)
            written += chunk.written
            if chunk.done:
                break
        return written


async def _room(uow: CampaignStore, campaign: Campaign, chunk: int) -> int:
    """How many fans the next chunk may write: a chunk, or less under the campaign's cap."""
    cap = campaign.limits.max_messages
    if cap is None:
        return chunk
    assert campaign.id is not None
    counted = await uow.campaigns.counters(campaign.user_id, [campaign.id])
    written = counted.get(campaign.id, CampaignCounters()).targeted
    return max(0, min(chunk, cap - written))


@dataclass(frozen=True, slots=True)
class ContinueFanOuts:
    """Carry on every fan-out not yet ended, any tenant's: what a crashed API left half-done."""

    storage: CampaignStorage
    fan_out: FanOutCampaign

    async def execute(self) -> int:
        async with self.storage.begin() as uow:
            unfinished = await uow.campaigns.unfinished_fan_outs()
        written = 0
        for user_id, campaign_id in unfinished:
            written += await self.fan_out.execute(user_id, campaign_id)
        return written


class BackgroundFanOuts:
    """The fan-outs the API starts right after answering, as tasks kept referenced until done.

    Each relays the campaign's first slice as soon as its first chunk is written, and again at
    the end. `close` (at shutdown) cancels what is still running: a cancelled chunk rolls back,
    and the worker's sweep carries on from the cursor.
    """

    def __init__(self, fan_out: FanOutCampaign, sweep: SweepOutbox) -> None:
        self._fan_out = fan_out
        self._sweep = sweep
        self._running: set[asyncio.Task[None]] = set()

    def start(self, user_id: str, campaign_id: int) -> None:
        task = asyncio.create_task(self._run(user_id, campaign_id), name="fancrm-fan-out")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def wait(self) -> None:
        """Until every fan-out started here has ended (the CLI, tests)."""
        while self._running:
            await asyncio.wait(set(self._running))

    async def close(self) -> None:
        for task in self._running:
            task.cancel()
        await self.wait()

    async def _run(self, user_id: str, campaign_id: int) -> None:
        try:
            # Messages start going out once the first chunk is written, not the last.
            await self._fan_out.execute(user_id, campaign_id, max_chunks=1)
            await self._sweep.execute(user_id)
            if await self._fan_out.execute(user_id, campaign_id):
                await self._sweep.execute(user_id)
        except Exception:  # the cursor is committed: the worker's sweep carries on from it
            log.exception("a campaign's fan-out failed; the sweep will carry it on",
                          extra={"campaign_id": campaign_id})  # fmt: skip
