"""What every console form shares: reading its posted fields (each given once) and its text
areas as their text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

from core.errors import Invalid

URL_ENCODED = Body(media_type=RequestEncodingType.URL_ENCODED)
FormData = Annotated[dict[str, Any], URL_ENCODED]  # a form's fields as posted, by name


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
