"""An automation as a client describes it, checked before anything is written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from core.automations.records import Automation, Step, Subscribers, Trigger
from core.campaigns import Segment, check_segment
from core.checks import check_text
from core.errors import Invalid
from core.messaging import DEFAULT_PRIORITY, check_outbound
from core.settings import check_blocked

MAX_NAME_LENGTH = 200  # the column's size
MAX_STEPS = 5
MAX_VARIANTS = 5
MAX_DELAY_S = 30 * 86_400  # a month between two steps
MAX_JITTER_S = 86_400
MAX_INACTIVE_DAYS = 365


@dataclass(frozen=True, slots=True)
class NewAutomation:
    name: str
    trigger: Trigger
    steps: tuple[Step, ...]
    segment: Segment | None = None
    subscribers: Subscribers = Subscribers.ANY
    inactive_days: int | None = None
    enabled: bool = True

    def to_automation(self, user_id: str, now: datetime) -> Automation:
        """The automation to store; Invalid naming the field when a rule is broken."""
        name = self.name.strip()
        if not name:
            raise Invalid("name must not be empty", field="name")
        check_text(name, "name", MAX_NAME_LENGTH)
        self._check_trigger()
        if self.segment is not None:
            check_segment(self.segment)
        _check_steps(self.steps)
        automation = Automation(
            None, user_id, name, self.trigger, self.steps, self.segment, self.subscribers,
            self.inactive_days, self.enabled, created_at=now, updated_at=now,
        )  # fmt: skip
        return replace(automation, scanned_until=now if self.enabled else None)

    def _check_trigger(self) -> None:
        inactive = self.trigger is Trigger.INACTIVE
        if inactive and self.inactive_days is None:
            raise Invalid("a fan.inactive automation needs inactiveDays", field="inactiveDays")
        if not inactive and self.inactive_days is not None:
            raise Invalid("inactiveDays is for the fan.inactive trigger", field="inactiveDays")
        days = self.inactive_days
        if days is not None and not 1 <= days <= MAX_INACTIVE_DAYS:
            raise Invalid(f"inactiveDays must be between 1 and {MAX_INACTIVE_DAYS}",
                          field="inactiveDays")  # fmt: skip
        if self.subscribers is not Subscribers.ANY and self.trigger is not Trigger.SUBSCRIBED:
            raise Invalid("subscribers is for the fan.subscribed trigger", field="subscribers")


def _check_steps(steps: tuple[Step, ...]) -> None:
    if not 1 <= len(steps) <= MAX_STEPS:
        raise Invalid(f"an automation has 1 to {MAX_STEPS} steps", field="steps")
    for i, step in enumerate(steps):
        where = f"steps[{i}]"
        if not 0 <= step.delay_s <= MAX_DELAY_S:
            raise Invalid(f"{where}.delaySeconds must be between 0 and {MAX_DELAY_S}",
                          field=f"{where}.delaySeconds")  # fmt: skip
        if not 0 <= step.jitter_s <= MAX_JITTER_S:
            raise Invalid(f"{where}.jitterSeconds must be between 0 and {MAX_JITTER_S}",
                          field=f"{where}.jitterSeconds")  # fmt: skip
        if not 1 <= len(step.variants) <= MAX_VARIANTS:
            raise Invalid(f"{where}.variants holds 1 to {MAX_VARIANTS} texts",
                          field=f"{where}.variants")  # fmt: skip
        for j, text in enumerate(step.variants):
            _check_outbound(text, step.price_cents, where, f"{where}.variants[{j}]")


def _check_outbound(text: str, price_cents: int | None, step: str, variant: str) -> None:
    """The rules of any outbound message, the fields named as this body names them."""
    try:
        check_outbound(text, (), price_cents, DEFAULT_PRIORITY)
    except Invalid as exc:
        field = f"{step}.priceCents" if exc.field == "priceCents" else variant
        message = exc.message.replace(exc.field or "", field, 1)
        raise Invalid(message, field=field) from exc


def variant_texts(steps: Iterable[Step]) -> dict[str, str]:
    """Every variant by the field that names it: what the blocked words are checked in."""
    return {
        f"steps[{i}].variants[{j}]": text
        for i, step in enumerate(steps)
        for j, text in enumerate(step.variants)
    }


def check_no_blocked_word(steps: Iterable[Step], blocked_words: Iterable[str]) -> None:
    check_blocked(variant_texts(steps), blocked_words)
