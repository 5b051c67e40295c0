"""How long a `Retry-After` header asks us to wait: delta-seconds or an HTTP date (RFC 9110)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A 429 that does not say how long to wait: the platform's limit is per minute, so wait one.
DEFAULT_RETRY_AFTER_S = 60.0


def retry_after_s(value: str | None, now: datetime) -> float:
    """Seconds to wait from `now`: a past date is 0, a missing or garbled value the default."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return DEFAULT_RETRY_AFTER_S
    if when.tzinfo is None:  # HTTP dates are GMT; a zone-less one is read as such
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
