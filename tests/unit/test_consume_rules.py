"""The consumer's pure rules, pinned at their edges: what a loaded row means for its envelope
(triage), and what a delivery's result leaves on the row (settle)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from core.fans.records import Platform
from core.messaging.config import MessagingConfig
from core.messaging.ports import Throttled, TransientFailure
from core.messaging.records import (
    Deliverable,
    Direction,
    Envelope,
    Message,
    MessageStatus,
    Outbound,
)
from core.messaging.settle import Claimed, settle
from core.messaging.triage import Deferral, triage

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def sending_row(lease_until: datetime | None, attempts: int = 0) -> tuple[Envelope, Deliverable]:
    message = Message(
        id=uuid4(), user_id="creator-a", conversation_id=1, fan_id=7, direction=Direction.OUT,
        text="hi", status=MessageStatus.SENDING, created_at=NOW, attempts=attempts,
        lease_until=lease_until,
    )  # fmt: skip
    outbound = Outbound(message.id, "creator-a", Platform.ONLYFANS, "alice", "hi")
    return Envelope.for_message(message), Deliverable(message, outbound)


def test_a_live_lease_defers_the_envelope_until_it_runs_out():
    envelope, row = sending_row(NOW + timedelta(seconds=30))
    sorted_out = triage([envelope], {(envelope.user_id, envelope.message_id): row}, NOW)
    assert sorted_out.deferrals == [Deferral(0, envelope, 30.0, "leased")]
    assert sorted_out.to_send == []


def test_a_lease_that_runs_out_now_is_taken_over():
    envelope, row = sending_row(NOW)
    sorted_out = triage([envelope], {(envelope.user_id, envelope.message_id): row}, NOW)
    assert (sorted_out.deferrals, sorted_out.to_send) == ([], [(0, row)])


def test_a_throttled_delivery_retries_after_the_platforms_wait_without_spending_an_attempt():
    envelope, row = sending_row(NOW, attempts=1)
    settled = settle([Claimed(0, envelope, row)], [Throttled(42.0)], MessagingConfig())
    (retry,) = settled.retries
    assert (retry.copy.wait_s, retry.copy.reason, retry.copy.envelope.attempt) == (
        42.0,
        "throttled",
        1,
    )
    assert (retry.outcome.status, retry.outcome.error) == (
        MessageStatus.QUEUED,
        "throttled by the platform",
    )


def test_transient_failures_back_off_doubling_from_the_base():
    config = MessagingConfig(retry_base_s=3, max_attempts=4)
    retries = []
    for attempts in (0, 1, 2):
        envelope, row = sending_row(NOW, attempts=attempts)
        settled = settle([Claimed(0, envelope, row)], [TransientFailure("503")], config)
        retries.append(settled.retries[0].copy)
    assert [(r.wait_s, r.reason) for r in retries] == [
        (3, "transient"),
        (6, "transient"),
        (12, "transient"),
    ]
