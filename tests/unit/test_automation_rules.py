"""An automation's definition: every rule refused with the field named as the body names it,
and a step's delay with its jitter always within its bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.automations import (
    MAX_DELAY_S,
    MAX_JITTER_S,
    NewAutomation,
    Step,
    Subscribers,
    Trigger,
)
from core.automations.definition import check_no_blocked_word
from core.automations.triggers import delay_of
from core.campaigns import Segment
from core.errors import Invalid
from tests.support.automations import HighestRandom, ScriptedRandom

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HELLO = (Step(("hello",)),)


def check(**fields: object) -> None:
    defaults: dict[str, object] = {"name": "w", "trigger": Trigger.SUBSCRIBED, "steps": HELLO}
    NewAutomation(**{**defaults, **fields}).to_automation("creator-a", NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"steps": ()}, "steps"),
        ({"steps": HELLO * 6}, "steps"),
        ({"steps": (Step(()),)}, "steps[0].variants"),
        ({"steps": (Step(("a",) * 6),)}, "steps[0].variants"),
        ({"steps": (*HELLO, Step(("ok", " ")))}, "steps[1].variants[1]"),
        ({"steps": (Step(("a\x00",)),)}, "steps[0].variants[0]"),
        ({"steps": (Step(("a" * 5001,)),)}, "steps[0].variants[0]"),
        ({"steps": (Step(("a",), price_cents=-1),)}, "steps[0].priceCents"),
        ({"steps": (Step(("a",), delay_s=MAX_DELAY_S + 1),)}, "steps[0].delaySeconds"),
        ({"steps": (Step(("a",), delay_s=-1),)}, "steps[0].delaySeconds"),
        ({"steps": (Step(("a",), jitter_s=MAX_JITTER_S + 1),)}, "steps[0].jitterSeconds"),
        ({"trigger": Trigger.INACTIVE}, "inactiveDays"),
        ({"trigger": Trigger.INACTIVE, "inactive_days": 0}, "inactiveDays"),
        ({"trigger": Trigger.INACTIVE, "inactive_days": 366}, "inactiveDays"),
        ({"inactive_days": 7}, "inactiveDays"),
        ({"trigger": Trigger.PURCHASED, "subscribers": Subscribers.NEW}, "subscribers"),
        ({"segment": Segment(min_value_cents=10, max_value_cents=5)}, "segment.maxValueCents"),
    ],
)
def test_a_broken_rule_names_its_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        check(**fields)
    assert refused.value.field == field
    assert field in refused.value.message


def test_a_valid_definition_keeps_what_it_was_given() -> None:
    steps = (Step(("hi", "hey"), 0, 60), Step(("still there?",), 86_400, 0, 999))
    automation = NewAutomation(
        " win back ", Trigger.INACTIVE, steps, inactive_days=14, enabled=False
    ).to_automation("creator-a", NOW)

    assert (automation.name, automation.steps, automation.inactive_days) == ("win back", steps, 14)
    assert (automation.enabled, automation.scanned_until) == (False, None)
    enabled = NewAutomation("w", Trigger.INACTIVE, steps, inactive_days=1).to_automation("a", NOW)
    assert enabled.scanned_until == NOW  # quiet from now on, not before


def test_every_bound_is_reached_and_one_past_it_refused() -> None:
    month, day = 30 * 86_400, 86_400
    check(name="n" * 200, steps=(Step(("a",) * 5, delay_s=month, jitter_s=day),) * 5)
    check(steps=(Step(("a",), delay_s=0, jitter_s=0),))
    check(trigger=Trigger.INACTIVE, inactive_days=365)
    check(trigger=Trigger.INACTIVE, inactive_days=1)
    for fields, field in [
        ({"name": "n" * 201}, "name"),
        ({"steps": HELLO * 6}, "steps"),
        ({"steps": (Step(("a",) * 6),)}, "steps[0].variants"),
        ({"steps": (Step(("a",), delay_s=month + 1),)}, "steps[0].delaySeconds"),
        ({"steps": (Step(("a",), jitter_s=day + 1),)}, "steps[0].jitterSeconds"),
        ({"steps": (Step(("a",), jitter_s=-1),)}, "steps[0].jitterSeconds"),
        ({"trigger": Trigger.INACTIVE, "inactive_days": 366}, "inactiveDays"),
    ]:
        with pytest.raises(Invalid) as refused:
            check(**fields)
        assert refused.value.field == field


def test_a_message_rule_reads_with_the_field_as_the_body_names_it() -> None:
    with pytest.raises(Invalid) as refused:
        check(steps=(*HELLO, Step(("ok", " "))))
    assert refused.value.message == "steps[1].variants[1] must not be empty"
    with pytest.raises(Invalid) as refused:
        check(steps=(Step(("a",), price_cents=-1),))
    assert refused.value.message == "steps[0].priceCents must not be negative"


def test_a_blocked_word_names_the_variant_that_holds_it() -> None:
    steps = (Step(("hello",)), Step(("fine", "send it by PayPal!")))
    with pytest.raises(Invalid) as refused:
        check_no_blocked_word(steps, ["paypal"])
    assert refused.value.field == "steps[1].variants[1]"


@given(
    delay=st.integers(0, MAX_DELAY_S),
    jitter=st.integers(0, MAX_JITTER_S),
    share=st.floats(0, 1),
)
def test_a_delay_with_its_jitter_stays_within_its_bounds(
    delay: int, jitter: int, share: float
) -> None:
    drawn = round(jitter * share)
    random = ScriptedRandom(drawn)

    waited = delay_of(Step(("hi",), delay, jitter), random)

    assert waited == timedelta(seconds=delay + drawn)
    assert timedelta(seconds=delay) <= waited <= timedelta(seconds=delay + jitter)
    assert random.asked == ([(0, jitter)] if jitter else [])  # no jitter: chance not asked
    highest = delay_of(Step(("hi",), delay, jitter), HighestRandom())
    assert highest == timedelta(seconds=delay + jitter)
