"""Automation schemas: the definition a client sends (the trigger a tagged object, so what each
trigger takes is in the contract), and an automation with its figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from core.automations import (
    MAX_DELAY_S,
    MAX_INACTIVE_DAYS,
    MAX_JITTER_S,
    MAX_NAME_LENGTH,
    MAX_STEPS,
    MAX_VARIANTS,
    Automation,
    AutomationFigures,
    AutomationView,
    NewAutomation,
    Step,
    Subscribers,
    Trigger,
)
from entrypoints.http.schemas import Body, Cents, Schema, not_blank
from entrypoints.http.schemas.campaigns import SegmentBody
from entrypoints.http.schemas.messaging import Content

Seconds = Annotated[int, msgspec.Meta(ge=0, le=MAX_DELAY_S)]
JitterSeconds = Annotated[int, msgspec.Meta(ge=0, le=MAX_JITTER_S)]
Variants = Annotated[list[Content], msgspec.Meta(min_length=1, max_length=MAX_VARIANTS)]
InactiveDays = Annotated[int, msgspec.Meta(ge=1, le=MAX_INACTIVE_DAYS)]


class SubscribedTrigger(Body, tag_field="type", tag="fan.subscribed"):
    """A fan subscribes: `new` ones (a first subscription), `returning` ones, or `any`."""

    subscribers: Subscribers = Subscribers.ANY


class UnsubscribedTrigger(Body, tag_field="type", tag="fan.unsubscribed"):
    """A fan unsubscribes (its runs are not stopped by that unsubscribe)."""


class InactiveTrigger(Body, tag_field="type", tag="fan.inactive"):
    """A subscribed fan has done nothing (no message, no purchase) for `inactiveDays` days; fans
    already quiet that long when the automation is enabled are not written to."""

    inactive_days: InactiveDays


class PurchasedTrigger(Body, tag_field="type", tag="ppv.purchased"):
    """A fan buys a PPV message."""


TriggerBody = SubscribedTrigger | UnsubscribedTrigger | InactiveTrigger | PurchasedTrigger
_TRIGGERS: dict[type[TriggerBody], Trigger] = {
    SubscribedTrigger: Trigger.SUBSCRIBED,
    UnsubscribedTrigger: Trigger.UNSUBSCRIBED,
    InactiveTrigger: Trigger.INACTIVE,
    PurchasedTrigger: Trigger.PURCHASED,
}


def trigger_body(automation: Automation) -> TriggerBody:
    match automation.trigger:
        case Trigger.SUBSCRIBED:
            return SubscribedTrigger(subscribers=automation.subscribers)
        case Trigger.UNSUBSCRIBED:
            return UnsubscribedTrigger()
        case Trigger.INACTIVE:
            assert automation.inactive_days is not None
            return InactiveTrigger(inactive_days=automation.inactive_days)
        case _:
            return PurchasedTrigger()


class StepBody(Body):
    """One message: sent `delaySeconds` after the trigger (the first step) or the step before,
    plus up to `jitterSeconds` more at random; one of `variants` chosen at random per fan."""

    variants: Variants
    delay_seconds: Seconds = 0
    jitter_seconds: JitterSeconds = 0
    price_cents: Cents | None = None

    def to_core(self) -> Step:
        variants = tuple(self.variants)
        return Step(variants, self.delay_seconds, self.jitter_seconds, self.price_cents)

    @classmethod
    def of(cls, step: Step) -> StepBody:
        return cls(list(step.variants), step.delay_s, step.jitter_s, step.price_cents)


class AutomationDefinitionBody(Body):
    """What an automation does: whom it writes to (its trigger and segment) and its steps."""

    name: not_blank(MAX_NAME_LENGTH)  # type: ignore[valid-type]
    trigger: TriggerBody
    steps: Annotated[list[StepBody], msgspec.Meta(min_length=1, max_length=MAX_STEPS)]
    segment: SegmentBody | None = None

    def to_core(self, enabled: bool = True) -> NewAutomation:
        trigger = self.trigger
        return NewAutomation(
            name=self.name,
            trigger=_TRIGGERS[type(trigger)],
            steps=tuple(step.to_core() for step in self.steps),
            segment=self.segment.to_core() if self.segment else None,
            subscribers=getattr(trigger, "subscribers", Subscribers.ANY),
            inactive_days=getattr(trigger, "inactive_days", None),
            enabled=enabled,
        )


class NewAutomationBody(AutomationDefinitionBody, kw_only=True):
    enabled: bool = True

    def to_new(self) -> NewAutomation:
        return self.to_core(self.enabled)


class FiguresView(Schema):
    runs_started: int
    running: int
    completed: int
    stopped_by_reply: int
    stopped_otherwise: int  # unsubscribed, fan deleted, disabled, a blocked word
    messages_sent: int  # delivered
    revenue_cents: int  # purchases naming one of its messages
    # Of the fans it wrote to (at least one step), the share who answered while it ran.
    reply_rate: float

    @classmethod
    def of(cls, f: AutomationFigures) -> FiguresView:
        return cls(
            runs_started=f.started,
            running=f.running,
            completed=f.completed,
            stopped_by_reply=f.stopped_by_reply,
            stopped_otherwise=f.stopped_otherwise,
            messages_sent=f.messages_sent,
            revenue_cents=f.revenue_cents,
            reply_rate=f.reply_rate,
        )


class AutomationWithFigures(Schema):
    id: int
    name: str
    enabled: bool
    trigger: TriggerBody
    segment: SegmentBody | None
    steps: list[StepBody]
    figures: FiguresView
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, view: AutomationView) -> AutomationWithFigures:
        a = view.automation
        assert a.id is not None
        return cls(
            id=a.id,
            name=a.name,
            enabled=a.enabled,
            trigger=trigger_body(a),
            segment=None if a.segment is None else SegmentBody.of(a.segment),
            steps=[StepBody.of(step) for step in a.steps],
            figures=FiguresView.of(view.figures),
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


class AutomationPage(Schema):
    items: list[AutomationWithFigures]
    total: int
    limit: int
    offset: int


class AutomationFiguresRow(Schema):
    """An automation in the analytics: its figures to date (not only the period's)."""

    id: int
    name: str
    trigger: str
    enabled: bool
    figures: FiguresView

    @classmethod
    def of(cls, view: AutomationView) -> AutomationFiguresRow:
        a = view.automation
        assert a.id is not None
        return cls(a.id, a.name, a.trigger.value, a.enabled, FiguresView.of(view.figures))
