"""Wire schemas: msgspec Structs in camelCase, converted to and from core records at the edge."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from core.checks import MAX_BIGINT

Cents = Annotated[int, msgspec.Meta(ge=0, le=MAX_BIGINT)]  # a BIGINT column
# What Python's str.strip() removes, spelt out: `\s` means less in the ECMA regexes of JSON
# Schema (no \x1c-\x1f), and a client must read each pattern as the server does.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text with something in it besides spaces, and no NUL (PostgreSQL cannot store one): the rule
# the core checks, said here too so the published contract states it and the decoder keeps it.
_NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"


NO_NUL = r"^[^\x00]*$"


def text(max_length: int) -> Any:
    """At most `max_length` characters, no NUL."""
    return Annotated[str, msgspec.Meta(max_length=max_length, pattern=NO_NUL)]


def not_blank(max_length: int) -> Any:
    return Annotated[str, msgspec.Meta(min_length=1, max_length=max_length, pattern=_NOT_BLANK)]


class Schema(msgspec.Struct, rename="camel", kw_only=True):
    pass


class Body(Schema, forbid_unknown_fields=True):
    """A request body: a field the API does not know is a 400 naming it, never silently dropped
    (a misspelt `valueCent` must not answer 200 while changing nothing)."""
