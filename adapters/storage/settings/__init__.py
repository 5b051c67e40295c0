"""Account settings in SQL."""

from adapters.storage.settings.repository import SqlAlchemySettingsRepository

__all__ = ["SqlAlchemySettingsRepository"]
