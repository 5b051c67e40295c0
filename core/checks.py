"""Rules every text and time a client sends must meet, whatever the record: the database's own
limits, answered as a 400 naming the field rather than a 500 from the driver."""

from __future__ import annotations

from datetime import UTC, datetime

from core.errors import Invalid


def check_text(value: str | None, field: str, max_length: int) -> str | None:
    """Within the column's size, and without NUL, which PostgreSQL refuses in any text."""
    if value is None:
        return None
    if len(value) > max_length:
        raise Invalid(f"{field} is longer than {max_length} characters", field=field)
    if "\x00" in value:
        raise Invalid(f"{field} must not contain a NUL character", field=field)
    return value


def check_time(value: datetime | None, field: str) -> datetime | None:
    """With a zone, and still a datetime once in UTC (storage converts; 0001-01-01+14:00 is not)."""
    if value is None:
        return None
    if value.utcoffset() is None:
        raise Invalid(f"{field} must carry a time zone", field=field)
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise Invalid(f"{field} is out of range", field=field) from None
    return value


# Ids, cents and offsets are BIGINT (SQLite: 64-bit INTEGER): a larger int is a database error.
MAX_BIGINT = 2**63 - 1


MAX_ID = MAX_BIGINT
