"""The Lua script and `core.ratelimit.decide` are the same function.

A hypothesis state machine gives one random sequence of (time, key, cost) to both: the script
through its test-only `now` argument on a real Redis, the model with the TATs it says to store.
Every decision, and every TAT Redis holds, must be identical.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from core.ratelimit import MICROS, Policy, decide
from tests.support.redis import open_test_limiter

# Intervals of a second or more: a key's TTL (time until full, from the test's `now`) then outlasts
# the real time an example takes, so Redis never forgets a TAT the model still holds.
policies = st.builds(
    Policy, capacity=st.integers(1, 20), interval_us=st.integers(1_000_000, 30_000_000)
)
# Redis TIME's range, 2017 to 2^52 µs (year 2112): 16 digits, where Lua's doubles must stay exact.
starts = st.integers(1_500_000_000 * MICROS, 2**52)
KEYS = ("a", "b", "c")


class ScriptMatchesModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.limiter, self.client = self.loop.run_until_complete(open_test_limiter())
        self.prefix = f"test:equivalence:{uuid4()}"
        self.tats: dict[str, int] = {}

    @initialize(policy=policies, start=starts)
    def start(self, policy: Policy, start: int) -> None:
        self.policy, self.now = policy, start

    # Steps in thousandths of an interval, backwards too: boundaries and clock steps get hit.
    @rule(
        key=st.sampled_from(KEYS),
        step=st.integers(-2_500, 2_500),
        cost=st.integers(0, 22),
    )
    def request(self, key: str, step: int, cost: int) -> None:
        self.now = max(0, self.now + step * self.policy.interval_us // 1_000)
        expected, new_tat = decide(self.tats.get(key), self.policy, self.now, cost)
        actual = self.loop.run_until_complete(
            self.limiter.acquire_at(f"{self.prefix}:{key}", self.policy, self.now, cost)
        )
        assert actual == expected
        if new_tat is not None:
            self.tats[key] = new_tat

    @invariant()
    def redis_holds_the_models_tats(self) -> None:
        for key, tat in self.tats.items():
            stored = self.loop.run_until_complete(self.client.get(f"rl:{{{self.prefix}:{key}}}"))
            assert stored == str(tat).encode()

    def teardown(self) -> None:
        keys = [f"rl:{{{self.prefix}:{key}}}" for key in KEYS]
        self.loop.run_until_complete(self.client.delete(*keys))
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@pytest.fixture(autouse=True)
def redis_reachable() -> None:
    """Skip (or fail in CI) once, before hypothesis starts building machines."""

    async def check() -> None:
        _, client = await open_test_limiter()
        await client.aclose()

    asyncio.run(check())


def test_the_lua_script_decides_exactly_as_the_core_model() -> None:
    ScriptMatchesModel.TestCase.settings = settings(
        max_examples=60,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    ScriptMatchesModel.TestCase().runTest()
