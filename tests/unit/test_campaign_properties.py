"""Any sequence of fan-out chunks, worker batches, sweeps, failures and control actions on a
campaign: the counters equal a count of its rows and add up to the number targeted, nobody is
sent twice, a paused campaign sends nothing, cancel leaves nothing to send and stops the fan-out,
retry-failed moves only failures, and the campaign is not completed before its fan-out is.

The fan-out the API starts is cut short at once (as by a shutdown), so the sequence drives it:
`chunk` is one more chunk (of 5 fans), `sweep` carries the whole rest on."""

from __future__ import annotations

import asyncio
from collections import Counter

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.storage.tables import messages
from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.records import CampaignCounters, CampaignStatus
from core.errors import Conflict
from core.messaging.ports import PermanentFailure
from tests.support.authors import SERVICE
from tests.support.world import World, world

FANS = 12
FANS_PER_CHUNK = 5
OPS = ["chunk", "chunk", "batch", "batch", "sweep", "tick", "fail", "pause", "resume", "cancel"]
OPS += ["retry"]
# The counter each row status lands in: written out here again, not imported from storage.
COUNTER = {
    "pending": "pending", "queued": "queued", "sending": "queued", "sent": "sent",
    "failed": "failed", "held": "held", "cancelled": "cancelled",
}  # fmt: skip


async def rows(w: World, campaign_id: int) -> Counter[str]:
    storage = await w.use("storage")
    async with storage.connection() as connection:
        found = await connection.execute(
            sa.select(messages.c.status).where(messages.c.campaign_id == campaign_id)
        )
        return Counter(COUNTER[status] for (status,) in found)


async def run(ops: list[str]) -> CampaignCounters:
    async with world(
        SEND_RATE_PER_MINUTE="60", SEND_BURST="3", FANOUT_CHUNK_SIZE=str(FANS_PER_CHUNK)
    ) as w:
        for i in range(FANS):
            await w.fan("alice", f"fan{i}")
        new = NewCampaign("spring", "hi", segment=Segment())
        campaign = (
            await (await w.use("create_campaign")).execute("alice", new, actor=SERVICE)
        ).campaign_id
        await (await w.use("background_fan_outs")).close()  # an API shut down at once
        get, sweep = await w.use("get_campaign"), await w.use("tick")
        fan_out = await w.use("fan_out_campaign")
        control = {
            op: await w.use(name)
            for op, name in [
                ("pause", "pause_campaign"), ("resume", "resume_campaign"),
                ("cancel", "cancel_campaign"), ("retry", "retry_failed_campaign"),
            ]
        }  # fmt: skip
        for op in ops:
            before = await get.execute("alice", campaign)
            delivered = len(w.gateway.delivered)
            if op == "chunk":
                await fan_out.execute("alice", campaign, max_chunks=1)
            elif op == "batch":
                await w.worker.run_once()
            elif op == "sweep":
                await sweep.execute()
            elif op == "tick":
                w.clock.advance(30)
            elif op == "fail":
                w.gateway.script(PermanentFailure("refused"))
            else:
                try:
                    await control[op].execute("alice", campaign, actor=SERVICE)
                except Conflict:
                    assert (await get.execute("alice", campaign)).status == before.status
            after = await get.execute("alice", campaign)
            c = after.counters
            if after.fan_out_complete:
                assert c.targeted == FANS
            else:  # written a chunk at a time, in full chunks; stopped for good once cancelled
                assert c.targeted <= FANS
                assert c.targeted % FANS_PER_CHUNK == 0
                assert after.status is not CampaignStatus.COMPLETED
                if before.status is CampaignStatus.CANCELLED:
                    assert c.targeted == before.counters.targeted
            assert CampaignCounters(**(await rows(w, campaign))) == c
            sent_ids = Counter(w.gateway.delivered_ids())
            assert all(n == 1 for n in sent_ids.values())  # nobody twice
            assert c.sent == len(sent_ids)
            if before.status is CampaignStatus.PAUSED and op == "batch":
                assert len(w.gateway.delivered) == delivered
            if after.status is CampaignStatus.CANCELLED:
                assert c.pending == c.queued == c.held == 0
            if op == "retry" and before.status is not CampaignStatus.CANCELLED:
                b = before.counters
                assert (c.failed, c.sent, c.cancelled) == (0, b.sent, b.cancelled)
                assert c.pending + c.queued == b.pending + b.queued + b.failed
        return (await get.execute("alice", campaign)).counters


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(st.sampled_from(OPS), max_size=30))
def test_counters_stay_true_whatever_happens(ops: list[str]) -> None:
    asyncio.run(run(ops))


async def test_a_long_run_sends_everyone_exactly_once_after_pauses_and_retries():
    ops = ["fail", "batch", "pause", "batch", "resume"] + ["batch", "tick", "sweep"] * 40
    ops += ["retry"] + ["batch", "tick", "sweep"] * 20
    assert await run(ops) == CampaignCounters(sent=FANS)
