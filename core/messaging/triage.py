"""What the consumer does with each envelope of a batch once its row is loaded, before the bucket.

Pure: the row's status, its campaign's and its lease decide. Only envelopes left `to_send` cost a
bucket token; every other one is acknowledged at once, stopped, or deferred.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from core.messaging.records import FINISHED_STATUSES, Deliverable, Envelope, MessageStatus

# What a row of a paused or cancelled campaign (by the campaign's status) becomes when its
# envelope arrives. Messaging reads a campaign only through this; core.campaigns sits above it.
STOPPED_CAMPAIGNS = {"paused": MessageStatus.HELD, "cancelled": MessageStatus.CANCELLED}


@dataclass(frozen=True, slots=True)
class Deferral:
    index: int
    envelope: Envelope
    wait_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class Stop:
    index: int
    envelope: Envelope
    row: Deliverable
    status: MessageStatus


@dataclass(slots=True)
class Triage:
    """The envelopes of a batch by what happens to them next; each names its place in the batch."""

    dropped: list[int] = field(default_factory=list)  # no row (its fan was deleted)
    duplicates: list[int] = field(default_factory=list)  # finished or held already
    stops: list[Stop] = field(default_factory=list)
    deferrals: list[Deferral] = field(default_factory=list)
    to_send: list[tuple[int, Deliverable]] = field(default_factory=list)


def triage(
    envelopes: Sequence[Envelope],
    rows: Mapping[tuple[str, UUID], Deliverable],
    now: datetime,
) -> Triage:
    sorted_out = Triage()
    for index, envelope in enumerate(envelopes):
        row = rows.get((envelope.user_id, envelope.message_id))
        if row is None:
            sorted_out.dropped.append(index)
            continue
        message = row.message
        if message.status in FINISHED_STATUSES or message.status is MessageStatus.HELD:
            # A held row goes out again only through resume, which relays a new envelope.
            sorted_out.duplicates.append(index)
        elif (
            row.campaign_status in STOPPED_CAMPAIGNS and message.status is not MessageStatus.SENDING
        ):
            status = STOPPED_CAMPAIGNS[row.campaign_status]
            sorted_out.stops.append(Stop(index, envelope, row, status))
        elif (
            message.status is MessageStatus.SENDING
            and message.lease_until
            and message.lease_until > now
        ):
            wait_s = (message.lease_until - now).total_seconds()
            sorted_out.deferrals.append(Deferral(index, envelope, wait_s, "leased"))
        else:
            sorted_out.to_send.append((index, row))
    return sorted_out


def waves(envelopes: Sequence[Envelope]) -> list[list[int]]:
    """The batch's indexes in runs of distinct messages, in order: a second envelope of a message
    starts the next run.

    At-least-once delivery can put two copies of one envelope in a batch: the later copy must see
    what the first did to the row, and ask the bucket after the envelopes before it, as it would
    one envelope after another.
    """
    split: list[list[int]] = []
    seen: set[UUID] = set()
    for index, envelope in enumerate(envelopes):
        if not split or envelope.message_id in seen:
            split.append([])
            seen = set()
        seen.add(envelope.message_id)
        split[-1].append(index)
    return split
