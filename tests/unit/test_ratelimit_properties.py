"""Properties 1-6 of the token bucket, checked on the pure model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.ratelimit import MICROS, Decision, Policy, decide

policies = st.builds(Policy, capacity=st.integers(1, 10), interval_us=st.integers(1, 1_000))
START_US = 1_700_000_000 * MICROS
# Steps between requests in thousandths of an interval (0 to 2.5 intervals): boundaries get hit.
steps = st.lists(st.integers(0, 2_500), min_size=1, max_size=60)
# The same, for a clock that also steps back.
wandering_steps = st.lists(st.integers(-2_500, 2_500), min_size=1, max_size=60)


def run(policy: Policy, times_us: list[int], cost: int = 1) -> list[tuple[int, Decision]]:
    """Feed the requests to the model in order, storing what it says to store."""
    tat: int | None = None
    decisions = []
    for now in times_us:
        decision, new_tat = decide(tat, policy, now, cost)
        if new_tat is not None:
            tat = new_tat
        decisions.append((now, decision))
    return decisions


def times_from(policy: Policy, deltas: list[int]) -> list[int]:
    """Times whose steps are deltas in thousandths of an interval: rising when they are >= 0."""
    times, now = [], START_US
    for delta in deltas:
        now += delta * policy.interval_us // 1_000
        times.append(now)
    return times


@given(policies, steps)
def test_1_grants_in_any_window_are_bounded_by_burst_plus_refill(
    policy: Policy, deltas: list[int]
) -> None:
    grants = [now for now, d in run(policy, times_from(policy, deltas)) if d.allowed]
    for i, first in enumerate(grants):
        for j in range(i, len(grants)):
            window_us = grants[j] - first
            assert j - i + 1 <= policy.capacity + window_us // policy.interval_us


@given(policies, wandering_steps, st.integers(0, 12))
def test_2_remaining_stays_within_capacity_and_a_denial_stores_nothing(
    policy: Policy, deltas: list[int], cost: int
) -> None:
    tat: int | None = None
    for now in times_from(policy, deltas):
        decision, new_tat = decide(tat, policy, now, cost)
        assert 0 <= decision.remaining <= policy.capacity
        if not decision.allowed:
            assert new_tat is None
        elif new_tat is not None:
            tat = new_tat


def test_2_remaining_is_never_negative_when_the_clock_goes_backwards() -> None:
    policy = Policy(capacity=1, interval_us=10)
    _, tat = decide(None, policy, now_us=100)
    decision, _ = decide(tat, policy, now_us=0)
    assert decision.remaining >= 0


@given(policies, st.data())
def test_3_a_denied_request_passes_exactly_retry_after_later(
    policy: Policy, data: st.DataObject
) -> None:
    cost = data.draw(st.integers(1, policy.capacity))
    burst_us = policy.capacity * policy.interval_us
    # Any TAT a rising clock can leave behind that is too far ahead for this cost.
    ahead_us = data.draw(st.integers(burst_us - policy.interval_us * cost + 1, burst_us))
    now, tat = START_US, START_US + ahead_us

    denied, stored = decide(tat, policy, now, cost)
    assert not denied.allowed
    assert stored is None
    retry_us = denied.retry_after_us
    assert retry_us is not None
    assert retry_us > 0
    assert decide(tat, policy, now + retry_us, cost)[0].allowed
    assert not decide(tat, policy, now + retry_us - 1, cost)[0].allowed


@given(policies, steps, st.integers(0, 12))
def test_4_idle_for_capacity_intervals_refills_a_full_burst(
    policy: Policy, deltas: list[int], cost: int
) -> None:
    tat: int | None = None
    times = times_from(policy, deltas)
    for now in times:
        decision, new_tat = decide(tat, policy, now, cost)
        tat = new_tat if new_tat is not None else tat

    later = times[-1] + policy.capacity * policy.interval_us
    for _ in range(policy.capacity):
        decision, tat = decide(tat, policy, later)
        assert decision.allowed
    assert not decide(tat, policy, later)[0].allowed


@given(policies, wandering_steps)
def test_5_a_clock_going_backwards_never_grants_beyond_the_latest_time_seen(
    policy: Policy, deltas: list[int]
) -> None:
    times = times_from(policy, deltas)

    granted, latest = 0, times[0]
    for now, decision in run(policy, times):
        latest = max(latest, now)
        granted += decision.allowed
        assert granted <= policy.capacity + (latest - times[0]) // policy.interval_us


@given(policies, st.data())
def test_6_a_cost_above_capacity_is_always_denied_and_never_passes(
    policy: Policy, data: st.DataObject
) -> None:
    cost = data.draw(st.integers(policy.capacity + 1, policy.capacity + 100))
    tat = data.draw(st.none() | st.integers(START_US - 10**6, START_US + 10**6))

    decision, stored = decide(tat, policy, START_US, cost)
    assert not decision.allowed
    assert stored is None
    assert decision.retry_after_us is None
    assert decision.retry_after_s == float("inf")


def test_per_minute_spaces_requests_evenly_over_the_minute() -> None:
    policy = Policy.per_minute(10)
    assert policy.interval_us == 6 * MICROS
    assert policy.capacity == 10
    assert policy.rate_per_minute == 10
    assert Policy.per_minute(60, burst=5) == Policy(capacity=5, interval_us=MICROS)


@pytest.mark.parametrize(("capacity", "interval_us"), [(0, 1), (-1, 1), (1, 0), (1, -5)])
def test_a_policy_without_capacity_or_interval_is_refused(capacity: int, interval_us: int) -> None:
    with pytest.raises(ValueError, match="capacity"):
        Policy(capacity=capacity, interval_us=interval_us)


def test_a_negative_cost_is_refused() -> None:
    with pytest.raises(ValueError, match="cost"):
        decide(None, Policy(1, 1), now_us=0, cost=-1)
