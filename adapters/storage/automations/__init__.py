"""Automations and their runs in SQL."""

from adapters.storage.automations.repository import SqlAlchemyAutomationRepository
from adapters.storage.automations.runs import SqlAlchemyRunRepository

__all__ = ["SqlAlchemyAutomationRepository", "SqlAlchemyRunRepository"]
