"""An account's sending settings: its time zone, quiet hours, send rate and blocked words."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.errors import Invalid
from core.planning import QuietHours, SendRules
from core.ratelimit import Policy

# What an owner may set (the deployment's own default, SEND_RATE_PER_MINUTE, may be anything):
# past a message a second the platform flags accounts whatever the burst.
MIN_RATE, MAX_RATE = 1, 60
MIN_BURST, MAX_BURST = 1, 60
MAX_BLOCKED_WORDS, MAX_BLOCKED_WORD_LENGTH = 500, 100
# Steering fans to outside payment gets accounts flagged; the owner edits the list.
DEFAULT_BLOCKED_WORDS = (
    "paypal",
    "venmo",
    "cashapp",
    "cash app",
    "zelle",
    "revolut",
    "western union",
    "bank transfer",
    "wire transfer",
    "bitcoin",
    "crypto",
    "gift card",
)


@dataclass(frozen=True, slots=True)
class AccountSettings:
    user_id: str
    time_zone: str
    quiet_hours: QuietHours | None
    rate_per_minute: int
    burst: int
    blocked_words: tuple[str, ...]
    updated_at: datetime | None = None

    @classmethod
    def defaults(cls, user_id: str, policy: Policy) -> AccountSettings:
        """UTC, no quiet hours, the deployment's send rate, the default blocked words."""
        rate = max(1, round(policy.rate_per_minute))
        return cls(user_id, "UTC", None, rate, policy.capacity, DEFAULT_BLOCKED_WORDS)

    def validate(self, changed: Collection[str]) -> None:
        """Check the `changed` fields (the others are as they were, or the deployment's)."""
        if "time_zone" in changed:
            zone(self.time_zone)
        if "rate_per_minute" in changed and not MIN_RATE <= self.rate_per_minute <= MAX_RATE:
            raise Invalid(
                f"ratePerMinute must be between {MIN_RATE} and {MAX_RATE}", field="ratePerMinute"
            )
        if "burst" in changed and not MIN_BURST <= self.burst <= MAX_BURST:
            raise Invalid(f"burst must be between {MIN_BURST} and {MAX_BURST}", field="burst")
        if len(self.blocked_words) > MAX_BLOCKED_WORDS:
            raise Invalid(f"at most {MAX_BLOCKED_WORDS} blocked words", field="blockedWords")
        for word in self.blocked_words:
            if not word.strip() or len(word) > MAX_BLOCKED_WORD_LENGTH or "\x00" in word:
                raise Invalid(
                    f"a blocked word is 1 to {MAX_BLOCKED_WORD_LENGTH} characters",
                    field="blockedWords",
                )

    @property
    def policy(self) -> Policy:
        return Policy.per_minute(self.rate_per_minute, self.burst)

    @property
    def rules(self) -> SendRules:
        return SendRules(self.policy, zone(self.time_zone), self.quiet_hours)


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or a 400 naming `timeZone`."""
    if name not in _zone_names():
        raise Invalid(f"timeZone {name!r} is not an IANA time zone", field="timeZone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"timeZone {name!r} is not an IANA time zone", field="timeZone") from exc


def zone_names() -> list[str]:
    """Every name `zone` accepts, sorted: what a form may offer to choose from."""
    return sorted(_zone_names())


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones(), {"UTC"})
    return _ZONES
