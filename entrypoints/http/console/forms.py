"""What every console form shares: reading its posted fields (each given once), its text areas
as their text, its whole numbers, and its choices among an enum's values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from litestar.enums import RequestEncodingType
from litestar.params import Body

from core.errors import Invalid

URL_ENCODED = Body(media_type=RequestEncodingType.URL_ENCODED)
FormData = Annotated[dict[str, Any], URL_ENCODED]  # a form's fields as posted, by name
# More digits than any bound a form checks (a page, a rate): refused before int() reads them,
# as Python refuses to read one of over 4300 digits (a ValueError, so a 500).
LONGEST_NUMBER = 18
Choice = TypeVar("Choice", bound=StrEnum)


def posted_values(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    """The fields of `names` that were posted, as typed; the others are left out (not given)."""
    values = {}
    for name in set(names) & data.keys():
        value = data[name]
        if not isinstance(value, str):  # a field sent twice: which one was meant?
            raise Invalid(f"{name} was given more than once", field=name)
        values[name] = value
    return values


def textarea_text(raw: str) -> str:
    """A browser posts a textarea's lines with CRLF; the text is stored with LF."""
    return raw.replace("\r\n", "\n")


def whole_number(raw: str, field: str) -> int:
    """The whole number typed (spaces around it allowed); else Invalid naming the field. Its
    bounds are the caller's rule."""
    text = raw.strip()
    if not (text.isascii() and text.isdecimal()):
        raise Invalid(f"{field} must be a whole number", field=field)
    if len(text) > LONGEST_NUMBER:
        raise Invalid(f"{field} is too large", field=field)
    return int(text)


def options(kind: type[StrEnum]) -> list[tuple[str, str]]:
    """A select's (value, label) pairs: each value of `kind`, named as the API names it."""
    return [(member.value, member.value) for member in kind]


def one_of(kind: type[Choice], raw: str, field: str) -> Choice:
    """The value of `kind` chosen; else Invalid naming the field and the values it takes."""
    try:
        return kind(raw)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise Invalid(f"{field} must be one of: {known}", field=field) from None
