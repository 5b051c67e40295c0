"""Retrying a failed message: back to `pending` with a fresh attempt count, then relayed. It
keeps its author: whoever retries it is the audit entry's actor, not its sender."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from core.accounts import Author
from core.errors import Conflict, Unavailable, found
from core.messaging.audited import acted_on
from core.messaging.config import MessagingConfig
from core.messaging.ports import MessagingStorage
from core.messaging.records import Message, MessageStatus
from core.messaging.relay import OutboxRelay
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class RetryFailedMessage:
    storage: MessagingStorage
    relay: OutboxRelay
    clock: Clock
    config: MessagingConfig

    async def execute(self, user_id: str, message_id: UUID, *, actor: Author) -> Message:
        self.config.ensure_enabled()
        now = self.clock.now()
        async with self.storage.begin() as uow:
            message = found(await uow.messages.get(user_id, message_id), "message", message_id)
            moved = await uow.messages.set_status(
                user_id,
                message_id,
                MessageStatus.PENDING,
                now,
                attempts=0,
                only_from=MessageStatus.FAILED,
            )
            if not moved:
                raise Conflict(
                    f"message {message_id} is {message.status}, only a failed one can be retried"
                )
            await uow.audit.add([acted_on(message, actor, "message.retry", now)])
        pending = replace(message, status=MessageStatus.PENDING, attempts=0, error=None)
        if await self.relay.relay([pending]):
            raise Unavailable("the queue is unreachable; the message is still failed")
        return replace(pending, status=MessageStatus.QUEUED)
