"""A campaign's fan-out on SQLite (memory, file) and PostgreSQL: the audience it reaches, written
in chunks of 3 fans, equals an independent Python filter over generated fans. (Resuming and
concurrent runners: test_campaign_fanout_resume_contract.py.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import uuid4

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.clock import ManualClock
from adapters.storage.database import SqlAlchemyStorage
from adapters.storage.tables import messages
from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.fan_out import FanOutCampaign
from core.campaigns.records import Campaign
from core.fans.records import Platform
from core.messaging.config import MessagingConfig
from core.messaging.records import Direction, Message, MessageStatus
from tests.support.storage import T0, new_fan

TAGS = ["vip", "whale", "new", "a b"]
NOW = T0 + timedelta(days=30)
tag_sets = st.frozensets(st.sampled_from(TAGS), max_size=3)
maybe_cents = st.none() | st.integers(0, 400)


@dataclass(frozen=True)
class Generated:
    platform: Platform
    tags: frozenset[str]
    value_cents: int
    unread: bool
    # (hours before NOW, status) of an outbound message, if the fan was sent one
    last_sent: tuple[int, MessageStatus] | None


generated_fan = st.builds(
    Generated,
    platform=st.sampled_from([Platform.ONLYFANS, Platform.FANSLY]),
    tags=tag_sets,
    value_cents=st.integers(0, 400),
    unread=st.booleans(),
    last_sent=st.none()
    | st.tuples(
        st.integers(0, 60),
        st.sampled_from([MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.QUEUED]),
    ),
)
segments = st.builds(
    Segment,
    tags_any=tag_sets,
    tags_all=tag_sets,
    tags_none=tag_sets,
    min_value_cents=maybe_cents,
    max_value_cents=maybe_cents,
    platform=st.none() | st.sampled_from([Platform.ONLYFANS, Platform.FANSLY]),
    exclude_messaged_within_hours=st.none() | st.sampled_from([1, 12, 24, 48]),
    exclude_unread=st.booleans(),
).filter(
    lambda s: (
        s.min_value_cents is None
        or s.max_value_cents is None
        or s.min_value_cents <= s.max_value_cents
    )
)


def in_segment(fan: Generated, fan_id: int, segment: Segment, excluded: set[int]) -> bool:
    """The segment's rules written out again, over the generated values, not the database."""
    hours = segment.exclude_messaged_within_hours
    return (
        (not segment.tags_any or bool(fan.tags & segment.tags_any))
        and segment.tags_all <= fan.tags
        and not fan.tags & segment.tags_none
        and (segment.min_value_cents is None or fan.value_cents >= segment.min_value_cents)
        and (segment.max_value_cents is None or fan.value_cents <= segment.max_value_cents)
        and (segment.platform is None or fan.platform is segment.platform)
        and fan_id not in excluded
        and not (segment.exclude_unread and fan.unread)
        and not (
            hours is not None
            and fan.last_sent is not None
            and fan.last_sent[0] <= hours
            and fan.last_sent[1] is not MessageStatus.FAILED
        )
    )


async def store(storage: SqlAlchemyStorage, owner: str, fans: list[Generated]) -> list[int]:
    ids = []
    async with storage.begin() as uow:
        for i, fan in enumerate(fans):
            added = await uow.fans.add(
                new_fan(owner, f"fan{i}", fan.platform, tags=fan.tags, value_cents=fan.value_cents)
            )
            ids.append(added.id)
            conversation = await uow.conversations.get_or_create(owner, added.id, fan.platform)
            if fan.unread:
                await uow.conversations.record_inbound(owner, conversation.id, T0)
            if fan.last_sent is not None:
                hours, status = fan.last_sent
                sent = Message(
                    uuid4(), owner, conversation.id, added.id, Direction.OUT, "before",
                    status, created_at=NOW - timedelta(hours=hours, minutes=-1),
                )  # fmt: skip
                await uow.messages.add(sent)
    return ids


async def campaign_fans(storage: SqlAlchemyStorage, campaign_id: int) -> list[int]:
    async with storage.connection() as connection:
        rows = await connection.execute(
            sa.select(messages.c.fan_id).where(messages.c.campaign_id == campaign_id)
        )
        return sorted(fan_id for (fan_id,) in rows)


async def fan_out(storage: SqlAlchemyStorage, campaign: Campaign) -> tuple[Campaign, int]:
    """The campaign stored, then its whole fan-out in chunks of 3; how many messages it wrote."""
    async with storage.begin() as uow:
        stored = await uow.campaigns.add(campaign)
    assert stored.id is not None
    runner = FanOutCampaign(storage, ManualClock(NOW), MessagingConfig(fan_out_chunk=3))
    return stored, await runner.execute(stored.user_id, stored.id)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fans=st.lists(generated_fan, max_size=10),
    segment=st.none() | segments,
    picks=st.lists(st.integers(0, 12), max_size=5),
    excluded_picks=st.lists(st.integers(0, 12), max_size=3),
)
async def test_the_audience_is_exactly_what_an_independent_filter_selects(
    storage: SqlAlchemyStorage,
    fans: list[Generated],
    segment: Segment | None,
    picks: list[int],
    excluded_picks: list[int],
):
    owner = f"creator-{uuid4().hex}"  # a tenant per example: the storage outlives examples
    intruder = f"intruder-{uuid4().hex}"
    await store(
        storage, intruder, [Generated(Platform.ONLYFANS, frozenset(TAGS), 100, False, None)]
    )
    ids = await store(storage, owner, fans)
    strangers = [10**12 + i for i in range(3)]  # no fan of anyone's
    named = [(ids + strangers)[p % len(ids + strangers)] for p in picks] if picks else []
    excluded = {ids[p % len(ids)] for p in excluded_picks} if ids else set()
    if not named and segment is None:
        segment = Segment()  # a campaign names fans, a segment, or both
    if segment is not None:
        segment = replace(segment, exclude_fan_ids=tuple(sorted(excluded)))
    campaign = NewCampaign("spring", "hi", recipient_ids=tuple(named), segment=segment)
    campaign = campaign.to_campaign(owner)

    async with storage.begin() as uow:
        counted = await uow.campaigns.count_audience(owner, campaign.audience, NOW)
    stored, written = await fan_out(storage, campaign)

    expected = {fan_id for fan_id in named if fan_id in ids}
    if segment is not None:
        expected |= {
            i for fan, i in zip(fans, ids, strict=False) if in_segment(fan, i, segment, excluded)
        }
    assert await campaign_fans(storage, stored.id) == sorted(expected)
    assert written == counted.fans == len(expected)
    assert counted.unknown_fan_ids == sorted({f for f in named if f not in ids})
