"""The consumer: one batch of envelopes through the send bucket to the delivery gateway.

Per envelope: duplicate check, bucket, deferral by re-enqueue with a delay,
claim, deliver, record the outcome, back off transient failures up to `max_attempts`.
Each envelope gets True (done: acknowledge it) or False (leave it: the queue brings it back).
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Sequence
from datetime import timedelta

from core.logcontext import log_context
from core.messaging.config import MessagingConfig
from core.messaging.gate import SendGate, lane_of
from core.messaging.ports import (
    MAX_DELAY_S,
    Delivered,
    DeliveryGateway,
    DeliveryResult,
    MessageQueue,
    MessagingStorage,
    PermanentFailure,
    Throttled,
    TransientFailure,
)
from core.messaging.records import FINISHED_STATUSES, Envelope, Message, MessageStatus, Outbound
from core.ports import Clock, Metrics, RateLimiter
from core.settings import AccountRules

log = logging.getLogger(__name__)
# What a row of a paused or cancelled campaign (by the campaign's status) becomes when its
# envelope arrives. Messaging reads a campaign only through this; core.campaigns sits above it.
STOPPED_CAMPAIGNS = {"paused": MessageStatus.HELD, "cancelled": MessageStatus.CANCELLED}


class ConsumeEnvelopes:
    def __init__(
        self,
        storage: MessagingStorage,
        queue: MessageQueue,
        limiter: RateLimiter,
        gateway: DeliveryGateway,
        metrics: Metrics,
        clock: Clock,
        config: MessagingConfig,
        gate: SendGate | None = None,
        rng: random.Random | None = None,
    ) -> None:
        # Without one given, the account rules are read from this storage without sharing a cache.
        self._gate = gate or SendGate(
            limiter, AccountRules(storage, config.send_policy), metrics, clock, config
        )
        self._storage = storage
        self._queue = queue
        self._limiter = limiter
        self._gateway = gateway
        self._metrics = metrics
        self._clock = clock
        self._config = config
        self._rng = rng or random.Random()

    async def execute(self, envelopes: Sequence[Envelope]) -> list[bool]:
        # Once a creator's lane is denied, the rest of that lane's envelopes in this batch wait
        # as long. Replies and single sends are taken first: they must not queue behind a
        # campaign's envelopes that arrived in the same batch.
        denied: dict[tuple[str, int], float] = {}
        outcomes: dict[int, bool] = {}
        for i in sorted(range(len(envelopes)), key=lambda i: lane_of(envelopes[i])):
            with log_context(message_id=str(envelopes[i].message_id)):
                outcomes[i] = await self._one(envelopes[i], denied)
        return [outcomes[i] for i in range(len(envelopes))]

    async def _one(self, envelope: Envelope, denied: dict[tuple[str, int], float]) -> bool:
        try:
            return await self._process(envelope, denied)
        except Exception:
            log.exception("envelope processing failed; the queue will bring it back")
            return False

    async def _process(self, envelope: Envelope, denied: dict[tuple[str, int], float]) -> bool:
        lane = (envelope.user_id, lane_of(envelope))
        if lane in denied:
            # The lane was denied earlier in this batch: wait without loading the row, each one
            # an interval after the last, so they come back about when tokens will be there.
            denied[lane] += await self._gate.interval_s(envelope.user_id)
            return await self._defer(envelope, denied[lane], "rate_limited")
        loaded = await self._load(envelope)
        if loaded is None:
            # Its fan (and with it the message) was deleted: nothing left to send.
            self._metrics.increment("onlyfans.message.dropped")
            log.warning("envelope names no stored message; dropped")
            return True
        message, outbound, campaign = loaded
        if message.status in FINISHED_STATUSES or message.status is MessageStatus.HELD:
            # A held row goes out again only through resume, which relays a new envelope.
            self._metrics.increment("onlyfans.message.duplicate")
            log.info("duplicate envelope acknowledged", extra={"status": str(message.status)})
            return True
        if campaign in STOPPED_CAMPAIGNS and message.status is not MessageStatus.SENDING:
            return await self._stop(envelope, message, STOPPED_CAMPAIGNS[campaign])
        now = self._clock.now()
        if (
            message.status is MessageStatus.SENDING
            and message.lease_until
            and message.lease_until > now
        ):
            return await self._defer(
                envelope, (message.lease_until - now).total_seconds(), "leased"
            )
        waiting = await self._gate.wait_s(envelope)
        if waiting is not None:
            denied[lane] = waiting[0]
            return await self._defer(envelope, waiting[0], waiting[1])
        lease_until = now + timedelta(seconds=self._config.lease_s)
        async with self._storage.begin() as uow:
            claimed = await uow.messages.claim(message.user_id, message.id, now, lease_until)
        if not claimed:
            log.info("message taken by another consumer; acknowledged")
            return True
        return await self._deliver(envelope, message, outbound)

    async def _load(self, envelope: Envelope) -> tuple[Message, Outbound, str | None] | None:
        campaign = None
        async with self._storage.begin() as uow:
            message = await uow.messages.get(envelope.user_id, envelope.message_id)
            fan = await uow.fans.get(envelope.user_id, envelope.fan_id) if message else None
            if message is not None and message.campaign_id is not None:
                campaign = await uow.campaigns.get(message.user_id, message.campaign_id)
        if message is None or fan is None:
            return None
        outbound = Outbound(
            message.id,
            message.user_id,
            fan.platform,
            fan.handle,
            message.text,
            message.media_urls,
            message.price_cents,
        )
        return message, outbound, campaign.status if campaign else None

    async def _stop(self, envelope: Envelope, message: Message, status: MessageStatus) -> bool:
        """The campaign is paused (the row is held until resumed) or cancelled: acknowledge."""
        user_id, now = message.user_id, self._clock.now()
        async with self._storage.begin() as uow:
            if status is MessageStatus.HELD:
                stopped = await uow.messages.hold_while_paused(
                    user_id, message.id, message.status, now
                )
            else:  # cancelled is final: no race to lose
                stopped = await uow.messages.set_status(
                    user_id, message.id, status, now, only_from=message.status
                )
        if status is MessageStatus.HELD and not stopped:
            # Resumed since the campaign was read: a row held now would never be relayed again.
            return await self._defer(envelope, 0, "resumed")
        self._metrics.increment("onlyfans.message.stopped", status=status.value)
        log.info("campaign stopped; envelope acknowledged", extra={"status": status.value})
        return True

    async def _deliver(self, envelope: Envelope, message: Message, outbound: Outbound) -> bool:
        started = time.perf_counter()
        try:
            result: DeliveryResult = await self._gateway.deliver(outbound)
        except Exception as exc:
            result = TransientFailure(f"gateway error: {exc}")
        self._metrics.timing("onlyfans.processing.time", (time.perf_counter() - started) * 1000)
        attempts = message.attempts + 1
        match result:
            case Delivered():
                await self._finish(message, MessageStatus.SENT, attempts, None)
                self._metrics.increment("onlyfans.message.processed")
                log.info("message sent", extra={"attempts": attempts})
                return True
            case Throttled(retry_after_s):
                # The platform pushed back: not the message's fault, so no attempt is spent.
                return await self._requeue(
                    envelope,
                    message,
                    message.attempts,
                    retry_after_s,
                    "throttled",
                    "throttled by the platform",
                )
            case TransientFailure(reason) if attempts < self._config.max_attempts:
                backoff = self._config.retry_base_s * 2 ** (attempts - 1)
                return await self._requeue(
                    envelope, message, attempts, backoff, "transient", reason
                )
            case TransientFailure(reason) | PermanentFailure(reason):
                await self._finish(message, MessageStatus.FAILED, attempts, reason)
                self._metrics.increment("onlyfans.message.failed")
                log.warning("message failed", extra={"attempts": attempts, "reason": reason})
                return True
        raise AssertionError(f"unknown delivery result {result!r}")

    async def _finish(
        self, message: Message, status: MessageStatus, attempts: int, error: str | None
    ) -> None:
        async with self._storage.begin() as uow:
            await uow.messages.set_status(
                message.user_id,
                message.id,
                status,
                self._clock.now(),
                error=error,
                attempts=attempts,
                only_from=MessageStatus.SENDING,
            )

    async def _requeue(
        self,
        envelope: Envelope,
        message: Message,
        attempts: int,
        delay_s: float,
        kind: str,
        error: str,
    ) -> bool:
        # Enqueue the copy before releasing the row: if the copy fails, the original comes back
        # and finds the row still leased, so nothing is lost and nothing is sent twice.
        copy = Envelope(
            envelope.message_id, envelope.user_id, envelope.fan_id, attempts, envelope.campaign_id
        )
        if not await self._defer(copy, delay_s, kind):
            return False
        async with self._storage.begin() as uow:
            await uow.messages.set_status(
                message.user_id,
                message.id,
                MessageStatus.QUEUED,
                self._clock.now(),
                error=error,
                attempts=attempts,
                only_from=MessageStatus.SENDING,
            )
        return True

    async def _defer(self, envelope: Envelope, wait_s: float, reason: str) -> bool:
        """Re-enqueue a delayed copy and acknowledge the original: waiting costs no receive."""
        delay = min(
            math.ceil(wait_s + self._rng.uniform(0, self._config.max_jitter_s)), MAX_DELAY_S
        )
        try:
            await self._queue.send(envelope, delay_s=delay)
        except Exception:
            log.exception("could not re-enqueue a deferred envelope")
            return False
        self._metrics.increment("onlyfans.message.deferred", reason=reason)
        log.info("deferred", extra={"reason": reason, "delay_s": delay})
        return True
