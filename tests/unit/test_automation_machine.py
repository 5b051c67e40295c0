"""Automations against a plain model: any sequence of fans' events (subscribe, unsubscribe, a
message, a purchase, a deletion, a replay), clock ticks, worker crashes, deliveries and
enable/disable. Every step each fan should get is written once, none after its run stopped,
none twice; what a stop catches before delivery is cancelled, what was delivered stays.

The real use cases run on in-memory SQLite through the container; the model below knows only
the rules of the issue. Every jitter is at its bound and the last variant is chosen (a scripted
random source), so the model can say when each step is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from dependency_injector import providers
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from adapters.storage.tables import fans, messages
from core.automations import FireDueSteps, NewAutomation, Step, Trigger
from core.fans import Platform
from core.inbound import (
    EventType,
    FanRef,
    InboundEvent,
    MessageReceived,
    PpvPurchased,
    SubscriptionChanged,
)
from tests.support import authors
from tests.support.automations import HighestRandom
from tests.support.world import World, world

CREATOR = "creator-a"
HANDLES = ("f0", "f1", "f2")


@dataclass(frozen=True)
class Plan:
    """An automation as the model sees it: its trigger and each step's delay with its jitter."""

    name: str
    trigger: Trigger
    delays: tuple[int, ...]
    jitters: tuple[int, ...]

    def new(self) -> NewAutomation:
        steps = tuple(
            Step((f"{self.name}-{n}-other", f"{self.name}-{n}"), delay, jitter)
            for n, (delay, jitter) in enumerate(zip(self.delays, self.jitters, strict=True), 1)
        )
        return NewAutomation(self.name, self.trigger, steps)

    def wait(self, step: int) -> timedelta:
        return timedelta(seconds=self.delays[step] + self.jitters[step])


PLANS = (
    Plan("welcome", Trigger.SUBSCRIBED, (0, 7200, 86_400), (600, 600, 0)),
    Plan("winback", Trigger.UNSUBSCRIBED, (3600, 86_400), (0, 300)),
    Plan("thanks", Trigger.PURCHASED, (600, 10_800), (60, 0)),
)


@dataclass
class ModelRun:
    step: int  # the next step to write
    due: datetime


@dataclass
class Model:
    enabled: dict[str, bool] = field(default_factory=lambda: {p.name: True for p in PLANS})
    runs: dict[tuple[str, str], ModelRun] = field(default_factory=dict)  # (handle, plan)
    # (handle, text) → "live" (written, not delivered), "sent" or "cancelled"; a list per key,
    # so a second message of the same step would show.
    messages: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def start(self, handle: str, plan: Plan, now: datetime) -> None:
        if self.enabled[plan.name] and (handle, plan.name) not in self.runs:
            self.runs[handle, plan.name] = ModelRun(0, now + plan.wait(0))

    def stop(self, handle: str, sparing: Trigger | None = None) -> None:
        """The fan's runs stop, and what their automations wrote to the fan and nothing has
        delivered yet is cancelled (a completed run's last step too)."""
        for plan in PLANS:
            if plan.trigger is not sparing:
                self.runs.pop((handle, plan.name), None)
                self._cancel(lambda h, text, p=plan: h == handle and text.startswith(p.name))

    def disable(self, plan: Plan) -> None:
        self.enabled[plan.name] = False
        for handle in HANDLES:
            self.runs.pop((handle, plan.name), None)
        self._cancel(lambda _, text: text.startswith(plan.name))

    def _cancel(self, which: Any) -> None:
        for (handle, text), states in self.messages.items():
            if which(handle, text):
                states[:] = ["cancelled" if s == "live" else s for s in states]

    def fire(self, now: datetime) -> None:
        for (handle, name), run in list(self.runs.items()):
            if run.due > now:
                continue
            plan = next(p for p in PLANS if p.name == name)
            self.messages.setdefault((handle, f"{name}-{run.step + 1}"), []).append("live")
            run.step += 1
            if run.step == len(plan.delays):
                del self.runs[handle, name]
            else:
                run.due = now + plan.wait(run.step)

    def deliver(self) -> None:
        for states in self.messages.values():
            states[:] = ["sent" if s == "live" else s for s in states]

    def forget(self, handle: str) -> None:
        """A deleted fan's messages go with it."""
        for plan in PLANS:
            self.runs.pop((handle, plan.name), None)
        self.messages = {key: s for key, s in self.messages.items() if key[0] != handle}

    def expected(self) -> Counter[tuple[str, str, str]]:
        return Counter(
            (handle, text, state) for (handle, text), states in self.messages.items()
            for state in states
        )  # fmt: skip


class Crash(Exception):
    """A worker dying before its transaction commits."""


class CrashingStorage:
    """The storage, but the `crash_on`-th transaction raises at its end: it is rolled back."""

    def __init__(self, storage: Any, crash_on: int) -> None:
        self._storage = storage
        self._left = crash_on

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Any]:
        self._left -= 1
        async with self._storage.begin() as uow:
            yield uow
            if self._left == 0:
                raise Crash

    async def ping(self) -> None: ...


_STATUS = {"pending": "live", "queued": "live", "sent": "sent", "cancelled": "cancelled"}


class AutomationsMatchTheModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.world_context = world(SEND_RATE_PER_MINUTE="6000", SEND_BURST="100")
        self.w: World = self.loop.run_until_complete(self.world_context.__aenter__())
        self.w.container.random_source.override(providers.Object(HighestRandom()))
        self.model = Model()
        self.ids: dict[str, int] = {}
        self.events = itertools.count()
        self.seen: list[InboundEvent] = []

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    @initialize()
    def automations(self) -> None:
        create = self.run(self.w.use("create_automation"))
        for plan in PLANS:
            view = self.run(create.execute(CREATOR, plan.new()))
            self.ids[plan.name] = view.automation.id

    @property
    def now(self) -> datetime:
        return self.w.clock.now()

    def apply(self, handle: str, kind: EventType, payload: Any) -> None:
        event = InboundEvent(
            f"evt-{next(self.events)}", kind, CREATOR, self.now, FanRef(Platform.ONLYFANS, handle),
            payload,
        )  # fmt: skip
        self.seen.append(event)
        process = self.run(self.w.use("process_inbound_event"))
        assert self.run(process.execute(event))

    @rule(handle=st.sampled_from(HANDLES))
    def subscribe(self, handle: str) -> None:
        self.apply(handle, EventType.FAN_SUBSCRIBED, SubscriptionChanged(subscribed=True))
        self.model.start(handle, PLANS[0], self.now)

    @rule(handle=st.sampled_from(HANDLES))
    def unsubscribe(self, handle: str) -> None:
        self.apply(handle, EventType.FAN_UNSUBSCRIBED, SubscriptionChanged(subscribed=False))
        self.model.stop(handle, sparing=Trigger.UNSUBSCRIBED)
        self.model.start(handle, PLANS[1], self.now)

    @rule(handle=st.sampled_from(HANDLES))
    def reply(self, handle: str) -> None:
        self.apply(handle, EventType.MESSAGE_RECEIVED, MessageReceived("hi"))
        self.model.stop(handle)

    @rule(handle=st.sampled_from(HANDLES), cents=st.integers(0, 5000))
    def purchase(self, handle: str, cents: int) -> None:
        self.apply(handle, EventType.PPV_PURCHASED, PpvPurchased(cents))
        self.model.start(handle, PLANS[2], self.now)

    @precondition(lambda self: self.seen)
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        event = data.draw(st.sampled_from(self.seen))
        process = self.run(self.w.use("process_inbound_event"))
        assert not self.run(process.execute(event))

    @rule(handle=st.sampled_from(HANDLES))
    def delete(self, handle: str) -> None:
        fan_id = self.run(self._fan_id(handle))
        if fan_id is None:
            return
        delete = self.run(self.w.use("delete_fan"))
        self.run(delete.execute(CREATOR, fan_id, actor=authors.SERVICE))
        self.model.forget(handle)

    @rule(seconds=st.sampled_from([1, 59, 600, 660, 3600, 7800, 86_400, 86_700]))
    def tick(self, seconds: int) -> None:
        self.w.clock.advance(seconds)
        self.run(self.run(self.w.use("tick")).execute())
        self.model.fire(self.now)

    @rule(seconds=st.sampled_from([600, 3600, 86_400]))
    def crash_while_writing_steps(self, seconds: int) -> None:
        """A worker dies with its claim's transaction open: nothing it did stays."""
        self.w.clock.advance(seconds)
        real: FireDueSteps = self.run(self.w.use("tick")).steps
        storage = CrashingStorage(real.storage, crash_on=2)  # the first claim, after the look
        crashing = FireDueSteps(storage, real.rules, real.clock, real.random, batch=1)
        with contextlib.suppress(Crash):
            self.run(crashing.execute())

    @rule()
    def deliver(self) -> None:
        self.run(self.w.drain())
        self.model.deliver()

    @rule(plan=st.sampled_from(PLANS))
    def disable(self, plan: Plan) -> None:
        disable = self.run(self.w.use("disable_automation"))
        self.run(disable.execute(CREATOR, self.ids[plan.name]))
        self.model.disable(plan)

    @rule(plan=st.sampled_from(PLANS))
    def enable(self, plan: Plan) -> None:
        enable = self.run(self.w.use("enable_automation"))
        self.run(enable.execute(CREATOR, self.ids[plan.name]))
        self.model.enabled[plan.name] = True

    @invariant()
    def every_step_written_once_and_none_after_a_stop(self) -> None:
        if self.ids:
            assert self.run(self._written()) == self.model.expected()

    async def _fan_id(self, handle: str) -> int | None:
        storage = await self.w.use("storage")
        async with storage.begin() as uow:
            fan = await uow.fans.find_by_handle(CREATOR, Platform.ONLYFANS, handle)
        return None if fan is None else fan.id

    async def _written(self) -> Counter[tuple[str, str, str]]:
        storage = await self.w.use("storage")
        query = (
            sa.select(fans.c.handle, messages.c.text, messages.c.status)
            .join(fans, fans.c.id == messages.c.fan_id)
            .where(messages.c.author_kind == "automation")
        )
        async with storage.connection() as connection:
            rows = (await connection.execute(query)).all()
        return Counter((handle, text, _STATUS[status]) for handle, text, status in rows)

    def teardown(self) -> None:
        self.run(self.world_context.__aexit__(None, None, None))
        self.loop.close()


AutomationsMatchTheModel.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_automations_match_the_model = AutomationsMatchTheModel.TestCase
