"""The charts' geometry: a nice scale reaching every value, bars proportional to their values on
it, by example and by property."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrypoints.http.console.charts import (
    MOST_LABELS,
    MOST_STEPS,
    Frame,
    Scale,
    Series,
    bar_chart,
    nice_scale,
)

FRAME = Frame()
values = st.integers(min_value=0, max_value=10**12)
days = st.integers(min_value=1, max_value=366)


@pytest.mark.parametrize(
    ("highest", "scale"),
    [
        (0, Scale(1, 1)),  # nothing happened: 0 to 1, not 0 to 0
        (1, Scale(1, 1)),
        (3, Scale(1, 3)),
        (7, Scale(2, 4)),
        (10, Scale(5, 2)),
        (99, Scale(50, 2)),
        (101, Scale(50, 3)),
        (12_345, Scale(5_000, 3)),
        (40_000, Scale(10_000, 4)),
    ],
)
def test_the_scale_steps_by_one_two_or_five_times_a_power_of_ten(highest: int, scale: Scale):
    assert nice_scale(highest) == scale


@given(values)
def test_the_top_tick_reaches_the_highest_value_in_a_few_nice_steps(highest: int):
    scale = nice_scale(highest)

    assert scale.top >= highest
    assert 1 <= scale.steps <= MOST_STEPS
    assert scale.ticks()[0] == 0
    assert scale.ticks()[-1] == scale.top
    power = 10 ** int(math.log10(scale.step))
    assert scale.step // power in (1, 2, 5)
    assert scale.step % power == 0
    if scale.steps > 1:  # no more steps than it takes to reach it
        assert scale.top - scale.step < highest


@given(st.lists(values, min_size=1, max_size=400))
def test_every_bar_is_as_high_as_its_value_against_the_top_of_the_scale(numbers: list[int]):
    chart = bar_chart([f"d{n}" for n in range(len(numbers))], [Series("s", "S", numbers)])

    for bar, value in zip(chart.bars, numbers, strict=True):
        assert bar.value == value
        assert math.isclose(bar.height / FRAME.plot_height, value / chart.scale.top)
        assert math.isclose(bar.y + bar.height, FRAME.baseline)  # standing on zero
        assert FRAME.top - 1e-9 <= bar.y  # never above the plot


@given(days, st.integers(min_value=1, max_value=3))
def test_all_zero_data_draws_flat_bars_on_a_scale_of_one(slots: int, series: int):
    chart = bar_chart(
        [str(n) for n in range(slots)], [Series(f"s{k}", "S", [0] * slots) for k in range(series)]
    )

    assert chart.scale.top == 1
    assert all(bar.height == 0 and bar.y == FRAME.baseline for bar in chart.bars)


@given(st.lists(st.tuples(values, values), min_size=1, max_size=100))
def test_bars_of_a_slot_sit_side_by_side_inside_it_and_slots_do_not_overlap(
    pairs: list[tuple[int, int]],
):
    sent = Series("sent", "Sent", [a for a, _ in pairs])
    failed = Series("failed", "Failed", [b for _, b in pairs])
    chart = bar_chart([str(n) for n in range(len(pairs))], [sent, failed])

    assert len(chart.bars) == 2 * len(pairs)
    for slot, (left, right) in chart.rows():
        assert (left.series, right.series, left.slot, right.slot) == (sent, failed, slot, slot)
        assert math.isclose(left.x + left.width, right.x)
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs)
    assert FRAME.left <= xs[0]
    assert xs[-1] + chart.bars[-1].width <= FRAME.left + FRAME.plot_width


def test_ticks_are_written_as_told_from_zero_at_the_baseline_up():
    chart = bar_chart(["a", "b"], [Series("r", "Revenue", [250, 1_000])], text=lambda v: f"${v}")

    assert [t.text for t in chart.value_ticks] == ["$0", "$500", "$1000"]
    assert [t.text for t in chart.slot_ticks] == ["a", "b"]
    assert chart.value_ticks[0].at == FRAME.baseline
    assert chart.value_ticks[-1].at == FRAME.top
    assert [b.text for b in chart.bars] == ["$250", "$1000"]
    shorter = bar_chart(["a1", "b2"], chart.series, text=str, tick_text=hex, slot_text=str.upper)
    assert [t.text for t in shorter.value_ticks] == ["0x0", "0x1f4", "0x3e8"]
    assert [t.text for t in shorter.slot_ticks] == ["A1", "B2"]
    assert [b.text for b in shorter.bars] == ["250", "1000"]  # the bars' own text unchanged


@given(days)
def test_a_few_days_are_named_under_the_bars_the_first_among_them(slots: int):
    labels = [f"day {n}" for n in range(slots)]
    chart = bar_chart(labels, [Series("s", "S", [1] * slots)])

    named = [t.text for t in chart.slot_ticks]
    assert named[0] == "day 0"
    assert 1 <= len(named) <= MOST_LABELS
    assert set(named) <= set(labels)
