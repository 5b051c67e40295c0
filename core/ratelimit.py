"""The token bucket, as GCRA over integer microseconds: one number of state per key (the TAT).

Pure functions only. The in-memory adapter calls `decide` directly; the Redis adapter runs the
same arithmetic in Lua, and a property test proves the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

MICROS = 1_000_000


@dataclass(frozen=True, slots=True)
class Policy:
    """`capacity` requests at once (the burst), refilled at one per `interval_us`."""

    capacity: int
    interval_us: int

    def __post_init__(self) -> None:
        if self.capacity < 1 or self.interval_us < 1:
            raise ValueError("a policy needs capacity >= 1 and a positive interval")

    @classmethod
    def per_minute(cls, rate: int, burst: int | None = None) -> Policy:
        """`rate` a minute; the burst defaults to a whole minute's worth."""
        if rate < 1:
            raise ValueError("rate must be >= 1 a minute")
        return cls(capacity=rate if burst is None else burst, interval_us=60 * MICROS // rate)

    @property
    def rate_per_minute(self) -> float:
        return 60 * MICROS / self.interval_us


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: int
    # None when the cost exceeds the capacity: that request can never pass.
    retry_after_us: int | None
    # Time until the bucket is full again; the Redis key's TTL.
    reset_after_us: int

    @property
    def retry_after_s(self) -> float:
        return float("inf") if self.retry_after_us is None else self.retry_after_us / MICROS

    @property
    def reset_after_s(self) -> float:
        return self.reset_after_us / MICROS


def decide(
    tat_us: int | None, policy: Policy, now_us: int, cost: int = 1
) -> tuple[Decision, int | None]:
    """Decide one request. Returns the decision and the TAT to store (None: store nothing).

    A grant is the only write; a denial or a peek (cost 0) leaves the state as it was.
    """
    if cost < 0:
        raise ValueError("cost must be >= 0")
    burst_us = policy.interval_us * policy.capacity
    tat = now_us if tat_us is None or tat_us < now_us else tat_us
    if cost > policy.capacity:
        return Decision(False, _remaining(tat, now_us, policy), None, tat - now_us), None
    new_tat = tat + policy.interval_us * cost
    allow_at = new_tat - burst_us
    if allow_at > now_us:
        return Decision(
            False, _remaining(tat, now_us, policy), allow_at - now_us, tat - now_us
        ), None
    decision = Decision(True, _remaining(new_tat, now_us, policy), 0, new_tat - now_us)
    return decision, (new_tat if cost else None)


def _remaining(tat_us: int, now_us: int, policy: Policy) -> int:
    """Whole tokens left once the bucket's TAT is `tat_us`.

    Never below 0: after the clock steps back, a TAT may lie more than a burst ahead of `now`.
    """
    return max(0, (now_us + policy.interval_us * policy.capacity - tat_us) // policy.interval_us)
