"""Which of a file's columns hold which fan field, whatever the exporting tool called them."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from core.errors import Invalid


class Column(enum.Enum):
    HANDLE = "handle"
    NAME = "name"
    EMAIL = "email"
    PLATFORM = "platform"
    VALUE = "value"  # money: `$1,234.56`
    VALUE_CENTS = "value cents"  # whole cents
    TAGS = "tags"
    NOTES = "notes"
    SUBSCRIBED_AT = "subscribed at"
    LAST_ACTIVE_AT = "last active"


# Header names as `normalize_header` leaves them.
_ALIASES: dict[str, Column] = {
    alias: column
    for column, aliases in {
        Column.HANDLE: ("handle", "username", "user name", "user", "fan"),
        Column.NAME: ("name", "display name", "full name"),
        Column.EMAIL: ("email", "e mail"),
        Column.PLATFORM: ("platform",),
        Column.VALUE: ("total spent", "lifetime value", "ltv", "value", "spent"),
        Column.VALUE_CENTS: ("value cents",),
        Column.TAGS: ("tags", "labels"),
        Column.NOTES: ("notes", "note"),
        Column.SUBSCRIBED_AT: ("subscribed at", "subscribed", "joined", "subscription date"),
        Column.LAST_ACTIVE_AT: ("last active", "last active at", "last seen"),
    }.items()
    for alias in aliases
}
_SEPARATORS = re.compile(r"[\s_-]+")
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normalize_header(name: str) -> str:
    """Case-insensitive, trimmed, with spaces, underscores, hyphens and camelCase humps alike
    (`valueCents`, the API's own name, is `value cents`)."""
    return _SEPARATORS.sub(" ", _CAMEL_HUMP.sub(" ", name.strip()).lower()).strip()


@dataclass(frozen=True, slots=True)
class ColumnMap:
    positions: dict[Column, int]  # the column's index in each record
    headers: tuple[str, ...]  # the file's own names, for messages
    ignored: list[str]

    def name_of(self, column: Column) -> str:
        return self.headers[self.positions[column]].strip()


def match_columns(headers: list[str]) -> ColumnMap:
    """Each field's column; unknown ones are ignored, and so is a second column for one field
    (the first wins). A file without a handle column cannot be imported at all."""
    positions: dict[Column, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        column = _ALIASES.get(normalize_header(header))
        if column is None or column in positions or _money_taken(column, positions):
            ignored.append(header)
        else:
            positions[column] = index
    if Column.HANDLE not in positions:
        known = ", ".join(a for a, c in _ALIASES.items() if c is Column.HANDLE)
        raise Invalid(
            f"the file has no handle column (its header must name one of: {known})",
            field="handle",
        )
    return ColumnMap(positions, tuple(headers), ignored)


def _money_taken(column: Column, positions: dict[Column, int]) -> bool:
    """`value` and `value cents` are two spellings of one field: only the first is read."""
    money = {Column.VALUE, Column.VALUE_CENTS}
    return column in money and bool(money & positions.keys())
