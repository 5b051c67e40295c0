"""The audit log: an append-only record of who did what in an account."""

from core.audit.ports import AuditRepository, AuditStorage, AuditStore
from core.audit.records import MAX_ACTION_LENGTH, MAX_TARGET_LENGTH, AuditEntry, AuditQuery

__all__ = [
    "MAX_ACTION_LENGTH",
    "MAX_TARGET_LENGTH",
    "AuditEntry",
    "AuditQuery",
    "AuditRepository",
    "AuditStorage",
    "AuditStore",
]
