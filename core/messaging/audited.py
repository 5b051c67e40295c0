"""What messaging writes to the audit log, in the transaction of what it records: ids and
counts, never a message's text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.accounts import Author
from core.audit import AuditEntry, Detail
from core.messaging.records import Message


def sends(
    messages: Sequence[Message], now: datetime, *, batch: bool, asked: int
) -> list[AuditEntry]:
    """A single send (or a scheduled one) is an entry naming its message; a batch is one entry
    with its counts (`asked` items, the messages written of them, those scheduled)."""
    if not messages:
        return []
    if not batch:
        return [_send(m, now) for m in messages]
    first = messages[0]
    detail: Detail = {
        "count": len(messages),
        "scheduled": sum(1 for m in messages if m.send_at is not None),
        "refused": asked - len(messages),
    }
    return [AuditEntry(first.user_id, now, _author(first), "message.send_batch", None, detail)]


def _send(message: Message, now: datetime) -> AuditEntry:
    scheduled = message.send_at is not None
    detail: Detail = {
        "fanId": message.fan_id,
        "conversationId": message.conversation_id,
    }
    if message.send_at is not None:
        detail["sendAt"] = message.send_at.isoformat()
    action = "message.schedule" if scheduled else "message.send"
    return AuditEntry(message.user_id, now, _author(message), action, str(message.id), detail)


def acted_on(
    message: Message, actor: Author, action: str, now: datetime, **detail: str
) -> AuditEntry:
    """`actor` did `action` (retry, unsend) to `message`."""
    facts: Detail = {"fanId": message.fan_id, **detail}
    return AuditEntry(message.user_id, now, actor, action, str(message.id), facts)


def _author(message: Message) -> Author:
    assert message.author is not None  # every message the writer makes has one
    return message.author
