"""Automation runs on SQLite (memory, file) and PostgreSQL: one run per trigger occurrence and
one running per automation and fan, due steps written once by runners racing in small batches,
a stop that cancels only what nothing has taken, a deleted fan's runs, and the figures."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import automation_runs, messages
from core.automations import (
    Automation,
    FireDueSteps,
    NewAutomation,
    Run,
    Step,
    StopReason,
    Trigger,
)
from core.campaigns import Segment
from core.inbound import Purchase
from core.messaging import MessageStatus
from core.ratelimit import Policy
from core.settings import AccountRules
from tests.support.storage import ALICE, BOB, T0, add_fan

HOUR = timedelta(hours=1)


async def stored(
    storage: SqlAlchemyStorage,
    owner: str = ALICE,
    trigger: Trigger = Trigger.SUBSCRIBED,
    steps: int = 2,
    segment: Segment | None = None,
) -> Automation:
    sequence = tuple(Step((f"step-{n}",), 3600 * (n > 1)) for n in range(1, steps + 1))
    new = NewAutomation("w", trigger, sequence, segment)
    async with storage.begin() as uow:
        return await uow.automations.add(new.to_automation(owner, T0))


def run(automation: Automation, fan_id: int, occurrence: str = "evt-1") -> Run:
    assert automation.id is not None
    return Run(None, automation.user_id, automation.id, fan_id, occurrence, T0, T0)


async def runs_of(storage: SqlAlchemyStorage) -> list[tuple[int, int, str, str | None]]:
    query = sa.select(
        automation_runs.c.fan_id, automation_runs.c.step, automation_runs.c.status,
        automation_runs.c.stop_reason,
    ).order_by(automation_runs.c.id)  # fmt: skip
    async with storage.connection() as connection:
        return [tuple(row) for row in await connection.execute(query)]


def runner(storage: SqlAlchemyStorage, clock: ManualClock, batch: int) -> FireDueSteps:
    """What one worker or Lambda builds: nothing but the database is shared."""
    rules = AccountRules(storage, Policy.per_minute(10))
    return FireDueSteps(storage, rules, clock, random.Random(), batch=batch)


async def test_one_run_per_occurrence_and_one_running_per_automation_and_fan(
    storage: SqlAlchemyStorage,
) -> None:
    automation = await stored(storage)
    luna = await add_fan(storage, ALICE, "luna")
    assert luna.id is not None
    async with storage.begin() as uow:
        first = await uow.automation_runs.add_many([run(automation, luna.id)])
        replayed = await uow.automation_runs.add_many([run(automation, luna.id)])
        another_while_running = await uow.automation_runs.add_many(
            [run(automation, luna.id, "evt-2")]
        )
        await uow.automation_runs.stop_for_fan(ALICE, luna.id, StopReason.REPLIED, T0)
        after_a_stop = await uow.automation_runs.add_many([run(automation, luna.id, "evt-3")])

    assert (first, replayed, another_while_running, after_a_stop) == (1, 0, 0, 1)
    assert [status for *_, status, _ in await runs_of(storage)] == ["stopped", "running"]


async def test_runners_racing_in_small_batches_write_each_due_step_once(
    storage: SqlAlchemyStorage,
) -> None:
    automation = await stored(storage, steps=2)
    fans = [await add_fan(storage, ALICE, f"fan{n}") for n in range(12)]
    async with storage.begin() as uow:
        await uow.automation_runs.add_many([run(automation, fan.id or 0) for fan in fans])
    clock = ManualClock(T0)
    racing = [runner(storage, clock, batch=2) for _ in range(3)]

    first = await asyncio.gather(*(r.execute() for r in racing))
    clock.advance(3600)
    second = await asyncio.gather(*(r.execute() for r in racing))

    assert (sum(first), sum(second)) == (12, 12)
    async with storage.connection() as connection:
        rows = (await connection.execute(sa.select(messages.c.fan_id, messages.c.text))).all()
    assert Counter(rows) == Counter({(fan.id, f"step-{n}"): 1 for fan in fans for n in (1, 2)})
    assert {(step, status) for _, step, status, _ in await runs_of(storage)} == {(2, "completed")}


async def test_a_stop_cancels_what_waits_and_spares_what_is_being_delivered(
    storage: SqlAlchemyStorage,
) -> None:
    welcome = await stored(storage, steps=1)
    winback = await stored(storage, trigger=Trigger.UNSUBSCRIBED, steps=1)
    luna = await add_fan(storage, ALICE, "luna")
    async with storage.begin() as uow:
        await uow.automation_runs.add_many([run(welcome, luna.id or 0), run(winback, luna.id or 0)])
    clock = ManualClock(T0)
    await runner(storage, clock, batch=10).execute()
    async with storage.connection(transaction=True) as connection:  # the consumer took one
        await connection.execute(
            messages.update()
            .where(messages.c.text == "step-1")
            .values(status=MessageStatus.SENDING.value)
        )
    second = await stored(storage, steps=2)
    async with storage.begin() as uow:
        await uow.automation_runs.add_many([run(second, luna.id or 0)])
    await runner(storage, clock, batch=10).execute()

    async with storage.begin() as uow:
        stopped = await uow.automation_runs.stop_for_fan(
            ALICE, luna.id or 0, StopReason.UNSUBSCRIBED, clock.now(), sparing=Trigger.UNSUBSCRIBED
        )
    async with storage.connection() as connection:
        rows = await connection.execute(sa.select(messages.c.author_id, messages.c.status))
        statuses = sorted((int(a), s) for a, s in rows)

    assert stopped == 1  # the second one's run; the others completed, the win-back is spared
    assert statuses == sorted(
        [(welcome.id, "sending"), (winback.id, "sending"), (second.id, "cancelled")]
    )


async def test_a_deleted_fans_runs_stop_and_stay_counted(storage: SqlAlchemyStorage) -> None:
    automation = await stored(storage)
    luna = await add_fan(storage, ALICE, "luna")
    async with storage.begin() as uow:
        await uow.automation_runs.add_many([run(automation, luna.id or 0)])
        await uow.fans.delete(ALICE, luna.id or 0)

    assert await runs_of(storage) == [(None, 0, "stopped", "fan_deleted")]
    async with storage.begin() as uow:
        assert automation.id is not None
        figures = (await uow.automations.figures(ALICE, [automation.id]))[automation.id]
    assert (figures.started, figures.running, figures.stopped_otherwise) == (1, 0, 1)


async def test_figures_count_runs_deliveries_and_revenue_of_one_tenant(
    storage: SqlAlchemyStorage,
) -> None:
    automation = await stored(storage, steps=2)
    other = await stored(storage, owner=BOB)
    fans = [await add_fan(storage, ALICE, f"fan{n}") for n in range(3)]
    async with storage.begin() as uow:
        await uow.automation_runs.add_many([run(automation, fan.id or 0) for fan in fans])
    clock = ManualClock(T0)
    await runner(storage, clock, batch=10).execute()
    async with storage.begin() as uow:
        await uow.automation_runs.stop_for_fan(ALICE, fans[0].id or 0, StopReason.REPLIED, T0)
    async with storage.connection(transaction=True) as connection:
        ids = list(
            (
                await connection.execute(sa.select(messages.c.id).order_by(messages.c.fan_id))
            ).scalars()
        )
        await connection.execute(
            messages.update()
            .where(messages.c.id.in_(ids[1:]))
            .values(status=MessageStatus.SENT.value)
        )
    async with storage.begin() as uow:
        for cents in (500, 250):
            await uow.purchases.add(Purchase(None, ALICE, fans[1].id, cents, T0, message_id=ids[1]))
        await uow.purchases.add(Purchase(None, ALICE, fans[2].id, 9999, T0))  # no message
        assert automation.id is not None
        assert other.id is not None
        figures = await uow.automations.figures(ALICE, [automation.id, other.id])

    mine = figures[automation.id]
    assert (mine.started, mine.running, mine.stopped_by_reply) == (3, 2, 1)
    assert (mine.reached, mine.replied_after_a_step, mine.reply_rate) == (3, 1, 0.3333)
    assert (mine.messages_sent, mine.revenue_cents) == (2, 750)
    assert figures[other.id].started == 0  # another tenant's automation: nothing counted


async def test_a_segment_admits_only_the_fans_it_selects(storage: SqlAlchemyStorage) -> None:
    rich = await add_fan(storage, ALICE, "rich", value_cents=9000, tags=frozenset({"vip"}))
    poor = await add_fan(storage, ALICE, "poor", value_cents=10, tags=frozenset({"vip"}))
    bobs = await add_fan(storage, BOB, "rich", value_cents=9000, tags=frozenset({"vip"}))
    segment = Segment(tags_any=frozenset({"vip"}), min_value_cents=5000)
    ids = [f.id or 0 for f in (rich, poor, bobs)]

    async with storage.begin() as uow:
        admitted = await uow.automation_runs.in_audience(ALICE, segment, ids, T0)

    assert admitted == {rich.id}


async def test_the_inactivity_window_finds_fans_who_went_quiet_in_it(
    storage: SqlAlchemyStorage,
) -> None:
    automation = await stored(storage, trigger=Trigger.SUBSCRIBED)
    await add_fan(storage, ALICE, "before", last_active_at=T0 - 3 * HOUR)
    inside = await add_fan(storage, ALICE, "inside", last_active_at=T0 - HOUR)
    await add_fan(storage, ALICE, "left", last_active_at=T0 - HOUR, unsubscribed_at=T0)
    never = await add_fan(storage, ALICE, "never")  # created at T0: quiet since
    await add_fan(storage, BOB, "bobs", last_active_at=T0 - HOUR)

    async with storage.begin() as uow:
        found = await uow.automation_runs.inactive_fans(automation, T0 - 2 * HOUR, T0)

    assert found == [(inside.id, T0 - HOUR), (never.id, T0)]


async def test_the_inactivity_scan_is_claimed_by_one_runner(storage: SqlAlchemyStorage) -> None:
    new = NewAutomation("wb", Trigger.INACTIVE, (Step(("hi",)),), inactive_days=7)
    async with storage.begin() as uow:
        automation = await uow.automations.add(new.to_automation(ALICE, T0))

    async with storage.begin() as uow:
        won = await uow.automations.move_scan(automation, T0 + HOUR, T0 + HOUR)
        lost = await uow.automations.move_scan(automation, T0 + HOUR, T0 + HOUR)

    assert (won, lost) == (True, False)
