"""Token bucket decisions/s on Redis: RedisRateLimiter against two peers measured in the same run.

- a raw EVALSHA loop of the same script over the same client: the ceiling (goal: >= 80 % of it);
- the `limits` library's moving window on the same Redis and the same connection pool, with the
  same limit (goal: faster).
Each is driven from one process by one task (a request at a time) and by 32 concurrent tasks,
over 1,000 keys at 60 a minute (grants and denials mixed), in rounds of alternating order.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from uuid import uuid4

from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from adapters.ratelimit.redis import SCRIPT
from core.ratelimit import Policy
from tests.bench.wrk import machine
from tests.conftest import TEST_REDIS_URL
from tests.support.redis import open_test_limiter

# Many short rounds, in alternating order: other load on the machine falls on every contender.
ROUNDS, SECONDS, KEYS, GOAL = 8, 1.0, 1_000, 0.80
CONCURRENCY = (1, 32)
POLICY = Policy.per_minute(60)
Decide = Callable[[str], Awaitable[object]]


async def run_for(decide: Decide, keys: list[str], tasks: int, seconds: float) -> float:
    """Decisions per second made by `tasks` loops, each one request at a time, for `seconds`."""
    counts = [0] * tasks
    stop_at = time.perf_counter() + seconds

    async def loop(n: int) -> None:
        for key in itertools.cycle(keys[n::tasks]):
            await decide(key)
            counts[n] += 1
            if time.perf_counter() >= stop_at:
                return

    started = time.perf_counter()
    await asyncio.gather(*(loop(n) for n in range(tasks)))
    return sum(counts) / (time.perf_counter() - started)


async def measure() -> dict[tuple[str, int], float]:
    # A connection per task: the peers, which do not coalesce, must not queue for the pool.
    limiter, client = await open_test_limiter(max_connections=max(CONCURRENCY))
    prefix = f"test:bench:{uuid4()}"
    keys = [f"{prefix}:{n}" for n in range(KEYS)]
    limits_storage = RedisStorage(
        f"async+{TEST_REDIS_URL}",
        implementation="redispy",
        key_prefix=prefix,
        connection_pool=client.connection_pool,
    )
    moving_window = MovingWindowRateLimiter(limits_storage)
    item = RateLimitItemPerMinute(POLICY.capacity)
    sha = await client.script_load(SCRIPT)
    args = (POLICY.capacity, POLICY.interval_us, 1)

    async def raw(key: str) -> object:
        return await client.evalsha(sha, 1, f"rl:{{{key}}}", *args)

    async def ours(key: str) -> object:
        return await limiter.acquire(key, POLICY)

    async def window(key: str) -> object:
        return await moving_window.hit(item, key)

    contenders: dict[str, Decide] = {
        "raw EVALSHA (ceiling)": raw,
        "RedisRateLimiter.acquire": ours,
        "limits moving window": window,
    }
    rounds: dict[tuple[str, int], list[float]] = {
        (name, tasks): [] for name in contenders for tasks in CONCURRENCY
    }
    try:
        for decide in contenders.values():
            await run_for(decide, keys, 8, 0.5)  # warm-up: connections, scripts, keys
        for n in range(ROUNDS):
            order = list(contenders.items())[:: -1 if n % 2 else 1]
            for tasks in CONCURRENCY:
                for name, decide in order:
                    rounds[name, tasks].append(await run_for(decide, keys, tasks, SECONDS))
    finally:
        await client.aclose()
    return {run: statistics.median(rates) for run, rates in rounds.items()}


def test_redis_limiter_decisions_per_second_against_raw_evalsha_and_limits() -> None:
    rates = asyncio.run(measure())

    print(f"\ntoken bucket on Redis, decisions/s from one process ({machine()})")
    print(f"{ROUNDS} alternating rounds of {SECONDS:.0f} s, medians; {KEYS} keys at 60/minute")
    header = "".join(f"{f'{tasks} in flight':>16}" for tasks in CONCURRENCY)
    print(f"{'':26}{header}")
    for name in ("raw EVALSHA (ceiling)", "RedisRateLimiter.acquire", "limits moving window"):
        print(f"{name:26}" + "".join(f"{rates[name, t]:>16,.0f}" for t in CONCURRENCY))
    for tasks in CONCURRENCY:
        ours = rates["RedisRateLimiter.acquire", tasks]
        of_raw = ours / rates["raw EVALSHA (ceiling)", tasks]
        vs_limits = ours / rates["limits moving window", tasks]
        print(
            f"{tasks} in flight: {of_raw:.0%} of raw EVALSHA (goal >= {GOAL:.0%}: "
            f"{'met' if of_raw >= GOAL else 'NOT met'}), {vs_limits:.2f}x limits "
            f"(goal > 1: {'met' if vs_limits > 1 else 'NOT met'})"
        )
    assert all(rate > 0 for rate in rates.values())
