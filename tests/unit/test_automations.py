"""Automations on a manual clock, through the real use cases on in-memory adapters: quiet hours,
the inactivity trigger, segments, new and returning subscribers, a word blocked after saving,
a deleted fan, an edit while runs are under way, the bulk lane, and revenue credited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from dependency_injector import providers

from adapters.storage.tables import fans, messages
from core.automations import NewAutomation, Step, Subscribers, Trigger
from core.campaigns import Segment
from core.fans import FanChanges, Platform
from core.inbound import (
    EventType,
    FanRef,
    InboundEvent,
    MessageReceived,
    PpvPurchased,
    SubscriptionChanged,
)
from core.messaging import Envelope, MessageStatus
from core.messaging.gate import lane_of
from core.planning import Lane, QuietHours
from core.settings import SettingsChanges
from tests.support import authors
from tests.support.automations import HighestRandom
from tests.support.world import World, world

CREATOR = "creator-a"
HOUR, DAY = 3600, 86_400
BERLIN = ZoneInfo("Europe/Berlin")
_ids = count()


@pytest.fixture
async def w() -> AsyncIterator[World]:
    async with world(SEND_RATE_PER_MINUTE="600", SEND_BURST="50") as built:
        built.container.random_source.override(providers.Object(HighestRandom()))
        yield built


def steps(name: str, *delays: int, price: int | None = None) -> tuple[Step, ...]:
    return tuple(Step((f"{name}-{n}",), d, price_cents=price) for n, d in enumerate(delays, 1))


async def automation(w: World, new: NewAutomation) -> int:
    view = await (await w.use("create_automation")).execute(CREATOR, new)
    assert view.automation.id is not None
    return view.automation.id


async def happen(w: World, handle: str, kind: EventType, payload: Any) -> None:
    event = InboundEvent(
        f"evt-{next(_ids)}", kind, CREATOR, w.clock.now(), FanRef(Platform.ONLYFANS, handle),
        payload,
    )  # fmt: skip
    assert await (await w.use("process_inbound_event")).execute(event)


async def subscribe(w: World, handle: str) -> None:
    await happen(w, handle, EventType.FAN_SUBSCRIBED, SubscriptionChanged(subscribed=True))


async def tick(w: World, seconds: float = 0) -> None:
    w.clock.advance(seconds)
    await (await w.use("tick")).execute()


async def written(w: World) -> list[tuple[str, str, str]]:
    """(fan handle, text, status) of every message an automation wrote, oldest first."""
    storage = await w.use("storage")
    query = (
        sa.select(fans.c.handle, messages.c.text, messages.c.status)
        .join(fans, fans.c.id == messages.c.fan_id)
        .where(messages.c.author_kind == "automation")
        .order_by(messages.c.created_at, fans.c.handle)
    )
    async with storage.connection() as connection:
        return [tuple(row) for row in await connection.execute(query)]


async def figures(w: World, automation_id: int) -> Any:
    return (await (await w.use("get_automation")).execute(CREATOR, automation_id)).figures


async def test_a_step_due_in_quiet_hours_waits_for_the_window_and_goes_once(w: World) -> None:
    quiet = SettingsChanges(time_zone="Europe/Berlin", quiet_hours=QuietHours(time(0), time(8)))
    await (await w.use("update_settings")).execute(CREATOR, quiet)
    evening = datetime(2026, 6, 1, 23, 0, tzinfo=BERLIN)
    w.clock.advance((evening - w.clock.now()).total_seconds())
    await automation(w, NewAutomation("welcome", Trigger.SUBSCRIBED, steps("w", 2 * HOUR, HOUR)))
    await subscribe(w, "luna")

    night: list[Any] = []
    for _ in range(9 * 6):  # 23:00 to 08:00, a tick every 10 minutes
        await tick(w, 600)
        night.append(await written(w))
        await w.drain()

    at_eight = night[-1]
    assert all(seen == [] for seen in night[:-1])  # due at 01:00, nothing written at night
    assert at_eight == [("luna", "w-1", "queued")]  # the window opened: written, once
    await tick(w, HOUR)  # the second step keeps its hour after the first
    await w.drain()
    assert await written(w) == [("luna", "w-1", "sent"), ("luna", "w-2", "sent")]


async def test_a_fan_quiet_for_n_days_gets_one_run_until_they_are_active_again(w: World) -> None:
    winback = await automation(
        w, NewAutomation("winback", Trigger.INACTIVE, steps("wb", 0), inactive_days=7)
    )
    await tick(w)  # the first scan: fans who go quiet from now on
    await happen(w, "luna", EventType.MESSAGE_RECEIVED, MessageReceived("hi"))
    await happen(w, "milo", EventType.FAN_UNSUBSCRIBED, SubscriptionChanged(subscribed=False))

    await tick(w, 7 * DAY - 60)
    assert await written(w) == []
    await tick(w, 60)
    await tick(w, DAY)  # the same quiet spell: no second run
    assert await written(w) == [("luna", "wb-1", "queued")]  # milo left: not written to
    await happen(w, "luna", EventType.MESSAGE_RECEIVED, MessageReceived("back!"))
    await tick(w, 7 * DAY)
    assert [text for _, text, _ in await written(w)] == ["wb-1", "wb-1"]
    assert (await figures(w, winback)).started == 2


async def test_fans_quiet_already_when_it_is_enabled_are_not_written_to(w: World) -> None:
    await happen(w, "luna", EventType.MESSAGE_RECEIVED, MessageReceived("hi"))
    await tick(w, 30 * DAY)
    await automation(w, NewAutomation("winback", Trigger.INACTIVE, steps("wb", 0), inactive_days=7))

    for _ in range(3):
        await tick(w, DAY)

    assert await written(w) == []


async def test_a_segment_picks_the_fans_a_trigger_starts_runs_for(w: World) -> None:
    big_spenders = Segment(min_value_cents=5000, tags_none=frozenset({"muted"}))
    await automation(
        w, NewAutomation("thanks", Trigger.PURCHASED, steps("t", 0), segment=big_spenders)
    )
    await happen(w, "nova", EventType.MESSAGE_RECEIVED, MessageReceived("hi"))
    muted = FanChanges(tags=frozenset({"muted"}))
    await (await w.use("update_fan")).execute(
        CREATOR, await fan_id(w, "nova"), muted, actor=authors.SERVICE
    )

    await happen(w, "luna", EventType.PPV_PURCHASED, PpvPurchased(4000))
    await happen(w, "milo", EventType.PPV_PURCHASED, PpvPurchased(1000))
    await happen(w, "nova", EventType.PPV_PURCHASED, PpvPurchased(9000))
    await happen(w, "luna", EventType.PPV_PURCHASED, PpvPurchased(2000))
    await tick(w)

    # The segment sees the fan as the purchase leaves them: luna's second one takes her to 60 $.
    assert await written(w) == [("luna", "t-1", "queued")]


async def test_new_and_returning_subscribers(w: World) -> None:
    new = NewAutomation("hello", Trigger.SUBSCRIBED, steps("new", 0), subscribers=Subscribers.NEW)
    back = NewAutomation(
        "again", Trigger.SUBSCRIBED, steps("back", 0), subscribers=Subscribers.RETURNING
    )
    await automation(w, new)
    await automation(w, back)

    await subscribe(w, "luna")
    await tick(w)
    await happen(w, "luna", EventType.FAN_UNSUBSCRIBED, SubscriptionChanged(subscribed=False))
    await tick(w, DAY)
    await subscribe(w, "luna")
    await tick(w)

    assert [text for _, text, _ in await written(w)] == ["new-1", "back-1"]


async def test_a_word_blocked_after_saving_stops_the_run_before_it_is_sent(w: World) -> None:
    welcome = await automation(
        w, NewAutomation("welcome", Trigger.SUBSCRIBED, steps("pay me on cashola", 0, HOUR))
    )
    await subscribe(w, "luna")
    await tick(w)
    blocked = SettingsChanges(blocked_words=("cashola",))
    await (await w.use("update_settings")).execute(CREATOR, blocked)

    await tick(w, HOUR)

    assert [text for _, text, _ in await written(w)] == ["pay me on cashola-1"]
    assert (await figures(w, welcome)).stopped_otherwise == 1


async def test_a_deleted_fans_runs_stop_and_still_count(w: World) -> None:
    welcome = await automation(w, NewAutomation("w", Trigger.SUBSCRIBED, steps("w", 0, HOUR)))
    await subscribe(w, "luna")
    await tick(w)

    await (await w.use("delete_fan")).execute(
        CREATOR, await fan_id(w, "luna"), actor=authors.SERVICE
    )
    await tick(w, HOUR)

    f = await figures(w, welcome)
    assert (f.started, f.running, f.stopped_otherwise) == (1, 0, 1)
    assert await written(w) == []  # its messages went with it


async def test_runs_under_way_carry_on_with_the_new_steps(w: World) -> None:
    welcome = await automation(w, NewAutomation("w", Trigger.SUBSCRIBED, steps("old", 0, HOUR)))
    await subscribe(w, "luna")
    await tick(w)

    edited = NewAutomation("w", Trigger.SUBSCRIBED, steps("new", 0, HOUR, HOUR))
    await (await w.use("replace_automation")).execute(CREATOR, welcome, edited)
    for _ in range(3):
        await tick(w, HOUR)

    assert [text for _, text, _ in await written(w)] == ["old-1", "new-2", "new-3"]
    assert (await figures(w, welcome)).completed == 1


async def test_disabling_stops_runs_and_cancels_what_waits_in_the_outbox(w: World) -> None:
    welcome = await automation(w, NewAutomation("w", Trigger.SUBSCRIBED, steps("w", 0, HOUR)))
    await subscribe(w, "luna")
    await (await w.use("tick")).steps.execute()  # written, not yet relayed

    view = await (await w.use("disable_automation")).execute(CREATOR, welcome)
    await subscribe(w, "milo")  # disabled: starts nothing
    await tick(w, HOUR)
    await w.drain()

    assert await written(w) == [("luna", "w-1", "cancelled")]
    assert w.gateway.delivered == []
    assert (view.figures.started, view.figures.stopped_otherwise) == (1, 1)


async def test_automation_messages_go_in_the_bulk_lane_with_their_author(w: World) -> None:
    welcome = await automation(w, NewAutomation("w", Trigger.SUBSCRIBED, steps("w", 0)))
    await subscribe(w, "luna")
    await (await w.use("tick")).steps.execute()
    storage = await w.use("storage")
    async with storage.begin() as uow:
        [message] = await uow.outbox.campaign_outbox(CREATOR, 10)
        interactive = await uow.outbox.count_interactive(CREATOR)

    assert message.author is not None
    assert (message.author.kind, message.author.id) == ("automation", str(welcome))
    assert lane_of(Envelope.for_message(message)) is Lane.BULK
    assert interactive == 0  # a reply does not queue behind it


async def test_a_purchase_of_an_automation_message_is_credited_to_it(w: World) -> None:
    ppv = await automation(w, NewAutomation("ppv", Trigger.SUBSCRIBED, steps("p", 0, price=999)))
    await subscribe(w, "luna")
    await tick(w)
    await w.drain()
    storage = await w.use("storage")
    async with storage.connection() as connection:
        message_id = await connection.scalar(
            sa.select(messages.c.id).where(messages.c.status == MessageStatus.SENT.value)
        )

    await happen(w, "luna", EventType.PPV_PURCHASED, PpvPurchased(999, message_id))
    await happen(w, "luna", EventType.PPV_PURCHASED, PpvPurchased(500))  # names no message

    f = await figures(w, ppv)
    assert (f.messages_sent, f.revenue_cents) == (1, 999)


async def fan_id(w: World, handle: str) -> int:
    storage = await w.use("storage")
    async with storage.begin() as uow:
        fan = await uow.fans.find_by_handle(CREATOR, Platform.ONLYFANS, handle)
    assert fan is not None
    assert fan.id is not None
    return fan.id
