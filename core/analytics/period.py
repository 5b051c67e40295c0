"""The days an analytics answer covers: UTC calendar days, both ends included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.errors import Invalid

DEFAULT_DAYS = 30  # the last 30 days up to today, when the caller names neither end
MAX_DAYS = 366  # a year, leap day included: a chart of more days has no room for them
_DAY = timedelta(days=1)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date  # included

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, UTC)

    @property
    def end(self) -> datetime:
        """Midnight after the last day: the period is [start, end)."""
        return datetime.combine(self.last, time.min, UTC) + _DAY

    def days(self) -> list[date]:
        return [self.first + n * _DAY for n in range((self.last - self.first).days + 1)]


def period_of(first: date | None, last: date | None, today: date) -> Period:
    """The period a caller asked for, with the defaults filled in; Invalid naming `from` or `to`.

    `to` defaults to today (UTC); `from` to DEFAULT_DAYS days ending at `to`, or, when only
    `from` is given, the period runs from it to today.
    """
    last = last or today
    if last == date.max:  # the period ends at the midnight after it, which does not exist
        raise Invalid(f"to must be before {date.max}", field="to")
    if first is None:
        first = date.fromordinal(max(1, last.toordinal() - (DEFAULT_DAYS - 1)))
    if first > last:
        raise Invalid(f"from ({first}) must not be after to ({last})", field="from")
    span = (last - first).days + 1
    if span > MAX_DAYS:
        raise Invalid(
            f"from ({first}) to to ({last}) is {span} days; at most {MAX_DAYS}", field="from"
        )
    return Period(first, last)


def parse_day(text: str | None, field: str) -> date | None:
    """`YYYY-MM-DD` (a calendar day, nothing else ISO 8601 allows); Invalid naming `field`."""
    if text is None:
        return None
    if _ISO_DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # 2026-02-30 and the like
    raise Invalid(f"{field} must be a day as YYYY-MM-DD, not {text[:40]!r}", field=field)
