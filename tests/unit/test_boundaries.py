"""Boundaries of the pure core, each tried from both sides, with literal expected values.

Written against the survivors of `make mutate` (tests/mutation): a constant is never compared
with itself (`6 * MICROS` moves with a wrong MICROS), and each limit is accepted and then refused
one step past it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from adapters.clock import ManualClock
from adapters.ratelimit.memory import InMemoryRateLimiter
from core.analytics.period import Period
from core.analytics.records import Spend
from core.analytics.report import AnalyticsReport, DayFigures, Figures
from core.batching import MicroBatcher
from core.campaigns.records import CampaignCounters, CampaignStatus
from core.campaigns.views import derived_status
from core.checks import MAX_BIGINT, MAX_ID, check_text, check_time
from core.errors import DomainError, Invalid, NotFound, RateLimited, Unavailable, found, removed
from core.fans.records import Fan, Platform
from core.fans.updates import fan_version
from core.logcontext import bound_values, log_context
from core.messaging.config import MessagingConfig
from core.messaging.eta import already_waiting, bucket_tat_us
from core.messaging.queries import _health
from core.paging import MAX_OFFSET, MAX_PAGE_SIZE, Page, check_page
from core.planning import Lane
from core.ratelimit import MICROS, Decision, Policy, decide

# --- core.ratelimit ------------------------------------------------------------------------------


def test_the_bucket_counts_in_microseconds() -> None:
    assert MICROS == 1_000_000
    assert Policy.per_minute(10).interval_us == 6_000_000
    assert Policy.per_minute(60).interval_us == 1_000_000
    # Integer division: 7 a minute is every 8_571_428 µs, not a float.
    assert Policy.per_minute(7).interval_us == 8_571_428


def test_per_minute_takes_one_a_minute_and_refuses_zero() -> None:
    assert Policy.per_minute(1) == Policy(capacity=1, interval_us=60_000_000)
    with pytest.raises(ValueError, match="rate must be >= 1"):
        Policy.per_minute(0)
    with pytest.raises(ValueError, match="rate must be >= 1"):
        Policy.per_minute(-1)


def test_the_burst_defaults_to_the_rate_and_can_be_given() -> None:
    assert Policy.per_minute(10).capacity == 10
    assert Policy.per_minute(10, burst=3) == Policy(capacity=3, interval_us=6_000_000)


def test_a_policy_needs_one_token_and_one_microsecond() -> None:
    assert Policy(capacity=1, interval_us=1) == Policy(1, 1)
    with pytest.raises(ValueError, match="capacity >= 1"):
        Policy(capacity=0, interval_us=1)
    with pytest.raises(ValueError, match="capacity >= 1"):
        Policy(capacity=1, interval_us=0)


def test_rate_per_minute_is_the_inverse_of_the_interval() -> None:
    assert Policy(capacity=1, interval_us=6_000_000).rate_per_minute == 10.0
    assert Policy(capacity=1, interval_us=4_000_000).rate_per_minute == 15.0


def test_a_decision_reads_in_seconds() -> None:
    decision = Decision(False, 0, 1_500_000, 2_500_000)
    assert decision.retry_after_s == 1.5
    assert decision.reset_after_s == 2.5
    assert Decision(False, 0, None, 0).retry_after_s == float("inf")


def test_decide_grants_until_the_burst_is_spent_then_says_when() -> None:
    policy = Policy(capacity=2, interval_us=1_000)
    first, tat = decide(None, policy, 10_000)
    assert (first, tat) == (Decision(True, 1, 0, 1_000), 11_000)
    second, tat = decide(tat, policy, 10_000)
    assert (second, tat) == (Decision(True, 0, 0, 2_000), 12_000)
    third, stored = decide(tat, policy, 10_000)
    assert (third, stored) == (Decision(False, 0, 1_000, 2_000), None)
    # One microsecond before the token is back: still refused; at the microsecond: granted.
    assert decide(tat, policy, 10_999)[0] == Decision(False, 0, 1, 1_001)
    assert decide(tat, policy, 11_000) == (Decision(True, 0, 0, 2_000), 13_000)


def test_a_cost_of_exactly_the_capacity_can_pass_and_one_more_never() -> None:
    policy = Policy(capacity=3, interval_us=1_000)
    assert decide(None, policy, 0, cost=3) == (Decision(True, 0, 0, 3_000), 3_000)
    assert decide(None, policy, 0, cost=4) == (Decision(False, 3, None, 0), None)


def test_a_peek_costs_nothing_and_a_negative_cost_is_refused() -> None:
    policy = Policy(capacity=2, interval_us=1_000)
    assert decide(None, policy, 5_000, cost=0) == (Decision(True, 2, 0, 0), None)
    assert decide(6_000, policy, 5_000, cost=0) == (Decision(True, 1, 0, 1_000), None)
    with pytest.raises(ValueError, match="cost must be >= 0"):
        decide(None, policy, 5_000, cost=-1)


def test_a_tat_in_the_past_counts_from_now() -> None:
    policy = Policy(capacity=2, interval_us=1_000)
    assert decide(4_000, policy, 5_000) == (Decision(True, 1, 0, 1_000), 6_000)
    # A TAT of exactly now is the same full bucket.
    assert decide(5_000, policy, 5_000) == (Decision(True, 1, 0, 1_000), 6_000)


# --- core.paging ---------------------------------------------------------------------------------


def test_the_page_limits_are_200_and_a_billion() -> None:
    assert MAX_PAGE_SIZE == 200
    assert MAX_OFFSET == 1_000_000_000


@pytest.mark.parametrize("limit", [1, 2, 199, 200])
def test_a_limit_from_1_to_200_is_served(limit: int) -> None:
    check_page(limit, 0)


@pytest.mark.parametrize("limit", [0, -1, 201])
def test_a_limit_outside_1_to_200_is_refused(limit: int) -> None:
    with pytest.raises(Invalid, match="between 1 and 200") as raised:
        check_page(limit, 0)
    assert raised.value.field == "limit"


@pytest.mark.parametrize("offset", [0, 1, 999_999_999, 1_000_000_000])
def test_an_offset_from_0_to_a_billion_is_served(offset: int) -> None:
    check_page(200, offset)


@pytest.mark.parametrize(
    ("offset", "message"),
    [(-1, "must not be negative"), (1_000_000_001, "at most 1000000000")],
)
def test_an_offset_outside_0_to_a_billion_is_refused(offset: int, message: str) -> None:
    with pytest.raises(Invalid, match=message) as raised:
        check_page(1, offset)
    assert raised.value.field == "offset"


# --- core.checks ---------------------------------------------------------------------------------


def test_a_text_of_exactly_the_columns_size_is_kept_and_one_more_is_refused() -> None:
    assert check_text("abcde", "name", 5) == "abcde"
    assert check_text("", "name", 5) == ""
    assert check_text(None, "name", 5) is None
    with pytest.raises(Invalid, match="name is longer than 5 characters") as raised:
        check_text("abcdef", "name", 5)
    assert raised.value.field == "name"


def test_a_nul_anywhere_in_a_text_is_refused() -> None:
    with pytest.raises(Invalid, match="NUL") as raised:
        check_text("a\x00b", "notes", 5)
    assert raised.value.field == "notes"


def test_a_time_needs_a_zone_and_room_in_utc() -> None:
    aware = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert check_time(aware, "at") is aware
    assert check_time(None, "at") is None
    with pytest.raises(Invalid, match="at must carry a time zone") as no_zone:
        check_time(datetime(2026, 1, 2), "at")
    assert no_zone.value.field == "at"
    plus_14 = timezone(timedelta(hours=14))
    with pytest.raises(Invalid, match="at is out of range") as too_early:
        check_time(datetime(1, 1, 1, tzinfo=plus_14), "at")
    assert too_early.value.field == "at"
    # The first instant that still has a UTC datetime.
    assert check_time(datetime(1, 1, 1, 14, tzinfo=plus_14), "at") is not None


def test_the_largest_id_and_amount_are_those_of_a_signed_64_bit_column() -> None:
    assert MAX_BIGINT == 9_223_372_036_854_775_807
    assert MAX_ID == 9_223_372_036_854_775_807


def test_an_empty_page_holds_nothing_and_counts_nothing() -> None:
    page: Page[int] = Page()
    assert (page.items, page.total) == ([], 0)


# --- core.errors ---------------------------------------------------------------------------------


def test_a_domain_error_carries_its_message_and_detail() -> None:
    error = DomainError("boom", detail={"a": 1})
    assert (str(error), error.message, error.detail) == ("boom", "boom", {"a": 1})
    invalid = Invalid("bad limit", field="limit", detail=3)
    assert (str(invalid), invalid.message, invalid.field, invalid.detail) == (
        "bad limit",
        "bad limit",
        "limit",
        3,
    )
    limited = RateLimited("slow down", retry_after_s=1.5, detail="x")
    assert (str(limited), limited.retry_after_s, limited.detail) == ("slow down", 1.5, "x")


def test_found_gives_back_what_was_found_and_names_what_was_not() -> None:
    assert found(0, "fan", 7) == 0  # a falsy row is still a row
    assert found("row", "fan", 7) == "row"
    with pytest.raises(NotFound, match=r"^fan 7 not found$"):
        found(None, "fan", 7)


def test_removed_is_quiet_for_a_deletion_and_names_what_was_missing() -> None:
    assert removed(True, "quick reply", 3) is None
    with pytest.raises(NotFound, match=r"^quick reply 3 not found$"):
        removed(False, "quick reply", 3)


# --- core.messaging.eta --------------------------------------------------------------------------


class DownLimiter:
    """A rate limiter whose backing service cannot be reached, as the Redis one raises then."""

    async def acquire(self, key: str, policy: Policy, cost: int = 1) -> Decision:
        raise Unavailable("the bucket is down")

    async def peek(self, key: str, policy: Policy) -> Decision:
        raise Unavailable("the bucket is down")


# --- core.analytics.report -----------------------------------------------------------------------


def test_figures_add_field_by_field_and_the_totals_sum_the_days() -> None:
    a = Figures(Spend(100, 1), sent=2, failed=3, new_fans=4)
    b = Figures(Spend(20, 5), sent=6, failed=7, new_fans=8)
    assert a + b == Figures(Spend(120, 6), sent=8, failed=10, new_fans=12)
    days = [DayFigures(date(2026, 1, 1), a), DayFigures(date(2026, 1, 2), b)]
    report = AnalyticsReport(Period(date(2026, 1, 1), date(2026, 1, 2)), days, [], [])
    assert report.totals == Figures(Spend(120, 6), sent=8, failed=10, new_fans=12)
    empty = AnalyticsReport(Period(date(2026, 1, 1), date(2026, 1, 1)), [], [], [])
    assert empty.totals == Figures(Spend(0, 0), sent=0, failed=0, new_fans=0)


def test_a_cost_past_the_capacity_reports_the_time_until_full() -> None:
    policy = Policy(capacity=3, interval_us=1_000)
    assert decide(None, policy, 5_000, cost=4) == (Decision(False, 3, None, 0), None)
    assert decide(7_000, policy, 5_000, cost=4) == (Decision(False, 1, None, 2_000), None)


# --- core.campaigns.views, core.messaging.queries, core.fan_updates ------------------------------


@pytest.mark.parametrize(
    "counters",
    [CampaignCounters(pending=1, queued=1), CampaignCounters(queued=1, held=1)],
)
def test_a_campaign_with_anything_unsent_is_not_completed(counters: CampaignCounters) -> None:
    status = derived_status(CampaignStatus.RUNNING, counters, fanned_out=True)
    assert status is CampaignStatus.RUNNING


def test_a_fanned_out_campaign_with_nothing_unsent_is_completed() -> None:
    done = CampaignCounters(sent=2, failed=1, cancelled=1)
    assert derived_status(CampaignStatus.RUNNING, done, fanned_out=True) is CampaignStatus.COMPLETED
    assert derived_status(CampaignStatus.RUNNING, done, fanned_out=False) is CampaignStatus.RUNNING
    assert derived_status(CampaignStatus.PAUSED, done, fanned_out=True) is CampaignStatus.PAUSED


def test_a_creators_queue_health_names_the_kill_switch() -> None:
    # Per tenant: the shared dead-letter queue is an operator's figure (/metrics), not theirs.
    assert _health(MessagingConfig(enabled=False)) == (False, "outbound messaging is switched off")
    assert _health(MessagingConfig()) == (True, "queue is processing normally")


def test_a_fans_version_is_its_last_write_in_microseconds_since_1970() -> None:
    created = datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    updated = datetime(1970, 1, 2, tzinfo=UTC)
    fan = Fan(1, "creator-a", Platform.ONLYFANS, "alice", created_at=created)
    assert fan_version(fan) == "1000000"
    assert fan_version(replace(fan, updated_at=updated)) == "86400000000"
    assert fan_version(replace(fan, created_at=None)) == "0"
    assert fan_version(replace(fan, created_at=None, updated_at=updated)) == "86400000000"


# --- core.batching -------------------------------------------------------------------------------


async def test_a_batch_holds_at_most_100_items_by_default() -> None:
    sizes: list[int] = []

    async def flush(items: Sequence[int]) -> list[int]:
        sizes.append(len(items))
        return list(items)

    batcher: MicroBatcher[int, int] = MicroBatcher(flush)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(101))) == list(range(101))
    assert sizes == [100, 1]


async def test_a_cancelled_flush_fails_its_callers_instead_of_leaving_them_waiting() -> None:
    started = asyncio.Event()

    async def stuck(items: Sequence[int]) -> list[int]:
        started.set()
        await asyncio.Event().wait()
        return list(items)

    batcher: MicroBatcher[int, int] = MicroBatcher(stuck)
    callers = [asyncio.create_task(batcher.submit(i)) for i in range(2)]
    await started.wait()
    drain = next(t for t in asyncio.all_tasks() if t not in callers and "_drain" in repr(t))
    drain.cancel()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert [str(e) for e in outcomes] == ["the batch was cancelled"] * 2
    assert all(isinstance(e, RuntimeError) for e in outcomes)
    with pytest.raises(asyncio.CancelledError):
        await drain


# --- core.logcontext -----------------------------------------------------------------------------


def test_log_values_nest_and_are_gone_once_their_block_ends() -> None:
    assert bound_values() == {}
    with log_context(request_id="r1"):
        with log_context(message_id="m1"):
            assert bound_values() == {"request_id": "r1", "message_id": "m1"}
        assert bound_values() == {"request_id": "r1"}
    assert bound_values() == {}


# --- core.messaging.eta: the bucket and the backlog as the planner takes them ------------------


async def test_a_bucket_that_cannot_be_asked_is_planned_as_empty() -> None:
    policy = Policy.per_minute(10)  # an interval of 6 s, 10 tokens
    assert await bucket_tat_us(DownLimiter(), policy, "creator-a", 1_000_000) == 61_000_000


async def test_a_bucket_is_planned_from_when_it_is_full_again() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = InMemoryRateLimiter(clock)
    policy = Policy.per_minute(10)
    await limiter.acquire(MessagingConfig.bucket_key("creator-a"), policy)
    # One token spent: full again one interval (6 s) from now.
    assert await bucket_tat_us(limiter, policy, "creator-a", 5_000_000) == 11_000_000


def test_messages_already_waiting_form_one_group_ahead_of_any_new_one() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert already_waiting(Lane.BULK, 0, now) == []
    assert already_waiting(Lane.BULK, -1, now) == []
    assert [g.count for g in already_waiting(Lane.BULK, 1, now)] == [1]
    (group,) = already_waiting(Lane.INTERACTIVE, 3, now)
    assert (group.lane, group.priority, group.arrival_us, group.key, group.count) == (
        Lane.INTERACTIVE,
        11,
        1_767_225_599_999_999,
        ("waiting", Lane.INTERACTIVE),
        3,
    )
