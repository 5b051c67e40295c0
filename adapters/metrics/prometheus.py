"""Metrics kept for a Prometheus scrape of GET /metrics, in the text exposition format 0.0.4.

Hand-written rather than prometheus_client: our port takes free-form `**dims`, while
prometheus_client fixes a metric's label names when it is declared and refuses any other set.
The format is small, and the tests read our output with prometheus_client's own parser.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# The exposition is UTF-8; Litestar appends `charset=utf-8` to text/* media types itself.
CONTENT_TYPE = "text/plain; version=0.0.4"
# Prometheus's default buckets, in seconds: timings arrive in ms and are exposed in seconds.
DEFAULT_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
Labels = tuple[tuple[str, str], ...]

_NOT_IN_NAME = re.compile(r"[^a-zA-Z0-9_:]")
_NOT_IN_LABEL = re.compile(r"[^a-zA-Z0-9_]")


@dataclass(slots=True)
class _Histogram:
    bucket_counts: list[int]
    total: float = 0.0
    count: int = 0


@dataclass(slots=True)
class _Family:
    kind: str  # counter | gauge | histogram
    source: str  # the name our code used, for the HELP line
    samples: dict[Labels, float] = field(default_factory=dict)
    histograms: dict[Labels, _Histogram] = field(default_factory=dict)


class PrometheusMetrics:
    def __init__(self, buckets_s: tuple[float, ...] = DEFAULT_BUCKETS_S) -> None:
        self._buckets = buckets_s
        self._families: dict[str, _Family] = {}

    def increment(self, name: str, value: float = 1, **dims: str) -> None:
        family = self._family(f"{metric_name(name)}_total", "counter", name)
        labels = _labels(dims)
        family.samples[labels] = family.samples.get(labels, 0.0) + value

    def gauge(self, name: str, value: float, **dims: str) -> None:
        self._family(metric_name(name), "gauge", name).samples[_labels(dims)] = value

    def timing(self, name: str, ms: float, **dims: str) -> None:
        family = self._family(f"{metric_name(name)}_seconds", "histogram", name)
        labels = _labels(dims)
        histogram = family.histograms.get(labels)
        if histogram is None:
            histogram = family.histograms[labels] = _Histogram([0] * len(self._buckets))
        seconds = ms / 1000
        # Counted in the first bucket it fits; the exposition makes the counts cumulative.
        index = bisect.bisect_left(self._buckets, seconds)
        if index < len(self._buckets):
            histogram.bucket_counts[index] += 1
        histogram.total += seconds
        histogram.count += 1

    def exposition(self) -> str:
        """Every family, as the text a Prometheus server scrapes."""
        lines: list[str] = []
        for name, family in sorted(self._families.items()):
            lines.append(f"# HELP {name} fancrm {family.source}")
            lines.append(f"# TYPE {name} {family.kind}")
            lines.extend(self._samples(name, family))
        return "\n".join(lines) + "\n" if lines else ""

    def _family(self, name: str, kind: str, source: str) -> _Family:
        family = self._families.get(name)
        if family is None:
            family = self._families[name] = _Family(kind, source)
        return family

    def _samples(self, name: str, family: _Family) -> Iterator[str]:
        for labels, value in sorted(family.samples.items()):
            yield f"{name}{_render(labels)} {_number(value)}"
        for labels, histogram in sorted(family.histograms.items()):
            cumulative = 0
            for bound, count in zip(self._buckets, histogram.bucket_counts, strict=True):
                cumulative += count
                yield f"{name}_bucket{_render((*labels, ('le', repr(float(bound)))))} {cumulative}"
            yield f"{name}_bucket{_render((*labels, ('le', '+Inf')))} {histogram.count}"
            yield f"{name}_sum{_render(labels)} {_number(histogram.total)}"
            yield f"{name}_count{_render(labels)} {histogram.count}"


def metric_name(name: str) -> str:
    """`onlyfans.message.queued` → `onlyfans_message_queued`: what Prometheus names allow."""
    cleaned = _NOT_IN_NAME.sub("_", name)
    return f"_{cleaned}" if cleaned[:1].isdigit() else cleaned


def _labels(dims: dict[str, str]) -> Labels:
    named = {_NOT_IN_LABEL.sub("_", key): str(value) for key, value in dims.items()}
    # `le` belongs to histogram buckets; a dimension of that name is kept under another.
    if "le" in named:
        named["le_"] = named.pop("le")
    return tuple(sorted(named.items()))


def _render(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in labels) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    exact = float(value).is_integer() and abs(value) < 2**53
    return str(int(value)) if exact else repr(float(value))
