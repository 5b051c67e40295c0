"""The analytics period: defaults, limits and the day parser, by example and by property."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analytics.period import DEFAULT_DAYS, MAX_DAYS, Period, parse_day, period_of
from core.errors import Invalid

TODAY = date(2026, 11, 21)


def test_nothing_given_is_the_last_30_days_up_to_today():
    period = period_of(None, None, TODAY)

    assert (period.first, period.last) == (date(2026, 10, 23), TODAY)
    assert len(period.days()) == DEFAULT_DAYS


def test_only_to_is_the_30_days_ending_there_and_only_from_runs_to_today():
    assert period_of(None, date(2026, 1, 30), TODAY).first == date(2026, 1, 1)
    assert period_of(date(2026, 11, 1), None, TODAY).last == TODAY


def test_the_period_covers_whole_utc_days_half_open():
    period = Period(date(2026, 3, 1), date(2026, 3, 2))

    assert period.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert period.end == datetime(2026, 3, 3, tzinfo=UTC)
    assert period.days() == [date(2026, 3, 1), date(2026, 3, 2)]


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), "from"),  # from after to
        (date(2025, 1, 1), date(2026, 1, 2), "from"),  # 367 days
        (None, date.max, "to"),  # no midnight after it
    ],
)
def test_periods_that_make_no_sense_are_invalid_naming_the_field(first, last, field):
    with pytest.raises(Invalid) as raised:
        period_of(first, last, TODAY)
    assert raised.value.field == field
    assert field in raised.value.message


def test_a_year_with_its_leap_day_is_the_longest_period_and_the_first_day_is_allowed():
    assert len(period_of(date(2024, 1, 1), date(2024, 12, 31), TODAY).days()) == MAX_DAYS
    assert period_of(None, date.min, TODAY).days() == [date.min]


@given(st.dates(max_value=date.max - timedelta(days=1)))
def test_a_day_written_as_yyyy_mm_dd_parses_back_to_itself(day: date):
    assert parse_day(day.isoformat(), "from") == day


@given(
    st.one_of(st.text(max_size=20), st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
)
def test_any_other_text_is_the_day_it_spells_or_invalid_naming_the_field(text: str):
    spelled = _spelled_day(text)
    if spelled is None:
        with pytest.raises(Invalid) as raised:
            parse_day(text, "to")
        assert raised.value.field == "to"
    else:
        assert parse_day(text, "to") == spelled


def _spelled_day(text: str) -> date | None:
    """The independent model: ten characters, ASCII digits and dashes where they belong."""
    parts = text.split("-")
    shaped = [len(p) for p in parts] == [4, 2, 2] and all(
        p.isascii() and p.isdigit() for p in parts
    )
    if not shaped:
        return None
    try:
        return date(*(int(p) for p in parts))
    except ValueError:
        return None


@pytest.mark.parametrize("text", ["2026-02-30", "20260101", "2026-W01-1", "2026-1-1", "٢٠٢٦-01-01"])
def test_near_misses_are_invalid(text: str):
    with pytest.raises(Invalid, match="YYYY-MM-DD"):
        parse_day(text, "from")
