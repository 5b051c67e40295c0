"""An automation (a trigger, an audience, up to five steps), its runs, and its figures."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from core.campaigns import Segment


class Trigger(enum.StrEnum):
    """What starts a run for a fan."""

    SUBSCRIBED = "fan.subscribed"
    UNSUBSCRIBED = "fan.unsubscribed"
    INACTIVE = "fan.inactive"  # no activity for `inactive_days`: found by the tick
    PURCHASED = "ppv.purchased"


class Subscribers(enum.StrEnum):
    """Which subscriptions start a `fan.subscribed` automation."""

    ANY = "any"
    NEW = "new"  # the fan's first subscription
    RETURNING = "returning"  # a fan who had subscribed before


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"  # every step was written
    STOPPED = "stopped"


class StopReason(enum.StrEnum):
    REPLIED = "replied"  # the fan sent a message
    UNSUBSCRIBED = "unsubscribed"
    FAN_DELETED = "fan_deleted"
    DISABLED = "disabled"  # the automation was disabled (or deleted)
    BLOCKED_WORD = "blocked_word"  # the step's text holds a word blocked since it was saved


@dataclass(frozen=True, slots=True)
class Step:
    """One message of a sequence: after `delay_s` (from the trigger for the first step, from the
    step before for the others) and up to `jitter_s` more at random, one of `variants` chosen
    at random, with an optional PPV price."""

    variants: tuple[str, ...]
    delay_s: int = 0
    jitter_s: int = 0
    price_cents: int | None = None


@dataclass(frozen=True, slots=True)
class Automation:
    id: int | None
    user_id: str
    name: str
    trigger: Trigger
    steps: tuple[Step, ...]
    segment: Segment | None = None  # None: every fan the trigger names
    subscribers: Subscribers = Subscribers.ANY
    inactive_days: int | None = None  # `fan.inactive` only
    enabled: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # `fan.inactive`: fans who went quiet up to this time have been looked at (set when it is
    # enabled: fans who were already quiet then are not written to).
    scanned_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Run:
    """One fan going through one automation, for one occurrence of its trigger."""

    id: int | None
    user_id: str
    automation_id: int
    fan_id: int | None  # None once the fan is deleted
    # What started it: the event id, or the fan's last activity for `fan.inactive`. Unique per
    # (automation, fan), so a replayed trigger starts nothing.
    occurrence: str
    due_at: datetime | None  # when `step` is due (None once the run is over)
    started_at: datetime
    step: int = 0  # the next step to write, from 0; how many were written
    status: RunStatus = RunStatus.RUNNING
    stop_reason: StopReason | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DueRun:
    """A run whose step is due, claimed by one runner until its transaction ends."""

    run: Run
    automation: Automation


@dataclass(frozen=True, slots=True)
class Move:
    """Where a claimed run goes next: its next step (or the same, to wait), when that is due,
    and its status; applied only while the run is still running at `run.step`."""

    run: Run
    step: int
    due_at: datetime | None
    status: RunStatus = RunStatus.RUNNING
    reason: StopReason | None = None


@dataclass(frozen=True, slots=True)
class AutomationFigures:
    started: int = 0
    running: int = 0
    completed: int = 0
    stopped_by_reply: int = 0
    stopped_otherwise: int = 0
    reached: int = 0  # runs that wrote at least one step
    replied_after_a_step: int = 0  # of those, stopped by a reply
    messages_sent: int = 0  # the automation's messages delivered
    revenue_cents: int = 0  # purchases naming one of its messages

    @property
    def reply_rate(self) -> float:
        """Of the fans an automation wrote to, the share who answered while it ran."""
        if not self.reached:
            return 0.0
        return round(self.replied_after_a_step / self.reached, 4)
