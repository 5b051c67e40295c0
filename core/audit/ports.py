"""What the audit log needs of storage: append and read back, never change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.audit.records import AuditEntry, AuditQuery
from core.paging import Page
from core.ports import Storage


class AuditRepository(Protocol):
    async def add(self, entries: Sequence[AuditEntry]) -> None: ...

    async def list(self, account: str, query: AuditQuery) -> Page[AuditEntry]:
        """Newest first, with the total."""
        ...


class AuditStore(Protocol):
    audit: AuditRepository


AuditStorage = Storage[AuditStore]
