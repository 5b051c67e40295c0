"""Send planning: when each waiting message of one account may go out.

One pure function over the account's bucket, its quiet window in its time zone and the messages
waiting, so every estimate the API shows and every delay the relay puts on an envelope come from
the same arithmetic. Times are integer microseconds since the epoch, as in core.ratelimit.

The rules it plans by are the ones the consumer enforces:
- the bucket (GCRA, core.ratelimit): a message may go at `t` once `tat <= t + (capacity-1) * I`;
  the bulk lane (campaigns, automations) plans with one token fewer than the burst, the same
  reserve the consumer keeps for it, so a reply always finds a token within one interval;
- lanes, then priority, then age: among the messages waiting at a moment, the interactive lane
  (replies, single sends) goes first, a higher `priority` first within a lane, then the oldest;
- quiet hours: nothing is planned while the account's local wall clock is inside the window;
  a message that would fall inside waits until the window opens.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo

from core.ratelimit import MICROS, Policy

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(when: datetime) -> int:
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds


def from_micros(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class Lane(enum.IntEnum):
    """Lower goes first."""

    INTERACTIVE = 0  # replies and single sends
    BULK = 1  # campaign and automation messages


def lane_policy(policy: Policy, lane: Lane) -> Policy:
    """The bucket as a lane sees it: the bulk lane leaves one token for the interactive one.

    Same key and interval, so the account's limit holds for both lanes together; a burst of 1
    has nothing to spare, and there both lanes wait their turn alike (at most one interval).
    """
    if lane is Lane.INTERACTIVE or policy.capacity == 1:
        return policy
    return Policy(policy.capacity - 1, policy.interval_us)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window of local wall time, [start, end); `start > end` runs across midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("quiet hours need an end different from their start")

    def covers(self, wall: time) -> bool:
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end


@dataclass(frozen=True, slots=True)
class SendRules:
    policy: Policy
    zone: tzinfo = UTC
    quiet: QuietHours | None = None

    def is_quiet(self, us: int) -> bool:
        if self.quiet is None:
            return False
        local = from_micros(us).astimezone(self.zone)
        return self.quiet.covers(local.time())

    def next_open(self, us: int) -> int:
        """The first instant at or after `us` outside the quiet window."""
        while self.quiet is not None and self.is_quiet(us):
            us = _next_wall_time(us, self.quiet.end, self.zone)
        return us

    def next_close(self, us: int) -> int | None:
        """The first instant after `us` inside the quiet window (None: there is no window)."""
        if self.quiet is None:
            return None
        start = _next_wall_time(us, self.quiet.start, self.zone)
        while not self.is_quiet(start):  # `start` fell in a skipped hour: the window began later
            start = _next_wall_time(start, self.quiet.start, self.zone)
        return start


def _next_wall_time(us: int, wall: time, zone: tzinfo) -> int:
    """The first instant after `us` at which the local clock reads `wall` or has just jumped past
    it (a daylight-saving gap): where a window bounded by `wall` opens or closes."""
    day = from_micros(us).astimezone(zone).date() - timedelta(days=1)
    for offset in range(4):
        naive = datetime.combine(day + timedelta(days=offset), wall)
        found = [micros(naive.replace(tzinfo=zone, fold=fold)) for fold in (0, 1)]
        real = [f for f in found if _wall(f, zone) == naive]
        if not real:  # skipped by a jump forward: the jump itself is when the clock passes it
            real = [_jump_past(min(found), max(found), naive, zone)]
        later = [f for f in real if f > us]
        if later:
            return min(later)
    raise AssertionError("a wall time occurs within any four days")


def _wall(us: int, zone: tzinfo) -> datetime:
    return from_micros(us).astimezone(zone).replace(tzinfo=None, fold=0)


def _jump_past(low: int, high: int, naive: datetime, zone: tzinfo) -> int:
    """The first instant in (low, high] whose local clock reads past `naive`: the jump."""
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(middle, zone) > naive:
            high = middle
        else:
            low = middle
    return high


@dataclass(frozen=True, slots=True, order=True)
class Waiting:
    """A message waiting for its account's bucket. `count` stands for that many alike (the rows
    of one campaign), planned one after another; the plan gives the time of the last."""

    lane: Lane
    priority: int
    arrival_us: int
    key: Hashable = field(compare=False)
    count: int = field(default=1, compare=False)

    @property
    def rank(self) -> tuple[int, int, int]:
        return (self.lane, -self.priority, self.arrival_us)


def plan(
    rules: SendRules, tat_us: int | None, now_us: int, waiting: Sequence[Waiting]
) -> dict[Hashable, int]:
    """When each waiting message goes (its key → microseconds; a group: its last message).

    `tat_us` is the bucket's state now (None: full). Messages whose arrival is in the future join
    the line when they arrive; one planned earlier is never moved back by one arriving later.
    """
    interval = rules.policy.interval_us
    tat = now_us if tat_us is None else max(tat_us, now_us)
    arriving = sorted(waiting, key=lambda w: w.arrival_us)
    ready: list[tuple[tuple[int, int, int], int, Waiting, int]] = []  # rank, order, item, left
    planned: dict[Hashable, int] = {}
    clock, next_arrival = now_us, 0
    while ready or next_arrival < len(arriving):
        while next_arrival < len(arriving) and arriving[next_arrival].arrival_us <= clock:
            item = arriving[next_arrival]
            heapq.heappush(ready, (item.rank, next_arrival, item, item.count))
            next_arrival += 1
        if not ready:
            clock = arriving[next_arrival].arrival_us
            continue
        rank, order, item, left = ready[0]
        capacity = lane_policy(rules.policy, item.lane).capacity
        at = rules.next_open(max(clock, tat - (capacity - 1) * interval))
        preempting = _first_better(arriving, next_arrival, rank, at)
        if preempting is not None:
            clock = preempting  # it joins the line before `at`: decide again from there
            continue
        heapq.heappop(ready)
        sent, at, tat = _take(rules, item, left, at, tat, capacity, arriving, next_arrival)
        if left > sent:
            heapq.heappush(ready, (rank, order, item, left - sent))
        else:
            planned[item.key] = at
        clock = at
    return planned


def _first_better(
    arriving: Sequence[Waiting], start: int, rank: tuple[int, int, int], until: int
) -> int | None:
    """When the first message ranked before `rank` arrives, if it does by `until`."""
    for item in arriving[start:]:
        if item.arrival_us > until:
            return None
        if item.rank < rank:
            return item.arrival_us
    return None


def _take(
    rules: SendRules,
    item: Waiting,
    left: int,
    at: int,
    tat: int,
    capacity: int,
    arriving: Sequence[Waiting],
    next_arrival: int,
) -> tuple[int, int, int]:
    """Plan the first of `left` alike messages at `at`, then as many more as go one interval
    apart without meeting the quiet window or a new arrival (a long campaign in one step).
    Returns (how many, the last one's time, the bucket's TAT after them)."""
    interval = rules.policy.interval_us
    tat = max(tat, at) + interval
    if left == 1:
        return 1, at, tat
    # From here the bucket is empty for this lane: each next one goes when the TAT allows.
    steady = tat - (capacity - 1) * interval
    if steady <= at:
        return 1, at, tat  # still within the burst: one at a time (a burst is short)
    limits = [left - 1]
    close = rules.next_close(at)
    if close is not None:
        limits.append(max(0, (close - steady + interval - 1) // interval))
    if next_arrival < len(arriving):
        limits.append(max(0, (arriving[next_arrival].arrival_us - steady) // interval))
    more = min(limits)
    if more <= 0:
        return 1, at, tat
    last = steady + (more - 1) * interval
    if _offset(at, rules.zone) != _offset(last, rules.zone):
        return 1, at, tat  # a clock change in between may jump into the window: step instead
    return 1 + more, last, tat + more * interval


def _offset(us: int, zone: tzinfo) -> timedelta | None:
    return from_micros(us).astimezone(zone).utcoffset()
