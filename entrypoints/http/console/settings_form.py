"""The settings form: what a person typed, turned into the changes `UpdateSettings` takes, and back.

Its fields carry the API's names (`ratePerMinute`, `quietHours.start`), so an `Invalid` naming a
field names the form field too. The rules (zones, bounds, words) are the core's and the API
schema's own quiet hours: nothing is checked twice here, only read from text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.planning import QuietHours
from core.settings import AccountSettings, SettingsChanges
from entrypoints.http.console.forms import posted_values, whole_number
from entrypoints.http.schemas.settings import QuietHoursBody

START, END = "quietHours.start", "quietHours.end"
FIELDS = ("timeZone", START, END, "ratePerMinute", "burst", "blockedWords")


@dataclass(frozen=True, slots=True)
class SettingsForm:
    values: dict[str, str] = field(default_factory=dict)  # as typed, shown again on an error

    @classmethod
    def of(cls, settings: AccountSettings) -> SettingsForm:
        quiet = settings.quiet_hours
        return cls(
            {
                "timeZone": settings.time_zone,
                START: quiet.start.strftime("%H:%M") if quiet else "",
                END: quiet.end.strftime("%H:%M") if quiet else "",
                "ratePerMinute": str(settings.rate_per_minute),
                "burst": str(settings.burst),
                "blockedWords": "\n".join(settings.blocked_words),
            }
        )

    @classmethod
    def posted(cls, data: Mapping[str, Any]) -> SettingsForm:
        return cls(posted_values(data, FIELDS))

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def changes(self, current: AccountSettings) -> SettingsChanges:
        """The fields posted whose value differs from `current`'s. A form saved untouched
        changes nothing, and re-checks nothing the deployment chose (its default send rate may
        be above what an owner may set)."""
        wanted = self._wanted()
        return SettingsChanges(
            **{name: value for name, value in wanted.items() if getattr(current, name) != value}
        )

    def _wanted(self) -> dict[str, Any]:
        """The posted fields read from text, under the names `SettingsChanges` gives them."""
        wanted: dict[str, Any] = {}
        if "timeZone" in self.values:
            wanted["time_zone"] = self.values["timeZone"].strip()
        if START in self.values or END in self.values:
            wanted["quiet_hours"] = _quiet_hours(self.value(START), self.value(END))
        if "ratePerMinute" in self.values:
            wanted["rate_per_minute"] = whole_number(self.values["ratePerMinute"], "ratePerMinute")
        if "burst" in self.values:
            wanted["burst"] = whole_number(self.values["burst"], "burst")
        if "blockedWords" in self.values:
            wanted["blocked_words"] = blocked_words(self.values["blockedWords"])
        return wanted


def blocked_words(text: str) -> tuple[str, ...]:
    """One word or phrase a line; blank lines and the spaces around a line are no words."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _quiet_hours(start: str, end: str) -> QuietHours | None:
    """Both blank: no quiet hours; else the window as the API reads it (`HH:MM`, start ≠ end)."""
    start, end = start.strip(), end.strip()
    if not start and not end:
        return None
    return QuietHoursBody(start=start, end=end).to_core()
