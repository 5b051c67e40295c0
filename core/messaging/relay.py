"""The outbox relay: put `pending` rows on the queue and mark them `queued`.

A row is written `pending` before anything is enqueued, so a crash in between loses nothing.
Relaying twice is harmless: the consumer is idempotent.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from core.messaging.config import MessagingConfig
from core.messaging.ports import MAX_DELAY_S, MessageQueue, MessagingStorage, SendResult
from core.messaging.records import Envelope, Message, MessageStatus
from core.ports import Clock, Metrics

QUEUE_UNAVAILABLE = "queue_unavailable"


@dataclass(frozen=True, slots=True)
class OutboxRelay:
    storage: MessagingStorage
    queue: MessageQueue
    metrics: Metrics
    clock: Clock
    config: MessagingConfig

    async def relay(
        self,
        messages: Sequence[Message],
        delays_s: Mapping[UUID, int] | None = None,
        *,
        fail_unqueued: bool = True,
    ) -> set[UUID]:
        """Enqueue `messages`; returns the ids that could not be queued (now `failed`, or still
        `pending` without `fail_unqueued`: the sweep leaves them for its next run).

        `delays_s` keeps an envelope invisible until about when its creator's bucket will let
        it through, so a long backlog is not received and deferred over and over meanwhile.
        """
        delays = delays_s or {}
        waiting = list(messages)
        for attempt in range(self.config.enqueue_tries):
            if attempt:
                await asyncio.sleep(self.config.enqueue_backoff_s * 2 ** (attempt - 1))
            results = await self._send(waiting, delays)
            waiting = [m for m, result in zip(waiting, results, strict=True) if not result.ok]
            if not waiting:
                break
        unqueued = {m.id for m in waiting}
        await self._record(messages, unqueued if fail_unqueued else set(), skip=unqueued)
        self.metrics.increment("onlyfans.message.queued", len(messages) - len(unqueued))
        return unqueued

    async def _send(
        self, messages: Sequence[Message], delays: Mapping[UUID, int]
    ) -> list[SendResult]:
        envelopes = [Envelope.for_message(m) for m in messages]
        delays_s = [min(delays.get(m.id, 0), MAX_DELAY_S) for m in messages]
        try:
            if len(envelopes) == 1:
                await self.queue.send(envelopes[0], delays_s[0])
                return [SendResult(ok=True)]
            return await self.queue.send_batch(envelopes, delays_s)
        except Exception as exc:  # the queue is down: every entry failed, the caller retries
            return [SendResult(ok=False, error=str(exc)) for _ in envelopes]

    async def _record(
        self, messages: Sequence[Message], unqueued: set[UUID], skip: set[UUID]
    ) -> None:
        """Queued rows marked `queued`; `unqueued` ones `failed`; the rest of `skip` untouched."""
        queued: dict[str, list[UUID]] = defaultdict(list)
        for message in messages:
            if message.id not in skip:
                queued[message.user_id].append(message.id)
        now = self.clock.now()
        async with self.storage.begin() as uow:
            for user_id, ids in queued.items():
                await uow.outbox.mark_queued(user_id, ids, now)
            for message in messages:
                if message.id in unqueued:
                    await uow.messages.set_status(
                        message.user_id,
                        message.id,
                        MessageStatus.FAILED,
                        now,
                        error=QUEUE_UNAVAILABLE,
                        only_from=MessageStatus.PENDING,
                    )
