"""Wire schemas: msgspec Structs in camelCase, converted to and from core records at the edge."""

from __future__ import annotations

from typing import Annotated

import msgspec

Cents = Annotated[int, msgspec.Meta(ge=0)]


class Schema(msgspec.Struct, rename="camel", kw_only=True):
    pass


class Body(Schema, forbid_unknown_fields=True):
    """A request body: a field the API does not know is a 400 naming it, never silently dropped
    (a misspelt `valueCent` must not answer 200 while changing nothing)."""
