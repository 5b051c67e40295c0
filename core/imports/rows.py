"""One record of the file to a fan ready to stage, checked by the same rules as the API's."""

from __future__ import annotations

from datetime import datetime

from core.checks import check_text, check_time
from core.errors import Invalid
from core.fans import (
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    Platform,
    check_email,
    check_tags,
    check_value_cents,
    normalize_handle,
)
from core.imports.columns import Column, ColumnMap
from core.imports.records import StagedFan
from core.imports.values import parse_cents, parse_money, parse_time, split_tags

# The order of RowParser._staged's parameters.
_FIELDS = (
    Column.HANDLE, Column.NAME, Column.EMAIL, Column.PLATFORM, Column.VALUE, Column.VALUE_CENTS,
    Column.TAGS, Column.NOTES, Column.SUBSCRIBED_AT, Column.LAST_ACTIVE_AT,
)  # fmt: skip
# Where NewFan.to_fan names a field, the column the file had for it.
_COLUMN_OF_FIELD = {
    "handle": Column.HANDLE,
    "name": Column.NAME,
    "email": Column.EMAIL,
    "tags": Column.TAGS,
    "notes": Column.NOTES,
    "valueCents": Column.VALUE,
    "subscribedAt": Column.SUBSCRIBED_AT,
    "lastActiveAt": Column.LAST_ACTIVE_AT,
}


class RowParser:
    """Turns records into StagedFans; a bad one raises Invalid whose message names the column."""

    def __init__(self, columns: ColumnMap, default_platform: Platform, now: datetime) -> None:
        self._columns = columns
        # Each field's index in a record (-1: the file has no such column), in _FIELDS order:
        # a plain list on the hot path, a million times over.
        self._indexes = [columns.positions.get(column, -1) for column in _FIELDS]
        self._platform = default_platform
        self._now = now

    def parse(self, row: int, record: list[str]) -> StagedFan:
        width = len(record)
        cells = [record[i].strip() if -1 < i < width else "" for i in self._indexes]
        try:
            return self._staged(row, *cells)
        except Invalid as exc:
            raise Invalid(self._message(exc), field=exc.field) from None

    def _staged(
        self, row: int, handle: str, name: str, email: str, platform: str, money: str,
        cents: str, tags: str, notes: str, subscribed: str, active: str,
    ) -> StagedFan:  # fmt: skip
        if money:
            value: int | None = parse_money(money, "valueCents")
        else:
            value = parse_cents(cents, "valueCents") if cents else None
        # The API's own checks, field by field (NewFan.to_fan calls the same ones; building its
        # two records would double the cost of a row). A test holds the two to the same answers.
        return StagedFan(
            row,
            self._platform_of(platform) if platform else self._platform,
            normalize_handle(handle),
            check_text(name, "name", MAX_NAME_LENGTH) if name else None,
            check_email(email) if email else None,
            check_tags(split_tags(tags)) if tags else frozenset(),
            check_text(notes, "notes", MAX_NOTES_LENGTH) if notes else None,
            None if value is None else check_value_cents(value),
            check_time(parse_time(subscribed, "subscribedAt"), "subscribedAt")
            if subscribed
            else None,
            check_time(parse_time(active, "lastActiveAt"), "lastActiveAt") if active else None,
        )

    def _platform_of(self, given: str) -> Platform:
        try:
            return Platform(given.lower())
        except ValueError:
            known = ", ".join(p.value for p in Platform)
            raise Invalid(
                f"unknown platform {given!r} (one of: {known})", field="platform"
            ) from None

    def _message(self, exc: Invalid) -> str:
        column = _COLUMN_OF_FIELD.get(exc.field or "")
        if column is Column.VALUE and column not in self._columns.positions:
            column = Column.VALUE_CENTS
        if column is None or column not in self._columns.positions:
            column = Column.PLATFORM if exc.field == "platform" else None
        if column is None or column not in self._columns.positions:
            return exc.message
        return f"column {self._columns.name_of(column)!r}: {exc.message}"
