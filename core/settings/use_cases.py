"""Reading and changing an account's settings, and the rules every send path plans by."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from core.planning import QuietHours
from core.ports import Clock
from core.ratelimit import Policy
from core.settings.ports import SettingsStorage
from core.settings.records import AccountSettings


class AccountRules:
    """Each account's settings for the send paths, read through a short cache: the consumer asks
    for every envelope. A change made in this process is seen at once (`forget`); one made in
    another process within `max_age_s`."""

    def __init__(
        self,
        storage: SettingsStorage,
        default_policy: Policy,
        max_age_s: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._storage = storage
        self._default_policy = default_policy
        self._max_age_s = max_age_s
        self._monotonic = monotonic
        self._known: dict[str, tuple[AccountSettings, float]] = {}

    async def of(self, user_id: str) -> AccountSettings:
        known = self._known.get(user_id)
        if known is not None and self._monotonic() - known[1] < self._max_age_s:
            return known[0]
        async with self._storage.begin() as uow:
            stored = await uow.settings.get(user_id)
        settings = stored or AccountSettings.defaults(user_id, self._default_policy)
        self._known[user_id] = (settings, self._monotonic())
        return settings

    def forget(self, user_id: str) -> None:
        self._known.pop(user_id, None)


@dataclass(frozen=True, slots=True)
class GetSettings:
    rules: AccountRules

    async def execute(self, user_id: str) -> AccountSettings:
        return await self.rules.of(user_id)


UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class SettingsChanges:
    """Only the fields given change; `quiet_hours=None` removes the window."""

    time_zone: str = UNSET
    quiet_hours: QuietHours | None = UNSET
    rate_per_minute: int = UNSET
    burst: int = UNSET
    blocked_words: tuple[str, ...] = UNSET

    @property
    def given(self) -> dict[str, Any]:
        names = ("time_zone", "quiet_hours", "rate_per_minute", "burst", "blocked_words")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not UNSET}


@dataclass(frozen=True, slots=True)
class UpdateSettings:
    storage: SettingsStorage
    rules: AccountRules
    clock: Clock

    async def execute(self, user_id: str, changes: SettingsChanges) -> AccountSettings:
        current = await self.rules.of(user_id)
        given = changes.given
        updated = replace(current, **given, updated_at=self.clock.now())
        updated.validate(given)
        async with self.storage.begin() as uow:
            await uow.settings.put(updated)
        self.rules.forget(user_id)
        return updated
