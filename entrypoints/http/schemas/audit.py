"""The answer of GET /api/crm/audit: a page of the account's audit log, newest first."""

from __future__ import annotations

from datetime import datetime

from core.audit import AuditEntry
from entrypoints.http.schemas import Schema
from entrypoints.http.schemas.authors import AuthorView


class AuditEntryView(Schema):
    """Who (`actor`) did what (`action`, e.g. `message.send`, `campaign.pause`) to which row
    (`target`, an id) and when; `detail` holds ids, counts and field names, never a message's
    text, a note, a token or a password."""

    id: int
    at: datetime
    actor: AuthorView
    action: str
    target: str | None
    detail: dict[str, str | int | bool | None]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryView:
        assert entry.id is not None  # read back from storage
        return cls(
            id=entry.id,
            at=entry.at,
            actor=AuthorView.of(entry.actor),
            action=entry.action,
            target=entry.target,
            detail=dict(entry.detail),
        )


class AuditPage(Schema):
    items: list[AuditEntryView]
    total: int
    limit: int
    offset: int
