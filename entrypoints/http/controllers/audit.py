"""The audit log: who did what in the account, newest first."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from core.audit import MAX_ACTION_LENGTH, MAX_MEMBER_LENGTH, AuditQuery, ListAudit
from entrypoints.http.controllers.params import Limit, Offset
from entrypoints.http.schemas import NO_NUL
from entrypoints.http.schemas.audit import AuditEntryView, AuditPage

Member = Annotated[
    str | None,
    QueryParameter(
        description="Only what this member (a user id) did.",
        max_length=MAX_MEMBER_LENGTH,
        pattern=NO_NUL,
    ),
]
Action = Annotated[
    str | None,
    QueryParameter(
        description="Only this action, e.g. `message.send` or `campaign.pause`.",
        max_length=MAX_ACTION_LENGTH,
        pattern=NO_NUL,
    ),
]


@get("/api/crm/audit", tags=["crm"], operation_id="listAudit")
async def audit_log(
    request: Request[str, Any, Any],
    list_audit: NamedDependency[ListAudit],
    limit: Limit = 50,
    offset: Offset = 0,
    member: Member = None,
    action: Action = None,
) -> AuditPage:
    """The account's audit log, newest first, with the total the filters keep: sends, campaign
    control, imports, fan changes and deletions, purchases credited (README, "Audit log").
    Entries hold ids, counts and field names, never a message's text, a token or a password."""
    query = AuditQuery(limit, offset, member, action)
    page = await list_audit.execute(request.user, query)
    items = [AuditEntryView.of(entry) for entry in page.items]
    return AuditPage(items=items, total=page.total, limit=limit, offset=offset)
