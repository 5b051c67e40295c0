"""What account settings need of storage."""

from __future__ import annotations

from typing import Protocol

from core.ports import Storage
from core.settings.records import AccountSettings


class SettingsRepository(Protocol):
    async def get(self, user_id: str) -> AccountSettings | None:
        """None when the account never changed its settings (it has the defaults)."""
        ...

    async def put(self, settings: AccountSettings) -> None: ...


class SettingsStore(Protocol):
    settings: SettingsRepository


SettingsStorage = Storage[SettingsStore]
