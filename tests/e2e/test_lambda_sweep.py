"""The scheduled sweep Lambda on the real container (in-memory adapters, a hand-moved clock),
driven on its own long-lived loop as in a Lambda environment."""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from dependency_injector import providers

from adapters.clock import ManualClock
from core.automations import NewAutomation, Step, Trigger
from core.campaigns.audience import NewCampaign, Segment
from core.fans.records import NewFan, Platform
from core.inbound import EventType, FanRef, InboundEvent, SubscriptionChanged
from core.messaging.records import Direction, Message, MessageStatus
from entrypoints.container import build_container, resolve
from entrypoints.lambda_consumer import sweep as sweep_module
from entrypoints.lambda_consumer.sweep import ScheduledSweep
from tests.support.sqs_events import FakeLambdaContext
from tests.support.world import settings_for_tests

T = TypeVar("T")
CREATOR = "creator-a"


@pytest.fixture
def sweep(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScheduledSweep]:
    container = build_container(settings_for_tests(SEND_RATE_PER_MINUTE="60", SEND_BURST="1"))
    container.clock.override(providers.Object(ManualClock()))
    built = ScheduledSweep.started(container)
    monkeypatch.setattr(sweep_module, "_sweep", built)  # the handler's cold start, done
    yield built
    built.close()


def run(sweep: ScheduledSweep, step: Coroutine[Any, Any, T]) -> T:
    return sweep.loop.run_until_complete(step)


def use(sweep: ScheduledSweep, name: str) -> Any:
    return run(sweep, resolve(sweep.container.providers[name]))


def test_the_handler_relays_a_crashed_single_send_and_the_campaigns_next_slice(
    sweep: ScheduledSweep,
) -> None:
    fans = [
        run(sweep, use(sweep, "create_fan").execute(CREATOR, NewFan(Platform.ONLYFANS, f"f{i}")))
        for i in range(400)
    ]
    clock: ManualClock = use(sweep, "clock")
    storage, queue = use(sweep, "storage"), use(sweep, "queue")

    async def crashed_send_and_campaign() -> None:
        async with storage.begin() as uow:  # written, never relayed: the API died in between
            conversation = await uow.conversations.get_or_create(
                CREATOR, fans[0].id, Platform.ONLYFANS
            )
            await uow.messages.add(
                Message(uuid4(), CREATOR, conversation.id, fans[0].id, Direction.OUT, "lost",
                        MessageStatus.PENDING, clock.now())
            )  # fmt: skip
        async with storage.begin() as uow:  # accepted by an API that died before its fan-out
            campaign = NewCampaign("spring", "hi", segment=Segment()).to_campaign(CREATOR)
            await uow.campaigns.add(campaign)

    run(sweep, crashed_send_and_campaign())
    clock.advance(60)

    answer = sweep_module.handler({"source": "aws.events"}, FakeLambdaContext())

    # 60 a minute, 1 in the bucket: the 300 s horizon holds 301, the single send among them.
    assert answer == {"relayed": 301}
    stats = run(sweep, queue.stats())
    assert stats.depth + stats.delayed == 301
    assert sweep_module.handler({}, FakeLambdaContext()) == {"relayed": 0}  # nothing more due


def test_the_handler_writes_and_relays_an_automation_step_once_it_is_due(
    sweep: ScheduledSweep,
) -> None:
    steps = (Step(("welcome!",), delay_s=600),)
    new = NewAutomation("welcome", Trigger.SUBSCRIBED, steps)
    run(sweep, use(sweep, "create_automation").execute(CREATOR, new))
    subscribed = InboundEvent(
        "evt-1", EventType.FAN_SUBSCRIBED, CREATOR, datetime(2026, 1, 1, tzinfo=UTC),
        FanRef(Platform.ONLYFANS, "luna"), SubscriptionChanged(subscribed=True),
    )  # fmt: skip
    run(sweep, use(sweep, "process_inbound_event").execute(subscribed))
    clock: ManualClock = use(sweep, "clock")

    early = sweep_module.handler({}, FakeLambdaContext())
    clock.advance(600)
    due = sweep_module.handler({}, FakeLambdaContext())
    again = sweep_module.handler({}, FakeLambdaContext())

    assert (early, due, again) == ({"relayed": 0}, {"relayed": 1}, {"relayed": 0})
    [received] = run(sweep, use(sweep, "queue").receive(10))
    assert received.envelope.automation_id is not None
