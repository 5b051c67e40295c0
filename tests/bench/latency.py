"""Latency figures and query plans shared by the PostgreSQL read benchmarks."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float


def medians(rounds: dict[str, list[Latency]]) -> dict[str, Latency]:
    """Per request kind, the median p50 and the median p99 over the alternating rounds."""
    return {
        name: Latency(
            statistics.median(x.p50_ms for x in values), statistics.median(x.p99_ms for x in values)
        )
        for name, values in rounds.items()
    }


def scans(node: dict) -> list[str]:
    """The scans of an EXPLAIN (FORMAT JSON) plan node and its children, e.g. `Index Scan ix_…`."""
    found = []
    if "Scan" in node["Node Type"] and not node["Node Type"].startswith("Bitmap Heap"):
        found.append(f"{node['Node Type']} {node.get('Index Name', '')}".strip())
    for child in node.get("Plans", ()):
        found.extend(scans(child))
    return found


def plan_json(value: object) -> list:
    """asyncpg hands EXPLAIN's JSON back as text or already decoded, depending on codecs."""
    return json.loads(value) if isinstance(value, str) else value  # type: ignore[return-value]
