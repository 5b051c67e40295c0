"""Quiet hours end to end on a manual clock: a campaign started at 23:50 local with quiet hours
00:00 to 08:00 sends its first messages, holds the rest through the night, completes after 08:00,
as its ETA said; a single send during the night waits for the morning too."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.storage.tables import messages
from core.campaigns.audience import NewCampaign, Segment
from core.messaging.writer import NewMessage
from core.planning import QuietHours
from core.settings import SettingsChanges
from tests.support.authors import SERVICE
from tests.support.world import World, world

BERLIN = ZoneInfo("Europe/Berlin")
ALICE = "creator-a"
FANS = 200


async def run_until(w: World, until: datetime, step_s: float) -> None:
    """The worker and its tick, as `fancrm worker` runs them, with the clock moved by hand."""
    tick = await w.use("tick")
    while w.clock.now() < until:
        while await w.worker.run_once():
            pass
        await tick.execute()
        while await w.worker.run_once():
            pass
        w.clock.advance(step_s)


async def sent_times(w: World) -> list[datetime]:
    storage = await w.use("storage")
    query = sa.select(messages.c.sent_at).where(messages.c.sent_at.is_not(None))
    async with storage.connection() as connection:
        return sorted((await connection.execute(query)).scalars())


async def test_a_campaign_at_2350_holds_through_the_night_and_completes_after_eight() -> None:
    async with world(SEND_RATE_PER_MINUTE="10", SEND_BURST="10") as w:
        start = datetime(2026, 6, 1, 23, 50, tzinfo=BERLIN)
        w.clock.advance((start - w.clock.now()).total_seconds())
        quiet = SettingsChanges(time_zone="Europe/Berlin", quiet_hours=QuietHours(time(0), time(8)))
        await (await w.use("update_settings")).execute(ALICE, quiet)
        for i in range(FANS):
            await w.fan(ALICE, f"fan{i}")

        accepted = await (await w.use("create_campaign")).execute(
            ALICE, NewCampaign("night", "good night", segment=Segment()), actor=SERVICE
        )
        eta = accepted.estimated_completion_time.astimezone(BERLIN)
        await run_until(w, datetime(2026, 6, 2, 0, 0, 30, tzinfo=BERLIN), step_s=2)
        night = await sent_times(w)
        # A fan's own single send written at 03:00 waits for the morning as well.
        await run_until(w, datetime(2026, 6, 2, 3, 0, tzinfo=BERLIN), step_s=60)
        receipt = await (await w.use("send_message")).execute(
            ALICE, NewMessage(1, "morning!"), author=SERVICE
        )
        await run_until(w, datetime(2026, 6, 2, 7, 59, tzinfo=BERLIN), step_s=60)
        before_eight = await sent_times(w)
        await run_until(w, datetime(2026, 6, 2, 8, 20, tzinfo=BERLIN), step_s=2)
        everything = await sent_times(w)

    midnight, eight = datetime(2026, 6, 2, tzinfo=BERLIN), datetime(2026, 6, 2, 8, tzinfo=BERLIN)
    assert eta > eight  # the ETA said it would finish in the morning
    assert 0 < len(night) < FANS  # the first ones went before midnight …
    assert all(t < midnight for t in night)
    assert before_eight == night  # … nothing at night …
    assert len(everything) == FANS + 1  # … and everything after 08:00, once each
    assert all(t < midnight or t >= eight for t in everything)
    assert everything[-1] > eight
    assert abs(everything[-1] - eta) <= timedelta(minutes=2)
    assert receipt.estimated_send_time.astimezone(BERLIN) == eight
    assert receipt.estimated_send_time.tzinfo is not None
    assert receipt.queued_at.astimezone(UTC) < eight
