"""Reading the audit log: a page of an account's entries, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from core.audit.ports import AuditStorage
from core.audit.records import MAX_ACTION_LENGTH, AuditEntry, AuditQuery
from core.checks import check_text
from core.paging import Page, check_page

MAX_MEMBER_LENGTH = 128  # a user id, as the actor_id column holds it


@dataclass(frozen=True, slots=True)
class ListAudit:
    storage: AuditStorage

    async def execute(self, account: str, query: AuditQuery) -> Page[AuditEntry]:
        """Newest first, with the total of what the filters keep; another account's entries
        are never counted."""
        check_page(query.limit, query.offset)
        check_text(query.member, "member", MAX_MEMBER_LENGTH)
        check_text(query.action, "action", MAX_ACTION_LENGTH)
        async with self.storage.begin() as uow:
            return await uow.audit.list(account, query)
