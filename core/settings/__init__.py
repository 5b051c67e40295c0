"""Account settings: time zone, quiet hours, send rate and blocked words, and the rules every
outbound path plans and checks by."""

from core.settings.blocked import check_blocked, find_blocked, fold
from core.settings.ports import SettingsRepository, SettingsStorage, SettingsStore
from core.settings.records import (
    DEFAULT_BLOCKED_WORDS,
    MAX_BURST,
    MAX_RATE,
    MIN_BURST,
    MIN_RATE,
    AccountSettings,
    zone_names,
)
from core.settings.use_cases import AccountRules, GetSettings, SettingsChanges, UpdateSettings

__all__ = [
    "DEFAULT_BLOCKED_WORDS",
    "MAX_BURST",
    "MAX_RATE",
    "MIN_BURST",
    "MIN_RATE",
    "AccountRules",
    "AccountSettings",
    "GetSettings",
    "SettingsChanges",
    "SettingsRepository",
    "SettingsStorage",
    "SettingsStore",
    "UpdateSettings",
    "check_blocked",
    "find_blocked",
    "fold",
    "zone_names",
]
