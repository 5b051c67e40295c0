"""Runs started and stopped by what fans do, inside the transaction of the event that tells it.

The inbound event, its id in `processed_events` and the runs it starts or stops commit together:
a replayed event is refused before it reaches here, and each run is unique per (automation,
fan, occurrence) besides, so a trigger starts at most one run per occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.automations.ports import RandomSource, TriggerStore
from core.automations.records import Automation, Run, Step, StopReason, Subscribers, Trigger


def delay_of(step: Step, random: RandomSource) -> timedelta:
    """The step's delay and, at random, up to its jitter more: a human-looking pause."""
    jitter = random.randint(0, step.jitter_s) if step.jitter_s else 0
    return timedelta(seconds=step.delay_s + jitter)


@dataclass(frozen=True, slots=True)
class FanTriggered:
    """An event that may start runs: its trigger, the fan, and the event's id."""

    user_id: str
    fan_id: int
    trigger: Trigger
    occurrence: str
    # `fan.subscribed`: whether the fan had subscribed before this event (returning).
    subscribed_before: bool = False


@dataclass(frozen=True, slots=True)
class AutomationTriggers:
    random: RandomSource

    async def fan_replied(self, uow: TriggerStore, user_id: str, fan_id: int, now: datetime) -> int:
        """Every running run of the fan stops: they answered."""
        return await uow.automation_runs.stop_for_fan(user_id, fan_id, StopReason.REPLIED, now)

    async def fan_unsubscribed(
        self, uow: TriggerStore, user_id: str, fan_id: int, now: datetime
    ) -> int:
        """The fan's runs stop, but those the unsubscribe itself started (a win-back)."""
        return await uow.automation_runs.stop_for_fan(
            user_id, fan_id, StopReason.UNSUBSCRIBED, now, sparing=Trigger.UNSUBSCRIBED
        )

    async def start(self, uow: TriggerStore, event: FanTriggered, now: datetime) -> int:
        """A run of each enabled automation the event triggers whose audience holds the fan;
        how many were started."""
        automations = await uow.automations.enabled_with_trigger(event.user_id, event.trigger)
        runs = []
        for automation in automations:
            if not _wants(automation, event):
                continue
            if automation.segment is not None and not await uow.automation_runs.in_audience(
                event.user_id, automation.segment, [event.fan_id], now
            ):
                continue
            runs.append(first_run(automation, event.fan_id, event.occurrence, now, self.random))
        return await uow.automation_runs.add_many(runs) if runs else 0


def _wants(automation: Automation, event: FanTriggered) -> bool:
    wanted = automation.subscribers
    if wanted is Subscribers.NEW:
        return not event.subscribed_before
    if wanted is Subscribers.RETURNING:
        return event.subscribed_before
    return True


def first_run(
    automation: Automation, fan_id: int, occurrence: str, now: datetime, random: RandomSource
) -> Run:
    """A run at its first step, due after that step's delay."""
    assert automation.id is not None
    due = now + delay_of(automation.steps[0], random)
    return Run(None, automation.user_id, automation.id, fan_id, occurrence, due, started_at=now)
