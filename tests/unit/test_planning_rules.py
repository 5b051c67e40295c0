"""The send planner (core.planning) at its edges: small scenarios with their exact times.

Expected instants are written from the calendar (`utc`, computed with `calendar.timegm`, not with
the module's own conversion), in microseconds since the epoch.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.planning import (
    Lane,
    QuietHours,
    SendRules,
    Waiting,
    _jump_past,
    _take,
    from_micros,
    lane_policy,
    micros,
    plan,
)
from core.ratelimit import Policy

S = 1_000_000  # a second in microseconds
MINUTE = 60 * S
BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return calendar.timegm((year, month, day, hour, minute, second)) * S


def test_utc_helper_agrees_with_known_instants() -> None:
    assert utc(1970, 1, 1) == 0
    assert utc(2026, 1, 15, 8) == 1_768_464_000 * S


# --- microseconds ------------------------------------------------------------------------------


def test_micros_counts_from_the_unix_epoch() -> None:
    assert micros(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert micros(datetime(2026, 1, 15, 8, 0, 0, 5, tzinfo=UTC)) == 1_768_464_000_000_005
    assert micros(datetime(1970, 1, 2, 0, 0, 1, tzinfo=UTC)) == 86_401_000_000
    assert micros(datetime(1970, 2, 1, tzinfo=UTC)) == 31 * 86_400_000_000
    assert micros(datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)) == -1_000_000


def test_from_micros_is_the_instant_since_the_unix_epoch() -> None:
    assert from_micros(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_micros(1_768_464_000_000_005) == datetime(2026, 1, 15, 8, 0, 0, 5, tzinfo=UTC)
    assert from_micros(86_401_000_000) == datetime(1970, 1, 2, 0, 0, 1, tzinfo=UTC)


# --- lanes -------------------------------------------------------------------------------------


def test_lane_values() -> None:
    assert int(Lane.INTERACTIVE) == 0
    assert int(Lane.BULK) == 1


@pytest.mark.parametrize(
    ("capacity", "lane", "expected"),
    [
        (10, Lane.BULK, 10 - 1),
        (2, Lane.BULK, 1),
        (1, Lane.BULK, 1),
        (10, Lane.INTERACTIVE, 10),
        (1, Lane.INTERACTIVE, 1),
    ],
)
def test_lane_policy_leaves_one_token_for_replies(capacity: int, lane: Lane, expected: int) -> None:
    assert lane_policy(Policy(capacity, 3 * S), lane) == Policy(expected, 3 * S)


def test_rank_is_lane_then_higher_priority_then_age() -> None:
    assert Waiting(Lane.BULK, 3, 100, "k").rank == (1, -3, 100)
    assert Waiting(Lane.INTERACTIVE, -2, 7, "k").rank == (0, 2, 7)


def test_a_waiting_message_stands_for_one_unless_told() -> None:
    assert Waiting(Lane.BULK, 0, 0, "k").count == 1


def test_waiting_messages_order_by_rank_alone() -> None:
    first = Waiting(Lane.INTERACTIVE, 0, 5, "b", count=5)
    second = Waiting(Lane.INTERACTIVE, 0, 5, ("a", 1), count=1)
    assert first == second  # neither the key nor the count takes part
    assert sorted([first, second]) == [first, second]
    assert [w.key for w in sorted([first, second])] == ["b", ("a", 1)]
    assert [w.key for w in sorted([second, first])] == [("a", 1), "b"]


# --- quiet hours -------------------------------------------------------------------------------


def test_quiet_hours_need_an_end_different_from_their_start() -> None:
    with pytest.raises(ValueError, match="different"):
        QuietHours(time(22), time(22))


@pytest.mark.parametrize(
    ("wall", "quiet"),
    [
        (time(0, 59, 59, 999_999), False),
        (time(1), True),
        (time(8, 59, 59, 999_999), True),
        (time(9), False),
        (time(23), False),
    ],
)
def test_a_daytime_window_covers_start_not_end(wall: time, quiet: bool) -> None:
    assert QuietHours(time(1), time(9)).covers(wall) is quiet


@pytest.mark.parametrize(
    ("wall", "quiet"),
    [
        (time(21, 59, 59, 999_999), False),
        (time(22), True),
        (time(0), True),
        (time(6, 59, 59, 999_999), True),
        (time(7), False),
        (time(12), False),
    ],
)
def test_a_window_across_midnight_covers_start_not_end(wall: time, quiet: bool) -> None:
    assert QuietHours(time(22), time(7)).covers(wall) is quiet


def test_without_a_window_nothing_is_quiet() -> None:
    rules = SendRules(Policy(1, S))
    assert rules.is_quiet(utc(2026, 1, 15, 3)) is False
    assert rules.next_open(utc(2026, 1, 15, 3)) == utc(2026, 1, 15, 3)
    assert rules.next_close(utc(2026, 1, 15, 3)) is None


BERLIN_NIGHT = SendRules(Policy(1, S), BERLIN, QuietHours(time(1), time(9)))  # CET = UTC+1


@pytest.mark.parametrize(
    ("us", "quiet", "opens"),
    [
        (utc(2026, 1, 14, 23, 59, 59) + 999_999, False, utc(2026, 1, 14, 23, 59, 59) + 999_999),
        (utc(2026, 1, 15, 0), True, utc(2026, 1, 15, 8)),
        (utc(2026, 1, 15, 4), True, utc(2026, 1, 15, 8)),
        (utc(2026, 1, 15, 7, 59, 59) + 999_999, True, utc(2026, 1, 15, 8)),
        (utc(2026, 1, 15, 8), False, utc(2026, 1, 15, 8)),
        (utc(2026, 1, 15, 12), False, utc(2026, 1, 15, 12)),
    ],
)
def test_berlin_window_1_to_9_next_open(us: int, quiet: bool, opens: int) -> None:
    assert BERLIN_NIGHT.is_quiet(us) is quiet
    assert BERLIN_NIGHT.next_open(us) == opens


@pytest.mark.parametrize(
    ("us", "closes"),
    [
        (utc(2026, 1, 15, 12), utc(2026, 1, 16, 0)),
        (utc(2026, 1, 15, 23, 59, 59) + 999_999, utc(2026, 1, 16, 0)),
        (utc(2026, 1, 16, 0), utc(2026, 1, 17, 0)),  # `after`: not the instant itself
        (utc(2026, 1, 16, 3), utc(2026, 1, 17, 0)),
    ],
)
def test_berlin_window_1_to_9_next_close(us: int, closes: int) -> None:
    assert BERLIN_NIGHT.next_close(us) == closes


def test_a_window_starting_in_the_skipped_hour_closes_at_the_jump() -> None:
    # Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 never happens.
    rules = SendRules(Policy(1, S), BERLIN, QuietHours(time(2, 30), time(6)))
    assert rules.next_close(utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1)
    assert rules.next_close(utc(2026, 3, 29, 0, 59, 59)) == utc(2026, 3, 29, 1)
    assert rules.is_quiet(utc(2026, 3, 29, 1)) is True
    assert rules.is_quiet(utc(2026, 3, 29, 1) - 1) is False


@pytest.mark.parametrize(
    ("zone", "start", "jump"),
    [
        # Each zone's 2026 jump forward, and a quiet start inside the hour (or half hour) skipped.
        ("America/New_York", time(2, 30), utc(2026, 3, 8, 7)),
        ("America/St_Johns", time(2, 30), utc(2026, 3, 8, 5, 30)),
        ("Europe/London", time(1, 30), utc(2026, 3, 29, 1)),
        ("Australia/Lord_Howe", time(2, 15), utc(2026, 10, 3, 15, 30)),
    ],
)
def test_a_window_starting_in_a_skipped_time_closes_exactly_at_the_jump_in_any_zone(
    zone: str, start: time, jump: int
) -> None:
    rules = SendRules(Policy(1, S), ZoneInfo(zone), QuietHours(start, time(6)))
    assert rules.next_close(jump - 3600 * S) == jump
    assert rules.is_quiet(jump) is True
    assert rules.is_quiet(jump - 1) is False


@given(before=st.integers(1, 3600 * S), after=st.integers(0, 3600 * S))
def test_the_search_for_a_jump_finds_its_exact_microsecond_from_any_bracket(
    before: int, after: int
) -> None:
    # New York jumps from 02:00 EST to 03:00 EDT at 07:00 UTC: 02:30 is skipped.
    jump, skipped = utc(2026, 3, 8, 7), datetime(2026, 3, 8, 2, 30)
    zone = ZoneInfo("America/New_York")
    assert _jump_past(jump - before, jump + after, skipped, zone) == jump


def test_a_window_ending_in_the_skipped_hour_opens_at_the_jump() -> None:
    rules = SendRules(Policy(1, S), BERLIN, QuietHours(time(22), time(2, 30)))
    assert rules.is_quiet(utc(2026, 3, 29, 0, 30)) is True
    assert rules.next_open(utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 1)
    assert rules.next_open(utc(2026, 3, 29, 0, 59, 59) + 999_999) == utc(2026, 3, 29, 1)


def test_a_window_ending_in_the_repeated_hour_opens_at_each_end() -> None:
    # Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET at 01:00 UTC, so 02:30 happens
    # twice: at 00:30 UTC and at 01:30 UTC; the window is open in between (02:30-03:00 CEST).
    rules = SendRules(Policy(1, S), BERLIN, QuietHours(time(1), time(2, 30)))
    assert rules.next_open(utc(2026, 10, 24, 23, 30)) == utc(2026, 10, 25, 0, 30)
    assert rules.is_quiet(utc(2026, 10, 25, 0, 45)) is False
    assert rules.is_quiet(utc(2026, 10, 25, 1, 10)) is True
    assert rules.next_open(utc(2026, 10, 25, 1, 10)) == utc(2026, 10, 25, 1, 30)


# --- the plan ----------------------------------------------------------------------------------


def test_a_higher_priority_goes_first_within_a_lane() -> None:
    rules = SendRules(Policy(1, S))
    waiting = [
        Waiting(Lane.INTERACTIVE, 1, 0, "low"),
        Waiting(Lane.INTERACTIVE, 5, 1, "high"),
        Waiting(Lane.BULK, 9, 0, "bulk"),
    ]
    assert plan(rules, None, 10, waiting) == {"high": 10, "low": 10 + S, "bulk": 10 + 2 * S}


def test_five_single_messages_at_60_a_minute_with_a_burst_of_3() -> None:
    rules = SendRules(Policy(3, S))
    replies = [Waiting(Lane.INTERACTIVE, 0, i, f"r{i}") for i in range(5)]
    assert plan(rules, None, 10, replies) == {
        "r0": 10,
        "r1": 10,
        "r2": 10,
        "r3": 10 + S,
        "r4": 10 + 2 * S,
    }
    bulk = [Waiting(Lane.BULK, 0, i, f"b{i}") for i in range(5)]
    assert plan(rules, None, 10, bulk) == {
        "b0": 10,
        "b1": 10,
        "b2": 10 + S,
        "b3": 10 + 2 * S,
        "b4": 10 + 3 * S,
    }


def test_a_campaign_of_five_goes_out_as_the_bulk_lane_allows() -> None:
    rules = SendRules(Policy(3, S))
    assert plan(rules, None, 10, [Waiting(Lane.BULK, 0, 0, "c", count=5)]) == {"c": 10 + 3 * S}


def test_a_campaign_stops_for_the_quiet_window_and_resumes_when_it_opens() -> None:
    rules = SendRules(Policy(1, MINUTE), UTC, QuietHours(time(22), time(7)))
    now = utc(2026, 1, 15, 21, 57)
    # 21:57, 21:58, 21:59, then 07:00, 07:01 the next morning.
    assert plan(rules, None, now, [Waiting(Lane.BULK, 0, 0, "c", count=5)]) == {
        "c": utc(2026, 1, 16, 7, 1)
    }


# --- several alike messages in one step (_take) ------------------------------------------------


NO_WINDOW = SendRules(Policy(3, S))
CAMPAIGN = Waiting(Lane.BULK, 0, 0, "c")


def test_take_one_message() -> None:
    assert _take(NO_WINDOW, CAMPAIGN, 1, 0, 0, 3, [], 0) == (1, 0, S)
    assert _take(NO_WINDOW, CAMPAIGN, 1, 5 * S, 2 * S, 3, [], 0) == (1, 5 * S, 6 * S)


def test_take_one_at_a_time_within_the_burst() -> None:
    assert _take(NO_WINDOW, CAMPAIGN, 5, 0, 0, 3, [], 0) == (1, 0, S)
    # steady == at: the next one could still go at once
    assert _take(NO_WINDOW, CAMPAIGN, 5, 0, S, 3, [], 0) == (1, 0, 2 * S)


def test_take_the_rest_one_interval_apart_once_the_bucket_is_empty() -> None:
    assert _take(NO_WINDOW, CAMPAIGN, 5, 0, 2 * S, 3, [], 0) == (5, 4 * S, 7 * S)
    assert _take(NO_WINDOW, CAMPAIGN, 2, 0, 2 * S, 3, [], 0) == (2, S, 4 * S)


def test_take_stops_where_a_new_message_arrives() -> None:
    arriving = [Waiting(Lane.INTERACTIVE, 0, 3_500_000, "r")]
    assert _take(NO_WINDOW, CAMPAIGN, 10, 0, 2 * S, 3, arriving, 0) == (3, 2 * S, 5 * S)
    assert _take(NO_WINDOW, CAMPAIGN, 10, 0, 2 * S, 3, arriving, 1) == (10, 9 * S, 12 * S)
    assert _take(NO_WINDOW, CAMPAIGN, 10, 0, 2 * S, 3, [Waiting(Lane.BULK, 0, S, "x")], 0) == (
        1,
        0,
        3 * S,
    )


UTC_NIGHT = SendRules(Policy(2, MINUTE), UTC, QuietHours(time(22), time(7)))
T = utc(2026, 1, 15, 21, 50)  # ten minutes before the window


def test_take_as_many_as_fit_before_the_window() -> None:
    # steady 21:51, the window at 22:00: 21:50 then nine more, 21:51 … 21:59.
    assert _take(UTC_NIGHT, CAMPAIGN, 20, T, T + MINUTE, 2, [], 0) == (
        10,
        T + 9 * MINUTE,
        T + 11 * MINUTE,
    )
    # one microsecond earlier: the tenth more still goes, a microsecond before 22:00
    assert _take(UTC_NIGHT, CAMPAIGN, 20, T - 1, T + MINUTE - 1, 2, [], 0) == (
        11,
        T + 10 * MINUTE - 1,
        T + 12 * MINUTE - 1,
    )


def test_take_one_when_the_next_would_fall_in_the_window() -> None:
    at = T + 9 * MINUTE  # 21:59; the next one could go at 22:00:30
    assert _take(UTC_NIGHT, CAMPAIGN, 20, at, at + 90 * S, 2, [], 0) == (1, at, at + 150 * S)


def test_take_steps_one_by_one_across_a_clock_change() -> None:
    rules = SendRules(Policy(2, MINUTE), BERLIN)
    at = utc(2026, 3, 29, 0, 50)  # 01:50 CET; 20 a minute apart would cross 03:00 CEST
    assert _take(rules, CAMPAIGN, 20, at, at + MINUTE, 2, [], 0) == (1, at, at + 2 * MINUTE)
    at = utc(2026, 3, 28, 0, 50)  # a day with no clock change
    assert _take(rules, CAMPAIGN, 20, at, at + MINUTE, 2, [], 0) == (
        20,
        at + 19 * MINUTE,
        at + 21 * MINUTE,
    )
