"""Blocked words: case, accents, punctuation and word boundaries."""

from __future__ import annotations

import pytest

from core.errors import Invalid
from core.settings import check_blocked, find_blocked

WORDS = ("paypal", "cash app", "crypto", "café")


@pytest.mark.parametrize(
    "text",
    [
        "send it by PayPal",
        "PAYPAL!",
        "(paypal)",
        "my paypal: x@y.z",
        "Pàypâl",  # accents on the text
        "cafe later?",  # … and on the word
        "CASH   APP",  # any run of spaces
        "cash\napp",
        "crypto.",
        "«crypto»",
    ],
)
def test_a_blocked_word_is_found_whatever_its_case_accents_and_punctuation(text: str) -> None:
    assert find_blocked(text, WORDS) is not None


@pytest.mark.parametrize(
    "text",
    [
        "cryptography is fun",  # inside a longer word
        "paypals",
        "mypaypal",
        "cashapp",  # the phrase without its space is another word
        "cash application",
        "cafeteria",
        "",
    ],
)
def test_a_blocked_word_inside_a_longer_word_does_not_hit(text: str) -> None:
    assert find_blocked(text, WORDS) is None


def test_the_error_names_the_field_and_the_word_as_the_owner_wrote_it() -> None:
    with pytest.raises(Invalid) as raised:
        check_blocked({"content": "Cafe?"}, WORDS)

    assert raised.value.field == "content"
    assert raised.value.detail == {"field": "content", "word": "café"}
