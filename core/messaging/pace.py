"""A campaign's own, slower rate: its rows spaced at least one of its intervals apart.

The account's bucket still holds for everything together (the planner and the consumer); this
only pushes a slow campaign's rows later. The sweep relays each row delayed until its slot, and
fetches no more of the campaign's rows than have a slot within its horizon, so a slow campaign
leaves room for the creator's other campaigns.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime, timedelta

from core.messaging.ports import CampaignPace
from core.messaging.records import Message


def interval_of(rate_per_minute: int) -> timedelta:
    return timedelta(minutes=1) / rate_per_minute


def first_slot(pace: CampaignPace, now: datetime) -> datetime:
    """The next free slot: one interval after its latest delivery, behind its rows on the
    queue (each holding a slot of its own)."""
    interval = interval_of(pace.rate_per_minute)
    after_last = now if pace.last_sent_at is None else pace.last_sent_at + interval
    return max(now, after_last) + pace.on_queue * interval


def slots_within(pace: CampaignPace, now: datetime, horizon: timedelta) -> int:
    """How many of the campaign's rows have a slot before `now + horizon`."""
    start, interval = first_slot(pace, now), interval_of(pace.rate_per_minute)
    if start > now + horizon:
        return 0
    return (now + horizon - start) // interval + 1


def paced(
    planned: dict[Hashable, datetime],
    rows: Sequence[Message],
    paces: Sequence[CampaignPace],
    now: datetime,
) -> dict[Hashable, datetime]:
    """`planned` with each paced campaign's rows moved to its slots when those are later."""
    result = dict(planned)
    for pace in paces:
        slot, interval = first_slot(pace, now), interval_of(pace.rate_per_minute)
        for row in (m for m in rows if m.campaign_id == pace.campaign_id):
            result[row.id] = max(result[row.id], slot)
            slot += interval
    return result
