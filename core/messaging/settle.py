"""What a delivery's result leaves on its row: sent or failed for good, or a delayed retry.

Pure: a `Settled` names the final outcomes and the retries (a delayed copy of the envelope, then
the row released to `queued`); the consumer sends the copies and records the outcomes together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from core.messaging.config import MessagingConfig
from core.messaging.ports import (
    Delivered,
    DeliveryResult,
    PermanentFailure,
    Throttled,
    TransientFailure,
)
from core.messaging.records import Deliverable, Envelope, MessageStatus, Outcome
from core.messaging.triage import Deferral


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row this consumer holds, by its envelope's place in the batch."""

    index: int
    envelope: Envelope
    row: Deliverable


@dataclass(frozen=True, slots=True)
class Retry:
    """A delivery to try again: its delayed copy goes out first, then the row is released.

    If the copy cannot be sent, the original comes back and finds the row still leased: nothing
    is lost and nothing is sent twice."""

    copy: Deferral
    outcome: Outcome


@dataclass(slots=True)
class Settled:
    finished: dict[int, Outcome] = field(default_factory=dict)  # by batch place
    retries: list[Retry] = field(default_factory=list)


def settle(
    claimed: Sequence[Claimed], results: Sequence[DeliveryResult], config: MessagingConfig
) -> Settled:
    settled = Settled()
    for item, result in zip(claimed, results, strict=True):
        message = item.row.message
        attempts = message.attempts + 1
        match result:
            case Delivered():
                settled.finished[item.index] = _outcome(item, MessageStatus.SENT, attempts)
            case Throttled(retry_after_s):
                # The platform pushed back: not the message's fault, so no attempt is spent.
                why = "throttled by the platform"
                retry = _retry(item, message.attempts, retry_after_s, "throttled", why)
                settled.retries.append(retry)
            case TransientFailure(reason) if attempts < config.max_attempts:
                backoff = config.retry_base_s * 2 ** (attempts - 1)
                settled.retries.append(_retry(item, attempts, backoff, "transient", reason))
            case TransientFailure(reason) | PermanentFailure(reason):
                failed = _outcome(item, MessageStatus.FAILED, attempts, reason)
                settled.finished[item.index] = failed
            case _:
                raise AssertionError(f"unknown delivery result {result!r}")
    return settled


def _outcome(
    item: Claimed, status: MessageStatus, attempts: int, error: str | None = None
) -> Outcome:
    return Outcome(item.row.message.user_id, item.row.message.id, status, attempts, error)


def _retry(item: Claimed, attempts: int, delay_s: float, kind: str, error: str) -> Retry:
    copy = replace(item.envelope, attempt=attempts)
    return Retry(
        Deferral(item.index, copy, delay_s, kind),
        _outcome(item, MessageStatus.QUEUED, attempts, error),
    )
