"""How the console writes amounts, times and a fan's subscription: Jinja filters every page uses
(`{{ fan.value_cents | money }}`), registered on the template environment."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.fans import Fan


def money(cents: int) -> str:
    """`$1,234.56`: fans' spend is kept in cents, and the CSV import reads dollar amounts."""
    return f"${cents // 100:,}.{cents % 100:02d}"


def duration_text(seconds: float) -> str:
    """`0 s`, `45 s`, `3 min`, `2 h 5 min`: rounded up, never promising sooner than planned."""
    whole = math.ceil(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = math.ceil(whole / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def money_input(cents: int) -> str:
    """An amount as a form field holds it (`1234.56`): what the import's money parser reads."""
    return f"{cents // 100}.{cents % 100:02d}"


def day(at: datetime | None) -> str:
    return "—" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d")


def subscription(fan: Fan) -> str:
    """`subscribed` (now), `expired` (was, until an unsubscribe), or `none` (never was)."""
    if fan.unsubscribed_at is not None:
        return "expired"
    return "none" if fan.subscribed_at is None else "subscribed"


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "money_input": money_input,
    "day": day,
    "subscription": subscription,
}
