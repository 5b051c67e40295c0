"""The identity events the audit log keeps: ids and short facts, never a password or a token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from core.accounts import Author
from core.audit import AuditEntry

Detail = Mapping[str, str | int | bool | None]


def entry(
    account: str,
    at: datetime,
    actor: Author,
    action: str,
    target: str | None = None,
    detail: Detail | None = None,
) -> AuditEntry:
    return AuditEntry(account, at, actor, action, target, dict(detail or {}))


def in_each(
    accounts: Iterable[str],
    at: datetime,
    actor: Author,
    action: str,
    target: str | None = None,
    detail: Detail | None = None,
) -> list[AuditEntry]:
    """The same event in every account it concerns (a sign-in, in each account of the person)."""
    return [entry(account, at, actor, action, target, detail) for account in accounts]
