"""The cell parsers of the CSV import, held to independent models by hypothesis."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import Invalid
from core.fans.records import normalize_handle
from core.imports.values import parse_cents, parse_money, parse_time, split_tags

cents_values = st.integers(min_value=0, max_value=10**15)


def with_thousands(units: int) -> str:
    return f"{units:,}"


@given(cents_values, st.sampled_from(["", "$", "€", "£"]), st.booleans(), st.booleans())
def test_money_written_any_usual_way_is_exactly_its_cents(
    cents: int, symbol: str, thousands: bool, symbol_after: bool
):
    units, fraction = divmod(cents, 100)
    number = f"{with_thousands(units) if thousands else units}.{fraction:02d}"
    text = f" {number}{symbol} " if symbol_after else f" {symbol}{number} "

    assert parse_money(text) == cents


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=9))
def test_one_decimal_or_none_or_a_decimal_comma_is_still_exact(units: int, tenth: int):
    assert parse_money(f"{units}") == units * 100
    assert parse_money(f"{units}.{tenth}") == units * 100 + tenth * 10
    assert parse_money(f"€{units},{tenth}5") == units * 100 + tenth * 10 + 5


@given(st.decimals(min_value=0, max_value=10**9, places=3).filter(lambda d: d % 1 * 1000 % 10))
def test_a_third_decimal_is_refused_not_rounded(amount):  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match="more than two decimals"):
        parse_money(f"{amount:.3f}")


@given(st.integers(min_value=1, max_value=10**9))
def test_a_negative_amount_is_refused(cents: int):
    for text in (f"-{cents / 100:.2f}", f"$-{cents}", f"({cents})", f"-{cents}"):
        with pytest.raises(Invalid, match="negative"):
            parse_money(text)
    with pytest.raises(Invalid, match="negative"):
        parse_cents(f"-{cents}")


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,23,4", "12.3.4", "$", ".", "1e5", "12 34", "\u0661\u0662", "1,2345", "--1"],
)
def test_what_is_not_an_amount_is_refused_naming_it(text: str):
    with pytest.raises(Invalid) as raised:
        parse_money(text)
    assert raised.value.field == "value"


def test_the_issue_examples():
    assert parse_money("$1,234.56") == 123_456
    assert parse_money("1234.5") == 123_450
    assert parse_money("€12") == 1_200


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_cents_are_a_whole_number(cents: int):
    assert parse_cents(f" {cents} ") == cents


@pytest.mark.parametrize("text", ["1.5", "1,000", "x", "", "\u0661"])
def test_cents_that_are_not_a_whole_number_are_refused(text: str):
    with pytest.raises(Invalid, match="whole number"):
        parse_cents(text)


@given(st.dates())
def test_an_iso_date_is_midnight_utc(day: date):
    assert parse_time(day.isoformat(), "joined") == datetime.combine(day, time(), UTC)


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.sampled_from(["T", " "]),
)
def test_an_iso_date_time_keeps_its_instant(moment: datetime, offset_min: int, separator: str):
    zone = timezone(timedelta(minutes=offset_min))
    zoned = moment.replace(tzinfo=zone)

    assert parse_time(zoned.isoformat(sep=separator), "joined") == zoned
    # No zone: taken as UTC.
    assert parse_time(moment.isoformat(sep=separator), "joined") == moment.replace(tzinfo=UTC)


@pytest.mark.parametrize("text", ["2024-13-01", "yesterday", "01/02/2024", "2024-02-30", "2024"])
def test_what_is_not_an_iso_date_is_refused_naming_the_field(text: str):
    with pytest.raises(Invalid) as raised:
        parse_time(text, "lastActiveAt")
    assert raised.value.field == "lastActiveAt"


tag_texts = st.text(
    st.characters(blacklist_characters=";|,", blacklist_categories=("Cs",)), min_size=1
).filter(lambda t: t.strip())


@given(st.lists(tag_texts, max_size=8), st.lists(st.sampled_from([";", "|", ",", " ; "])))
def test_tags_split_on_any_separator_trimmed_without_blanks(tags: list[str], seps: list[str]):
    separators = seps or [";"]
    text = "".join(tag + separators[i % len(separators)] for i, tag in enumerate(tags))

    assert split_tags(text) == {tag.strip() for tag in tags}


handles = st.text("abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=64)


@given(handles, st.booleans(), st.text(" \t", max_size=3), st.booleans())
def test_a_handle_is_trimmed_lowered_and_loses_its_at(
    handle: str, at: bool, space: str, upper: bool
):
    raw = f"{space}{'@' if at else ''}{handle.upper() if upper else handle}{space}"

    assert normalize_handle(raw) == handle


@given(handles, st.characters(blacklist_characters="abcdefghijklmnopqrstuvwxyz0123456789._-@"))
def test_a_handle_with_any_other_character_is_refused(handle: str, bad: str):
    raw = handle + bad + handle
    if raw.strip().lower().removeprefix("@") and not bad.isspace():
        lowered = raw.strip().lower()
        if all(c in "abcdefghijklmnopqrstuvwxyz0123456789._-" for c in lowered):
            return  # e.g. an uppercase letter: lowered, it is fine
        with pytest.raises(Invalid):
            normalize_handle(raw)


def test_a_handle_longer_than_64_is_refused():
    with pytest.raises(Invalid, match="longer than 64"):
        normalize_handle("a" * 65)
