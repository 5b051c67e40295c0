"""The identity events the audit log keeps: ids and short facts, never a password or a token."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.accounts import Author
from core.audit import AuditEntry, Detail


def in_each(
    accounts: Iterable[str],
    at: datetime,
    actor: Author,
    action: str,
    target: str | None = None,
    detail: Detail | None = None,
) -> list[AuditEntry]:
    """The same event in every account it concerns (a sign-in, in each account of the person)."""
    return [
        AuditEntry(account, at, actor, action, target, dict(detail or {})) for account in accounts
    ]
