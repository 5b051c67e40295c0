"""Taking a message back: one not sent yet is cancelled; one sent that the fan has not read is
taken back from the platform through the delivery gateway; one the fan has read stays (409).

The gateway's answers map as for deliveries: ok → `unsent`; throttled or a transient failure
→ Unavailable (503) and nothing changes, so the caller may try again; a permanent refusal →
Conflict (409) with the bridge's reason, and the message stays `sent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from core.accounts import Author
from core.errors import Conflict, Unavailable, found
from core.messaging.audited import acted_on
from core.messaging.ports import (
    DeliveryGateway,
    MessagingStorage,
    PermanentFailure,
    Throttled,
    TransientFailure,
)
from core.messaging.records import Direction, Message, MessageStatus
from core.ports import Clock

# Not sent yet: still ours to cancel (a `sending` row is in the gateway's hands right now).
NOT_SENT_YET = frozenset(
    {MessageStatus.SCHEDULED, MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.HELD}
)


@dataclass(frozen=True, slots=True)
class UnsendMessage:
    storage: MessagingStorage
    gateway: DeliveryGateway
    clock: Clock

    async def execute(self, user_id: str, message_id: UUID, *, actor: Author) -> Message:
        """`actor` is recorded in the audit log, in the transaction that moves the message."""
        message = await self._get(user_id, message_id)
        if message.direction is Direction.IN:
            raise Conflict(f"message {message_id} is inbound: only what was sent can be unsent")
        if message.status in NOT_SENT_YET:
            return await self._cancel(message, actor)
        if message.status is not MessageStatus.SENT:
            raise Conflict(f"message {message_id} is {message.status}: nothing to unsend")
        if message.read_at is not None:
            raise Conflict(f"message {message_id} was read by the fan: it cannot be unsent")
        return await self._take_back(message, actor)

    async def _get(self, user_id: str, message_id: UUID) -> Message:
        async with self.storage.begin() as uow:
            return found(await uow.messages.get(user_id, message_id), "message", message_id)

    async def _cancel(self, message: Message, actor: Author) -> Message:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            moved = await uow.messages.set_status(
                message.user_id, message.id, MessageStatus.CANCELLED, now,
                only_from=message.status,
            )  # fmt: skip
            if moved:
                entry = acted_on(message, actor, "message.unsend", now, outcome="cancelled")
                await uow.audit.add([entry])
        if not moved:  # relayed or delivered meanwhile: its new state decides
            raise Conflict(f"message {message.id} changed meanwhile; ask again")
        return await self._get(message.user_id, message.id)

    async def _take_back(self, message: Message, actor: Author) -> Message:
        async with self.storage.begin() as uow:
            fan = await uow.fans.get(message.user_id, message.fan_id)
        if fan is None:
            raise Conflict(f"message {message.id}: its fan is gone")
        result = await self.gateway.unsend(message.id, message.user_id, fan.platform, fan.handle)
        if isinstance(result, Throttled | TransientFailure):
            reason = "throttled" if isinstance(result, Throttled) else result.reason
            raise Unavailable(f"the platform bridge could not unsend it now ({reason}); try again",
                              detail={"messageId": str(message.id)})  # fmt: skip
        if isinstance(result, PermanentFailure):
            raise Conflict(f"the platform bridge refused to unsend it: {result.reason}")
        now = self.clock.now()
        async with self.storage.begin() as uow:
            if await uow.messages.set_status(
                message.user_id, message.id, MessageStatus.UNSENT, now,
                only_from=MessageStatus.SENT,
            ):  # fmt: skip
                entry = acted_on(message, actor, "message.unsend", now, outcome="unsent")
                await uow.audit.add([entry])
        return await self._get(message.user_id, message.id)
