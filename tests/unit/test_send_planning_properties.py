"""The send planner (core.planning) against an independent, simple model.

The model is written from the rules, not from the planner: a token bucket of fractional tokens
(the bulk lane needs two, so one stays for replies), the quiet window tested by converting each
candidate instant to local time and stepping minute by minute until it opens (every zone below
has whole-minute offsets and changes its clocks on whole minutes), and a greedy choice among what
has arrived. Daylight-saving days are among the generated ones, with windows that hold the
skipped or the repeated hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from core.planning import Lane, QuietHours, SendRules, Waiting, from_micros, micros, plan
from core.ratelimit import MICROS, Policy

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",  # a 30-minute daylight-saving shift
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
]
# Days around clock changes (local), so windows meet the skipped and the repeated hour.
CLOCK_CHANGES = [
    datetime(2026, 3, 8, 6, tzinfo=UTC),  # New York springs forward at 02:00
    datetime(2026, 11, 1, 5, tzinfo=UTC),  # … and falls back at 02:00
    datetime(2026, 3, 29, 0, tzinfo=UTC),  # Berlin at 02:00 / 03:00
    datetime(2026, 10, 25, 0, tzinfo=UTC),
    datetime(2026, 4, 4, 14, tzinfo=UTC),  # Lord Howe
    datetime(2026, 10, 3, 15, tzinfo=UTC),
    datetime(2026, 7, 1, 12, tzinfo=UTC),
]
MINUTE = 60 * MICROS


def model_is_quiet(rules: SendRules, us: int) -> bool:
    assert rules.quiet is not None
    wall = from_micros(us).astimezone(rules.zone).time()
    quiet = rules.quiet
    if quiet.start < quiet.end:
        return quiet.start <= wall < quiet.end
    return wall >= quiet.start or wall < quiet.end


def model_next_open(rules: SendRules, us: int) -> int:
    if rules.quiet is None or not model_is_quiet(rules, us):
        return us
    step = (us // MINUTE + 1) * MINUTE
    while model_is_quiet(rules, step):
        step += MINUTE
    return step


def model_plan(rules: SendRules, used: int, now: int, waiting: list[Waiting]) -> dict[str, int]:
    """Greedy over time with a bucket of fractional tokens; groups unrolled one by one."""
    capacity, interval = rules.policy.capacity, rules.policy.interval_us
    tokens, tokens_at = Fraction(capacity - used), now
    # (rank, which message, which of its group, key, message): alike ranks go in given order.
    items = [(w.rank, n, i, w.key, w) for n, w in enumerate(waiting) for i in range(w.count)]
    left = sorted(items, key=lambda x: (x[4].arrival_us, x[0], x[1], x[2]))
    planned: dict[str, int] = {}
    clock = now
    while left:
        arrived = [x for x in left if x[4].arrival_us <= clock]
        if not arrived:
            clock = min(x[4].arrival_us for x in left)
            continue
        best = min(arrived, key=lambda x: x[:3])
        need = 2 if best[4].lane is Lane.BULK and capacity > 1 else 1
        now_tokens = min(Fraction(capacity), tokens + Fraction(clock - tokens_at, interval))
        at = clock if now_tokens >= need else clock + int((need - now_tokens) * interval)
        at = model_next_open(rules, at)
        better = [x[4].arrival_us for x in left if x[4].arrival_us <= at and x[0] < best[0]]
        if better:  # it arrives before `at` and goes first: decide again from its arrival
            clock = min(better)
            continue
        tokens = min(Fraction(capacity), tokens + Fraction(at - tokens_at, interval)) - 1
        tokens_at = at
        left.remove(best)
        planned[best[3]] = max(planned.get(best[3], at), at)
        clock = at
    return planned


@st.composite
def scenarios(draw: st.DrawFn, groups: bool = False):
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    base = draw(st.sampled_from(CLOCK_CHANGES))
    now = base + timedelta(minutes=draw(st.integers(-36 * 60, 12 * 60)))
    quiet = None
    if draw(st.integers(0, 4)):  # mostly with a window
        start = draw(st.integers(0, 24 * 60 - 1))
        end = draw(st.integers(0, 24 * 60 - 1).filter(lambda m: m != start))
        quiet = QuietHours(time(start // 60, start % 60), time(end // 60, end % 60))
    rate = draw(st.sampled_from([1, 2, 6, 10, 30, 60]))
    burst = draw(st.integers(1, 6))
    rules = SendRules(Policy.per_minute(rate, burst), zone, quiet)
    used = draw(st.integers(0, burst))
    now_us = micros(now) + draw(st.integers(0, MICROS - 1))
    count = st.integers(1, 25) if groups else st.just(1)
    waiting = draw(
        st.lists(
            st.builds(
                lambda lane, priority, later, n: (lane, priority, later, n),
                st.sampled_from(Lane),
                st.integers(1, 10),
                st.integers(0, 4 * 3600).map(lambda s: s * MICROS // 3),
                count,
            ),
            min_size=1,
            max_size=8 if groups else 14,
        )
    )
    items = [
        Waiting(lane, priority, now_us + later, key=f"m{i}", count=n)
        for i, (lane, priority, later, n) in enumerate(waiting)
    ]
    return rules, used, now_us, items


def tat_after(rules: SendRules, used: int, now_us: int) -> int | None:
    return now_us + used * rules.policy.interval_us if used else None


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_the_plan_is_the_simple_models_and_keeps_every_rule(scenario):
    rules, used, now_us, waiting = scenario

    planned = plan(rules, tat_after(rules, used, now_us), now_us, waiting)

    assert planned == model_plan(rules, used, now_us, waiting)
    # None lost, none before it arrived, none in the quiet window.
    assert set(planned) == {w.key for w in waiting}
    for w in waiting:
        assert planned[w.key] >= w.arrival_us
        if rules.quiet is not None:
            assert not model_is_quiet(rules, planned[w.key])
    # Never faster than the bucket: within any span W, at most the burst + W / interval, and
    # from now, only what was left of the burst.
    times = sorted(planned.values())
    interval, capacity = rules.policy.interval_us, rules.policy.capacity
    for j, last in enumerate(times):
        assert j + 1 <= capacity - used + (last - now_us) // interval
        for i in range(j + 1):
            assert j - i + 1 <= capacity + (last - times[i]) // interval
    # A higher rank already waiting is never planned after a lower one.
    for high in waiting:
        for low in waiting:
            if high.rank < low.rank and high.arrival_us <= planned[low.key]:
                assert planned[high.key] <= planned[low.key]


@settings(max_examples=80, deadline=None)
@given(scenarios(groups=True))
def test_groups_of_alike_messages_plan_as_the_model_plans_them_one_by_one(scenario):
    rules, used, now_us, waiting = scenario

    planned = plan(rules, tat_after(rules, used, now_us), now_us, waiting)

    assert planned == model_plan(rules, used, now_us, waiting)


def test_a_campaign_at_2350_with_quiet_hours_from_midnight_finishes_after_eight():
    zone = ZoneInfo("Europe/Berlin")
    rules = SendRules(Policy.per_minute(10), zone, QuietHours(time(0), time(8)))
    now = micros(datetime(2026, 6, 1, 23, 50, tzinfo=zone))

    planned = plan(rules, None, now, [Waiting(Lane.BULK, 5, now, key="c", count=200)])

    # 9 at once (one token stays for replies), then one every 6 s until 23:59:54: 9 + 99;
    # the other 92 from 08:00 (a burst of 9 again, then 83 more, 6 s apart).
    last = from_micros(planned["c"]).astimezone(zone)
    assert last == datetime(2026, 6, 2, 8, 8, 18, tzinfo=zone)


def test_a_reply_during_a_campaign_goes_within_one_interval_and_the_campaign_moves_back():
    rules = SendRules(Policy.per_minute(10))
    now = micros(datetime(2026, 6, 1, 12, tzinfo=UTC))
    campaign = Waiting(Lane.BULK, 5, now, key="campaign", count=1000)
    alone = plan(rules, now + 9 * rules.policy.interval_us, now, [campaign])

    reply = Waiting(Lane.INTERACTIVE, 10, now + 1, key="reply")
    both = plan(rules, now + 9 * rules.policy.interval_us, now, [campaign, reply])

    assert both["reply"] - reply.arrival_us <= rules.policy.interval_us
    assert both["campaign"] == alone["campaign"] + rules.policy.interval_us
