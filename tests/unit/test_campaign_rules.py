"""A campaign's schedule and limits, pinned at their edges with literal values: when it may start
and stop, how fast it may go, how many it may send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pytest

from core.campaigns.audience import NewCampaign, Segment
from core.campaigns.records import (
    Campaign,
    CampaignAudience,
    CampaignLimits,
    CampaignStatus,
    CampaignTemplate,
)
from core.errors import Invalid

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def new(**changes: object) -> NewCampaign:
    fields: dict[str, object] = {"name": "spring", "content": "hi", "recipient_ids": (1,)}
    return NewCampaign(**{**fields, **changes})  # type: ignore[arg-type]


def refused(field: str, check: object) -> None:
    with pytest.raises(Invalid) as caught:
        check()  # type: ignore[operator]
    assert caught.value.field == field


def test_a_campaign_with_a_start_time_is_stored_scheduled_for_then():
    at = NOW + timedelta(hours=2)
    campaign = new(send_at=at).to_campaign("creator-a")
    assert (campaign.status, campaign.send_at) == (CampaignStatus.SCHEDULED, at)
    assert new().to_campaign("creator-a").status is CampaignStatus.RUNNING


def test_start_and_stop_must_lie_ahead_with_an_offset():
    new(send_at=NOW + SECOND).check_times(NOW, 10)
    refused("sendAt", lambda: new(send_at=NOW).check_times(NOW, 10))
    refused("sendAt", lambda: new(send_at=datetime(2027, 1, 1)).check_times(NOW, 10))
    later = NOW + timedelta(hours=1)
    new(limits=CampaignLimits(stop_at=NOW + SECOND)).check_times(NOW, 10)
    refused("stopAt", lambda: new(limits=CampaignLimits(stop_at=NOW)).check_times(NOW, 10))
    plus_one = timezone(timedelta(hours=1))
    new(send_at=datetime(2026, 12, 6, 14, 0, tzinfo=plus_one)).check_times(NOW, 10)
    stop = CampaignLimits(stop_at=later + SECOND)
    new(send_at=later, limits=stop).check_times(NOW, 10)
    at_start = CampaignLimits(stop_at=later)
    refused("stopAt", lambda: new(send_at=later, limits=at_start).check_times(NOW, 10))
    before = CampaignLimits(stop_at=later - SECOND)
    refused("stopAt", lambda: new(send_at=later, limits=before).check_times(NOW, 10))


class _NoOffset(tzinfo):
    """A zone that cannot say its offset: as good as none."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None


def test_a_start_in_a_zone_without_an_offset_is_refused():
    vague = datetime(2027, 1, 1, tzinfo=_NoOffset())
    refused("sendAt", lambda: new(send_at=vague).check_times(NOW, 10))


def test_a_campaigns_rate_is_never_above_the_accounts():
    new(limits=CampaignLimits(rate_per_minute=10)).check_times(NOW, 10)
    faster = CampaignLimits(rate_per_minute=11)
    refused("ratePerMinute", lambda: new(limits=faster).check_times(NOW, 10))


def test_a_campaigns_own_rate_is_1_to_60_a_minute():
    for rate in (1, 60):
        assert (
            new(limits=CampaignLimits(rate_per_minute=rate)).to_campaign("a").limits.rate_per_minute
            == rate
        )
    for rate in (0, 61):
        refused(
            "ratePerMinute",
            lambda r=rate: new(limits=CampaignLimits(rate_per_minute=r)).to_campaign("a"),
        )


def test_a_campaigns_cap_is_1_to_100_000_messages():
    for cap in (1, 100_000):
        assert (
            new(limits=CampaignLimits(max_messages=cap)).to_campaign("a").limits.max_messages == cap
        )
    for cap in (0, 100_001):
        refused(
            "maxMessages", lambda c=cap: new(limits=CampaignLimits(max_messages=c)).to_campaign("a")
        )


def test_a_stored_campaign_reads_back_as_it_was_asked_for():
    audience = CampaignAudience(fan_ids=(3,), tags_any=frozenset({"vip"}), segment=True)
    limits = CampaignLimits(rate_per_minute=4, max_messages=9)
    stored = Campaign(
        7, "a", "spring", CampaignTemplate("hi"), audience,
        send_at=NOW, limits=limits,
    )  # fmt: skip
    asked = NewCampaign.of(stored)
    assert asked == NewCampaign(
        "spring", "hi", recipient_ids=(3,), segment=Segment(tags_any=frozenset({"vip"})),
        send_at=NOW, limits=limits,
    )  # fmt: skip
    explicit = Campaign(7, "a", "spring", CampaignTemplate("hi"), CampaignAudience(fan_ids=(3,)))
    assert NewCampaign.of(explicit).segment is None


def test_a_segment_as_an_audience_selects_from_all_the_creators_fans() -> None:
    """An automation's segment is evaluated through `as_audience` alone: without `segment=True`
    the audience SQL would read only its (absent) explicit fan ids and reach nobody."""
    audience = Segment(tags_any=frozenset({"vip"}), exclude_fan_ids=(3, 1, 3)).as_audience()
    assert audience.segment is True
    assert audience.fan_ids == ()
    assert audience.exclude_fan_ids == (1, 3)
