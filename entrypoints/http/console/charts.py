"""The geometry of the console's bar charts: values on a "nice" scale with a few ticks, and each
bar's place and height. Plain arithmetic; templates/chart.html draws it as SVG (no script, no
style attribute: the CSP refuses both)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

NICE_MULTIPLES = (1, 2, 5)  # a step is one of these times a power of ten: 1, 2, 5, 10, 20, …
MOST_STEPS = 4  # the value axis is cut in at most this many steps: a few ticks, each readable
MOST_LABELS = 6  # the days named under the bars: more would overlap on a phone
BAR_SHARE = 0.8  # of a day's slot, for its bars; the rest is the gap between days


@dataclass(frozen=True, slots=True)
class Scale:
    """The value axis: 0 to `step * steps`, a tick at every step."""

    step: int
    steps: int

    @property
    def top(self) -> int:
        return self.step * self.steps

    def ticks(self) -> list[int]:
        return [self.step * n for n in range(self.steps + 1)]


def nice_scale(highest: int, most_steps: int = MOST_STEPS) -> Scale:
    """The smallest nice step reaching `highest` (≥ 0) in at most `most_steps` steps, and as
    many steps as it takes; 0 to 1 when everything is zero, so no bar divides by zero."""
    powers = (10**p for p in itertools.count())
    step = next(m * p for p in powers for m in NICE_MULTIPLES if m * p * most_steps >= highest)
    return Scale(step, max(1, -(-highest // step)))


@dataclass(frozen=True, slots=True)
class Frame:
    """The SVG's coordinates (its viewBox): the plot, and the margins for the axes' labels."""

    width: float = 640
    height: float = 200
    left: float = 72  # room for the value axis's labels ($12,500.00)
    right: float = 8
    top: float = 10
    bottom: float = 24  # room for the days' labels

    @property
    def baseline(self) -> float:
        """The y of zero."""
        return self.height - self.bottom

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.baseline - self.top


@dataclass(frozen=True, slots=True)
class Series:
    key: str  # names its bars' CSS class (`bar-sent`)
    label: str  # what a person reads: `Sent`
    values: Sequence[int]  # one per slot, ≥ 0


@dataclass(frozen=True, slots=True)
class Bar:
    series: Series
    slot: str  # the label of its slot (a day)
    value: int
    text: str  # the value as a person reads it ($12.00)
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Tick:
    at: float  # y on the value axis, x (a slot's middle) on the slots' axis
    text: str


@dataclass(frozen=True, slots=True)
class BarChart:
    frame: Frame
    scale: Scale
    series: list[Series]
    slots: list[str]
    bars: list[Bar]
    value_ticks: list[Tick]
    slot_ticks: list[Tick]

    def rows(self) -> list[tuple[str, list[Bar]]]:
        """The bars slot by slot (a table's rows: a day and its values, series in order)."""
        per_slot = len(self.series)
        return [
            (slot, self.bars[n * per_slot : (n + 1) * per_slot])
            for n, slot in enumerate(self.slots)
        ]


def bar_chart(
    slots: Sequence[str],
    series: Sequence[Series],
    text: Callable[[int], str] = str,
    tick_text: Callable[[int], str] | None = None,
    slot_text: Callable[[str], str] = str,
    frame: Frame = Frame(),  # frozen: one shared default is safe
) -> BarChart:
    """Bars side by side in each slot, one per series, their heights on one scale. `text`
    writes a bar's value as a person reads it; `tick_text` (default `text`) and `slot_text`
    the axes' labels, which may be shorter (they must fit a phone)."""
    tick_text = tick_text or text
    scale = nice_scale(max((v for s in series for v in s.values), default=0))
    slot_width = frame.plot_width / max(1, len(slots))
    bar_width = slot_width * BAR_SHARE / max(1, len(series))
    bars = []
    for n, slot in enumerate(slots):
        first_x = frame.left + n * slot_width + slot_width * (1 - BAR_SHARE) / 2
        for k, one in enumerate(series):
            value = one.values[n]
            height = frame.plot_height * value / scale.top
            x = first_x + k * bar_width
            bars.append(
                Bar(one, slot, value, text(value), x, frame.baseline - height, bar_width, height)
            )
    value_ticks = [
        Tick(frame.baseline - frame.plot_height * v / scale.top, tick_text(v))
        for v in scale.ticks()
    ]
    every = -(-len(slots) // MOST_LABELS) or 1
    named = range(0, len(slots), every)
    slot_ticks = [Tick(frame.left + (n + 0.5) * slot_width, slot_text(slots[n])) for n in named]
    return BarChart(frame, scale, list(series), list(slots), bars, value_ticks, slot_ticks)
