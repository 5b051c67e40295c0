"""A new campaign as a client asks for it, checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from core.campaigns.records import (
    Campaign,
    CampaignAudience,
    CampaignLimits,
    CampaignStatus,
    CampaignTemplate,
)
from core.checks import MAX_BIGINT, MAX_ID, check_text
from core.errors import Invalid
from core.fans import MAX_TAG_LENGTH, MAX_TAGS, Platform
from core.messaging import DEFAULT_PRIORITY, check_outbound

MAX_RECIPIENTS = 100_000
MAX_NAME_LENGTH = 200  # the column's size
MAX_EXCLUDE_HOURS = 24 * 365 * 10


@dataclass(frozen=True, slots=True)
class Segment:
    """The creator's fans by tags, value and platform, less the exclusions."""

    tags_any: frozenset[str] = frozenset()
    tags_all: frozenset[str] = frozenset()
    tags_none: frozenset[str] = frozenset()
    min_value_cents: int | None = None
    max_value_cents: int | None = None
    platform: Platform | None = None
    exclude_fan_ids: tuple[int, ...] = ()
    exclude_messaged_within_hours: int | None = None
    exclude_unread: bool = False

    def as_audience(self) -> CampaignAudience:
        """The segment as an audience of no explicit fans: what the audience SQL evaluates."""
        return CampaignAudience(
            tags_any=self.tags_any,
            tags_all=self.tags_all,
            tags_none=self.tags_none,
            min_value_cents=self.min_value_cents,
            max_value_cents=self.max_value_cents,
            platform=self.platform,
            exclude_fan_ids=tuple(sorted(set(self.exclude_fan_ids))),
            segment=True,
            exclude_messaged_within_hours=self.exclude_messaged_within_hours,
            exclude_unread=self.exclude_unread,
        )


@dataclass(frozen=True, slots=True)
class NewCampaign:
    name: str
    content: str
    media_urls: tuple[str, ...] = ()
    price_cents: int | None = None
    priority: int = DEFAULT_PRIORITY
    recipient_ids: tuple[int, ...] = ()
    segment: Segment | None = None
    send_at: datetime | None = None  # None: it starts now
    limits: CampaignLimits = field(default_factory=CampaignLimits)

    @classmethod
    def of(cls, campaign: Campaign) -> NewCampaign:
        """A stored campaign as it was asked for: what an edit starts from."""
        t, a = campaign.template, campaign.audience
        segment = None
        if a.segment:
            segment = Segment(
                a.tags_any, a.tags_all, a.tags_none, a.min_value_cents, a.max_value_cents,
                a.platform, a.exclude_fan_ids, a.exclude_messaged_within_hours, a.exclude_unread,
            )  # fmt: skip
        return cls(
            campaign.name, t.content, t.media_urls, t.price_cents, t.priority, a.fan_ids,
            segment, campaign.send_at, campaign.limits,
        )  # fmt: skip

    def to_campaign(self, user_id: str) -> Campaign:
        """The campaign to store; Invalid naming the field when a rule is broken."""
        if not self.name.strip():
            raise Invalid("campaignName must not be empty", field="campaignName")
        check_text(self.name, "campaignName", MAX_NAME_LENGTH)
        check_outbound(self.content, self.media_urls, self.price_cents, self.priority)
        audience = checked_audience(self.recipient_ids, self.segment)
        template = CampaignTemplate(self.content, self.media_urls, self.price_cents, self.priority)
        _check_limits(self.limits)
        campaign = Campaign(
            None, user_id, self.name.strip(), template, audience, limits=self.limits
        )
        if self.send_at is None:
            return campaign
        return replace(campaign, status=CampaignStatus.SCHEDULED, send_at=self.send_at)

    def check_times(self, now: datetime, account_rate_per_minute: int) -> None:
        """`sendAt` and `stopAt` name instants (with their offsets) still ahead, the stop after
        the start; the campaign's rate is never above the account's."""
        _check_future(self.send_at, now, "sendAt")
        stop_at = self.limits.stop_at
        _check_future(stop_at, now, "stopAt")
        if stop_at is not None and self.send_at is not None and stop_at <= self.send_at:
            raise Invalid("stopAt must be after sendAt", field="stopAt")
        rate = self.limits.rate_per_minute
        if rate is not None and rate > account_rate_per_minute:
            raise Invalid(
                f"ratePerMinute must not be above the account's rate ({account_rate_per_minute})",
                field="ratePerMinute",
            )


