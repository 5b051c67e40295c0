"""The consumer: one batch of envelopes through the send bucket to the delivery gateway.

A batch costs a constant number of round trips, however many envelopes it holds: its rows loaded
in one query (triage.py sorts them), the bucket asked for all of them in one pipelined call (one
atomic decision each, in batch order: replies and single sends first), the claims in one
statement, the deliveries run at once (within the process's delivery slots, slots.py), the
delayed copies sent together and the outcomes recorded in one statement (settle.py). Deferral
is a delayed copy, so waiting burns no receive; transient failures back off up to
`max_attempts`. Each envelope gets True (done: acknowledge it) or False (leave it: the queue
brings it back).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from core.logcontext import log_context
from core.messaging.config import MessagingConfig
from core.messaging.gate import SendGate, lane_of
from core.messaging.ports import (
    MAX_DELAY_S,
    DeliveryGateway,
    DeliveryResult,
    MessageQueue,
    MessageRepository,
    MessagingStorage,
    TransientFailure,
)
from core.messaging.records import Deliverable, Envelope, MessageStatus, Outcome
from core.messaging.settle import Claimed, Settled, settle
from core.messaging.slots import DeliverySlots, Reservation
from core.messaging.triage import STOPPED_CAMPAIGNS, Deferral, Stop, triage, waves
from core.planning import Lane
from core.ports import Clock, Metrics, RateLimiter
from core.settings import AccountRules

log = logging.getLogger(__name__)

__all__ = ["STOPPED_CAMPAIGNS", "ConsumeEnvelopes"]

Rows = dict[tuple[str, UUID], Deliverable]
Denied = dict[tuple[str, Lane], float]  # a creator's lane → how long its next envelope waits
ToSend = list[tuple[int, Deliverable]]


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
        self._gateway = gateway
        self._metrics = metrics
        self._clock = clock
        self._config = config
        self._rng = rng or random.Random()
        # Shared by every batch this instance handles at once: the process's bound on deliveries.
        self._slots = DeliverySlots(config.delivery_concurrency)

    async def execute(self, envelopes: Sequence[Envelope]) -> list[bool]:
        # Replies and single sends first: they must not queue behind a campaign's envelopes that
        # arrived in the same batch (core.planning's lanes). Stable: arrival order within a lane.
        order = sorted(range(len(envelopes)), key=lambda i: lane_of(envelopes[i]))
        ordered = [envelopes[i] for i in order]
        done: set[int] = set()
        # Once a creator's lane is denied, the rest of that lane's envelopes in the batch wait.
        denied: Denied = {}
        for wave in waves(ordered):
            finished: set[int] = set()
            try:
                await self._wave([ordered[i] for i in wave], denied, finished)
            except Exception:
                log.exception("batch processing failed; the queue will bring back the rest")
            done.update(order[wave[i]] for i in finished)
        return [i in done for i in range(len(envelopes))]

    async def _wave(self, envelopes: list[Envelope], denied: Denied, done: set[int]) -> None:
        """Envelopes of distinct messages; the place of each one finished with goes in `done`."""
        rows = await self._load(envelopes)
        sorted_out = triage(envelopes, rows, self._clock.now())
        for i in sorted_out.dropped:
            # Its fan (and with it the message) was deleted: nothing left to send.
            self._note(envelopes[i], "onlyfans.message.dropped", "names no message; dropped")
        for i in sorted_out.duplicates:
            self._note(envelopes[i], "onlyfans.message.duplicate", "duplicate acknowledged")
        done.update([*sorted_out.dropped, *sorted_out.duplicates])
        deferrals, (stopped, resumed) = await asyncio.gather(
            self._send(envelopes, sorted_out.to_send, denied, done),
            self._stop(sorted_out.stops),
        )
        done.update(stopped)
        deferrals = [*sorted_out.deferrals, *deferrals, *resumed]
        sent = await self._send_copies(deferrals)
        done.update(d.index for d in deferrals if d.index in sent)

    async def _load(self, envelopes: Sequence[Envelope]) -> Rows:
        """The batch's rows with their fans and campaigns, in one query."""
        async with self._storage.begin() as uow:
            loaded = await uow.messages.get_deliverable(
                {(e.user_id, e.message_id) for e in envelopes}
            )
        return {(row.message.user_id, row.message.id): row for row in loaded}

    async def _send(
        self, envelopes: list[Envelope], to_send: ToSend, denied: Denied, done: set[int]
    ) -> list[Deferral]:
        """Bucket, claim, deliver and record, in rounds of as many as the process has delivery
        slots free; the envelopes the bucket turned away, to defer."""
        deferrals: list[Deferral] = []
        pending = list(to_send)
        while pending:
            deferrals += [
                await self._after_denial(envelopes[i], i, denied)
                for i, _ in pending
                if _lane(envelopes[i]) in denied
            ]
            pending = [(i, row) for i, row in pending if _lane(envelopes[i]) not in denied]
            if not pending:
                break
            reservation = await self._slots.reserve(len(pending))
            asking, pending = pending[: reservation.held], pending[reservation.held :]
            try:
                granted, refused = await self._ask_bucket(envelopes, asking, denied)
                deferrals += refused
                claimed = await self._claim(envelopes, granted)
                await reservation.release(len(asking) - len(claimed))
                done.update({i for i, _ in granted} - {c.index for c in claimed})
                results = await asyncio.gather(*(self._deliver(c, reservation) for c in claimed))
            finally:
                await reservation.release_all()
            # Recorded before the next round: a crash repeats no more than one round's deliveries.
            await self._settle(claimed, results, done)
        return deferrals

    async def _settle(
        self, claimed: list[Claimed], results: list[DeliveryResult], done: set[int]
    ) -> None:
        """Retries' delayed copies sent, then every outcome recorded in one statement."""
        settled = settle(claimed, results, self._config)
        self._count(claimed, settled)
        sent = await self._send_copies([r.copy for r in settled.retries])
        released = [r for r in settled.retries if r.copy.index in sent]
        await self._record([*settled.finished.values(), *(r.outcome for r in released)])
        done.update([*settled.finished, *(r.copy.index for r in released)])

    async def _after_denial(self, envelope: Envelope, index: int, denied: Denied) -> Deferral:
        # Denied earlier in this batch: each waits an interval after the last, so they come back
        # about when tokens will be there.
        lane = _lane(envelope)
        denied[lane] += await self._gate.interval_s(envelope.user_id)
        return Deferral(index, envelope, denied[lane], "rate_limited")

    async def _ask_bucket(
        self, envelopes: list[Envelope], asking: ToSend, denied: Denied
    ) -> tuple[ToSend, list[Deferral]]:
        """Quiet hours, then a token for each in batch order in one call (SendGate): those
        granted, and those deferred."""
        if not asking:
            return [], []
        waits = await self._gate.wait_many([envelopes[i] for i, _ in asking])
        granted: ToSend = []
        refused: list[Deferral] = []
        for (index, row), wait in zip(asking, waits, strict=True):
            lane = _lane(envelopes[index])
            if wait is None:
                granted.append((index, row))
            elif lane in denied:
                refused.append(await self._after_denial(envelopes[index], index, denied))
            else:
                wait_s, reason = wait
                if reason == "rate_limited":
                    denied[lane] = wait_s
                refused.append(Deferral(index, envelopes[index], wait_s, reason))
        return granted, refused

    async def _claim(self, envelopes: list[Envelope], granted: ToSend) -> list[Claimed]:
        """The granted rows taken in one statement; one another consumer holds is acknowledged."""
        if not granted:
            return []
        now = self._clock.now()
        lease_until = now + timedelta(seconds=self._config.lease_s)
        keys = {(row.message.user_id, row.message.id) for _, row in granted}
        async with self._storage.begin() as uow:
            taken = await uow.messages.claim_many(keys, now, lease_until)
        for _, row in granted:
            if row.message.id not in taken:
                with log_context(message_id=str(row.message.id)):
                    log.info("message taken by another consumer; acknowledged")
        return [Claimed(i, envelopes[i], row) for i, row in granted if row.message.id in taken]

    async def _deliver(self, claimed: Claimed, reservation: Reservation) -> DeliveryResult:
        started = time.perf_counter()
        try:
            result: DeliveryResult = await self._gateway.deliver(claimed.row.outbound)
        except Exception as exc:
            result = TransientFailure(f"gateway error: {exc}")
        finally:
            await reservation.release()
        self._metrics.timing("onlyfans.processing.time", (time.perf_counter() - started) * 1000)
        return result

    def _count(self, claimed: list[Claimed], settled: Settled) -> None:
        for item in claimed:
            outcome = settled.finished.get(item.index)
            if outcome is None:
                continue  # a retry: counted as deferred once its copy is sent
            with log_context(message_id=str(outcome.message_id)):
                if outcome.status is MessageStatus.SENT:
                    self._metrics.increment("onlyfans.message.processed")
                    log.info("message sent", extra={"attempts": outcome.attempts})
                else:
                    self._metrics.increment("onlyfans.message.failed")
                    extra = {"attempts": outcome.attempts, "reason": outcome.error}
                    log.warning("message failed", extra=extra)

    async def _stop(self, stops: list[Stop]) -> tuple[list[int], list[Deferral]]:
        """Rows of paused campaigns held until resumed, of cancelled ones cancelled: the places
        of those stopped (acknowledged), and a deferral for each one resumed since its campaign
        was read (a row held now would never be relayed again: it goes round once more)."""
        if not stops:
            return [], []
        now = self._clock.now()
        async with self._storage.begin() as uow:
            moved = [await _stop_one(uow.messages, stop, now) for stop in stops]
        stopped, resumed = [], []
        for stop, was_stopped in zip(stops, moved, strict=True):
            if not was_stopped:
                resumed.append(Deferral(stop.index, stop.envelope, 0, "resumed"))
                continue
            stopped.append(stop.index)
            self._metrics.increment("onlyfans.message.stopped", status=stop.status.value)
            with log_context(message_id=str(stop.envelope.message_id)):
                log.info("campaign stopped; envelope acknowledged", extra={"status": stop.status})
        return stopped, resumed

    async def _send_copies(self, deferrals: Sequence[Deferral]) -> set[int]:
        """A delayed copy of each re-enqueued, together: the batch places of those sent, whose
        originals are then acknowledged (waiting costs no receive)."""
        if not deferrals:
            return set()
        jitter = self._config.max_jitter_s
        delays = [
            min(math.ceil(d.wait_s + self._rng.uniform(0, jitter)), MAX_DELAY_S) for d in deferrals
        ]
        try:
            results = await self._queue.send_batch([d.envelope for d in deferrals], delays)
        except Exception:
            log.exception("could not re-enqueue deferred envelopes")
            return set()
        sent = set()
        for deferral, delay, result in zip(deferrals, delays, results, strict=True):
            with log_context(message_id=str(deferral.envelope.message_id)):
                if not result.ok:
                    log.error(
                        "could not re-enqueue a deferred envelope", extra={"error": result.error}
                    )
                    continue
                sent.add(deferral.index)
                self._metrics.increment("onlyfans.message.deferred", reason=deferral.reason)
                log.info("deferred", extra={"reason": deferral.reason, "delay_s": delay})
        return sent

    async def _record(self, outcomes: list[Outcome]) -> None:
        if outcomes:
            async with self._storage.begin() as uow:
                await uow.messages.record_outcomes(outcomes, self._clock.now())

    def _note(self, envelope: Envelope, metric: str, message: str) -> None:
        self._metrics.increment(metric)
        with log_context(message_id=str(envelope.message_id)):
            log.info(message)


async def _stop_one(messages: MessageRepository, stop: Stop, now: datetime) -> bool:
    message = stop.row.message
    if stop.status is MessageStatus.HELD:
        return await messages.hold_while_paused(message.user_id, message.id, message.status, now)
    # Cancelled is final: there is no race to lose.
    await messages.set_status(
        message.user_id, message.id, stop.status, now, only_from=message.status
    )
    return True


def _lane(envelope: Envelope) -> tuple[str, Lane]:
    return envelope.user_id, lane_of(envelope)
