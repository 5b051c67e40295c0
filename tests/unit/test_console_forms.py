"""The console forms' shared readers: a whole number, a choice among an enum's values, and the
fields posted, each refused as Invalid naming its field, never an error of Python's."""

from __future__ import annotations

import pytest

from core.accounts import Role
from core.errors import Invalid
from entrypoints.http.console.forms import (
    LONGEST_NUMBER,
    one_of,
    options,
    posted_values,
    whole_number,
)


@pytest.mark.parametrize(
    ("typed", "number"), [("0", 0), (" 42 ", 42), ("9" * LONGEST_NUMBER, 10**LONGEST_NUMBER - 1)]
)
def test_a_whole_number_is_read_as_typed(typed: str, number: int) -> None:
    assert whole_number(typed, "burst") == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "burst must be a whole number"),
        ("-1", "burst must be a whole number"),
        ("1.5", "burst must be a whole number"),
        ("٣", "burst must be a whole number"),  # a digit, but not one the API's JSON reads
        ("1" + "0" * LONGEST_NUMBER, "burst is too large"),
        ("9" * 5000, "burst is too large"),  # past int()'s 4300 digits: its ValueError, a 500
    ],
)
def test_what_is_not_a_whole_number_is_invalid_naming_the_field(typed: str, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        whole_number(typed, "burst")
    assert (refused.value.field, refused.value.message) == ("burst", message)


def test_a_choice_is_one_of_the_enums_values_or_invalid_naming_them() -> None:
    assert options(Role) == [("chatter", "chatter"), ("manager", "manager"), ("owner", "owner")]
    assert one_of(Role, "manager", "role") is Role.MANAGER
    for typed in ("", "boss", "Manager"):
        with pytest.raises(Invalid) as refused:
            one_of(Role, typed, "role")
        assert refused.value.field == "role"
        assert refused.value.message == "role must be one of: chatter, manager, owner"


def test_a_field_posted_twice_is_invalid_and_one_not_asked_for_is_left_out() -> None:
    assert posted_values({"title": "a", "other": "b"}, ["title", "content"]) == {"title": "a"}
    with pytest.raises(Invalid) as refused:
        posted_values({"title": ["a", "b"]}, ["title"])
    assert refused.value.field == "title"