MAX_CAMPAIGN_RATE = 60


def _check_future(when: datetime | None, now: datetime, name: str) -> None:
    if when is None:
        return
    if when.tzinfo is None or when.utcoffset() is None:
        raise Invalid(f"{name} must carry a UTC offset (e.g. 2026-12-24T18:00:00Z)", field=name)
    if when <= now:
        raise Invalid(f"{name} must be in the future", field=name)


def _check_limits(limits: CampaignLimits) -> None:
    rate = limits.rate_per_minute
    if rate is not None and not 1 <= rate <= MAX_CAMPAIGN_RATE:
        raise Invalid(f"ratePerMinute must be between 1 and {MAX_CAMPAIGN_RATE}",
                      field="ratePerMinute")  # fmt: skip
    cap = limits.max_messages
    if cap is not None and not 1 <= cap <= MAX_RECIPIENTS:
        raise Invalid(f"maxMessages must be between 1 and {MAX_RECIPIENTS}", field="maxMessages")


def checked_audience(recipient_ids: tuple[int, ...], segment: Segment | None) -> CampaignAudience:
    """Who the explicit ids and the segment name together, as a campaign's audience; Invalid
    naming the field that breaks a rule. Creating a campaign and counting an audience both read
    their audience so, and so count the same fans."""
    if not recipient_ids and segment is None:
        raise Invalid("give recipientIds, a segment, or both", field="recipientIds")
    if len(recipient_ids) > MAX_RECIPIENTS:
        raise Invalid(f"at most {MAX_RECIPIENTS} recipients", field="recipientIds")
    _check_ids(recipient_ids, "recipientIds")
    if segment is not None:
        check_segment(segment)
    return replace(
        (segment or Segment()).as_audience(),
        fan_ids=tuple(sorted(set(recipient_ids))),
        segment=segment is not None,
    )


def check_segment(segment: Segment) -> None:
    """Invalid naming the `segment.…` field that breaks a rule."""
    for name, tags in (
        ("segment.tagsAny", segment.tags_any),
        ("segment.tagsAll", segment.tags_all),
        ("segment.tagsNone", segment.tags_none),
    ):
        if len(tags) > MAX_TAGS:
            raise Invalid(f"{name} holds at most {MAX_TAGS} tags", field=name)
        for tag in tags:
            check_text(tag, name, MAX_TAG_LENGTH)
    for name, cents in (
        ("segment.minValueCents", segment.min_value_cents),
        ("segment.maxValueCents", segment.max_value_cents),
    ):
        if cents is not None and not 0 <= cents <= MAX_BIGINT:
            raise Invalid(f"{name} must be between 0 and {MAX_BIGINT}", field=name)
    low, high = segment.min_value_cents, segment.max_value_cents
    if low is not None and high is not None and low > high:
        raise Invalid("segment.maxValueCents is below minValueCents", field="segment.maxValueCents")
    hours = segment.exclude_messaged_within_hours
    if hours is not None and not 1 <= hours <= MAX_EXCLUDE_HOURS:
        name = "segment.excludeMessagedWithinHours"
        raise Invalid(f"{name} must be between 1 and {MAX_EXCLUDE_HOURS}", field=name)
    if len(segment.exclude_fan_ids) > MAX_RECIPIENTS:
        name = "segment.excludeFanIds"
        raise Invalid(f"{name} holds at most {MAX_RECIPIENTS} ids", field=name)
    _check_ids(segment.exclude_fan_ids, "segment.excludeFanIds")


def _check_ids(ids: tuple[int, ...], name: str) -> None:
    if any(not 1 <= fan_id <= MAX_ID for fan_id in ids):
        raise Invalid(f"{name} holds an id outside 1 … {MAX_ID}", field=name)
