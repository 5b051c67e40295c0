"""Parsers for the text of a CSV cell: money, cents, dates and tags (handles: core.fans).

Each raises Invalid naming the field it was parsing; the row parser says which column.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.errors import Invalid

_CURRENCY = "$€£¥"
# Digits with optional thousands groups, then up to two decimals; or a decimal comma (`12,50`).
_AMOUNT = re.compile(
    r"(?P<units>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<fraction>[0-9]*))?"
    r"|(?P<eu_units>[0-9]+),(?P<eu_fraction>[0-9]{1,2})"
)
_CENTS = re.compile(r"[0-9]+")
_TAG_SEPARATORS = re.compile(r"[;|,]")


def parse_money(text: str, field: str = "value") -> int:
    """`$1,234.56`, `1234.5`, `€12`, `12,50` → exact cents; negative or inexact is Invalid."""
    amount = text.strip()
    if amount[:1] in _CURRENCY:
        amount = amount[1:].strip()
    elif amount[-1:] in _CURRENCY:
        amount = amount[:-1].strip()
    if amount.startswith("-") or (amount.startswith("(") and amount.endswith(")")):
        raise Invalid(f"{text!r} is negative", field=field)
    match = _AMOUNT.fullmatch(amount)
    if not amount or match is None or amount == ".":
        raise Invalid(f"{text!r} is not an amount of money", field=field)
    if match["eu_units"] is not None:
        units, fraction = match["eu_units"], match["eu_fraction"]
    else:
        units, fraction = (match["units"] or "0").replace(",", ""), match["fraction"] or ""
    if len(fraction) > 2:
        raise Invalid(f"{text!r} has more than two decimals", field=field)
    return int(units) * 100 + int(fraction.ljust(2, "0"))


def parse_cents(text: str, field: str = "value cents") -> int:
    """A whole number of cents, such as `123456`."""
    cents = text.strip()
    if cents.startswith("-"):
        raise Invalid(f"{text!r} is negative", field=field)
    if not _CENTS.fullmatch(cents):
        raise Invalid(f"{text!r} is not a whole number of cents", field=field)
    return int(cents)


def parse_time(text: str, field: str) -> datetime:
    """An ISO-8601 date (midnight UTC) or date-time; one without a zone is taken as UTC."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{text!r} is not an ISO-8601 date or date-time", field=field) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def split_tags(text: str) -> frozenset[str]:
    """Tags separated by `;`, `|` or `,`, trimmed; empty pieces are dropped."""
    return frozenset(tag.strip() for tag in _TAG_SEPARATORS.split(text) if tag.strip())
