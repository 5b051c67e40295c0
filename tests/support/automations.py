"""Automations for tests: bodies as a client sends them, and a scripted random source."""

from __future__ import annotations

from collections import deque
from typing import Any


def welcome(*delays_s: int, jitter_s: int = 0, **fields: Any) -> dict[str, Any]:
    """A `fan.subscribed` automation whose step n says `welcome-<n>`."""
    steps = [
        {"delaySeconds": delay, "jitterSeconds": jitter_s, "variants": [f"welcome-{n}"]}
        for n, delay in enumerate(delays_s, start=1)
    ]
    return {"name": "Welcome", "trigger": {"type": "fan.subscribed"}, "steps": steps, **fields}


class ScriptedRandom:
    """`randint` answers from a script, then the lowest value allowed."""

    def __init__(self, *answers: int) -> None:
        self._answers = deque(answers)
        self.asked: list[tuple[int, int]] = []

    def randint(self, a: int, b: int) -> int:
        self.asked.append((a, b))
        answer = self._answers.popleft() if self._answers else a
        assert a <= answer <= b, f"{answer} is not in [{a}, {b}]"
        return answer


class HighestRandom:
    """`randint` always answers the highest value allowed: every jitter at its bound."""

    def randint(self, a: int, b: int) -> int:
        return b
