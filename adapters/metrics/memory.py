"""Metrics kept in memory: counters, last gauge values and timings you can assert on."""

from __future__ import annotations

from collections import defaultdict

Key = tuple[str, tuple[tuple[str, str], ...]]


def _key(name: str, dims: dict[str, str]) -> Key:
    return name, tuple(sorted(dims.items()))


class InMemoryMetrics:
    def __init__(self) -> None:
        self.counters: dict[Key, float] = defaultdict(float)
        self.gauges: dict[Key, float] = {}
        self.timings: dict[Key, list[float]] = defaultdict(list)

    def increment(self, name: str, value: float = 1, **dims: str) -> None:
        self.counters[_key(name, dims)] += value

    def gauge(self, name: str, value: float, **dims: str) -> None:
        self.gauges[_key(name, dims)] = value

    def timing(self, name: str, ms: float, **dims: str) -> None:
        self.timings[_key(name, dims)].append(ms)

    def count(self, name: str, **dims: str) -> float:
        """The counter's total; without dims, summed over every dimension value."""
        if dims:
            return self.counters.get(_key(name, dims), 0)
        return sum(v for (n, _), v in self.counters.items() if n == name)
