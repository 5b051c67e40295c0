"""Retrying a failed message: back to `pending` with a fresh attempt count, then relayed."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from core.errors import Conflict, NotFound, Unavailable
from core.messaging.config import MessagingConfig
from core.messaging.relay import OutboxRelay
from core.models import Message, MessageStatus
from core.ports import Clock, Storage


class RetryFailedMessage:
    def __init__(
        self, storage: Storage, relay: OutboxRelay, clock: Clock, config: MessagingConfig
    ) -> None:
        self._storage = storage
        self._relay = relay
        self._clock = clock
        self._config = config

    async def execute(self, user_id: str, message_id: UUID) -> Message:
        self._config.ensure_enabled()
        async with self._storage.begin() as uow:
            message = await uow.messages.get(user_id, message_id)
            if message is None:
                raise NotFound(f"message {message_id} not found")
            moved = await uow.messages.set_status(
                user_id,
                message_id,
                MessageStatus.PENDING,
                self._clock.now(),
                attempts=0,
                only_from=MessageStatus.FAILED,
            )
            if not moved:
                raise Conflict(
                    f"message {message_id} is {message.status}, only a failed one can be retried"
                )
        pending = replace(message, status=MessageStatus.PENDING, attempts=0, error=None)
        if await self._relay.relay([pending]):
            raise Unavailable("the queue is unreachable; the message is still failed")
        return replace(pending, status=MessageStatus.QUEUED)
