"""The audit log: an append-only record of who did what in an account."""

from core.audit.ports import AuditRepository, AuditStorage, AuditStore
from core.audit.records import (
    MAX_ACTION_LENGTH,
    MAX_TARGET_LENGTH,
    AuditEntry,
    AuditQuery,
    Detail,
    field_list,
)
from core.audit.use_cases import MAX_MEMBER_LENGTH, ListAudit

__all__ = [
    "MAX_ACTION_LENGTH",
    "MAX_MEMBER_LENGTH",
    "MAX_TARGET_LENGTH",
    "AuditEntry",
    "AuditQuery",
    "AuditRepository",
    "AuditStorage",
    "AuditStore",
    "Detail",
    "ListAudit",
    "field_list",
]
