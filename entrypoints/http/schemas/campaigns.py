"""Campaign schemas: the bulk send, campaigns with their counters, and what control answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from core.campaigns import (
    MAX_RECIPIENTS,
    Accepted,
    AudienceCount,
    CampaignEdit,
    CampaignLimits,
    CampaignView,
    NewCampaign,
    Segment,
)
from core.campaigns.audience import MAX_CAMPAIGN_RATE, MAX_EXCLUDE_HOURS, MAX_NAME_LENGTH
from core.fans import MAX_TAG_LENGTH, MAX_TAGS, Platform
from entrypoints.http.schemas import Body, Cents, Schema, not_blank, text
from entrypoints.http.schemas.fans import ZonedTime
from entrypoints.http.schemas.messaging import Content, FanId, MediaUrls, Priority

FanIds = Annotated[list[FanId], msgspec.Meta(max_length=MAX_RECIPIENTS)]
CampaignRate = Annotated[int, msgspec.Meta(ge=1, le=MAX_CAMPAIGN_RATE)]
MaxMessages = Annotated[int, msgspec.Meta(ge=1, le=MAX_RECIPIENTS)]


SegmentTags = Annotated[list[text(MAX_TAG_LENGTH)], msgspec.Meta(max_length=MAX_TAGS)]  # type: ignore[misc]
Hours = Annotated[int, msgspec.Meta(ge=1, le=MAX_EXCLUDE_HOURS)]


class SegmentBody(Body):
    tags_any: SegmentTags = []
    tags_all: SegmentTags = []
    tags_none: SegmentTags = []
    min_value_cents: Cents | None = None
    max_value_cents: Cents | None = None
    platform: Platform | None = None
    exclude_fan_ids: FanIds = []
    # Exclusions: fans sent a message in the last N hours; fans with unread inbound messages.
    exclude_messaged_within_hours: Hours | None = None
    exclude_unread: bool = False

    @classmethod
    def of(cls, s: Segment) -> SegmentBody:
        """The body that `to_core` reads back as `s` (an automation shows its segment so)."""
        return cls(
            tags_any=sorted(s.tags_any),
            tags_all=sorted(s.tags_all),
            tags_none=sorted(s.tags_none),
            min_value_cents=s.min_value_cents,
            max_value_cents=s.max_value_cents,
            platform=s.platform,
            exclude_fan_ids=list(s.exclude_fan_ids),
            exclude_messaged_within_hours=s.exclude_messaged_within_hours,
            exclude_unread=s.exclude_unread,
        )

    def to_core(self) -> Segment:
        return Segment(
            tags_any=frozenset(self.tags_any),
            tags_all=frozenset(self.tags_all),
            tags_none=frozenset(self.tags_none),
            min_value_cents=self.min_value_cents,
            max_value_cents=self.max_value_cents,
            platform=self.platform,
            exclude_fan_ids=tuple(self.exclude_fan_ids),
            exclude_messaged_within_hours=self.exclude_messaged_within_hours,
            exclude_unread=self.exclude_unread,
        )


class BulkMessageBody(Body):
    campaign_name: not_blank(MAX_NAME_LENGTH)  # type: ignore[valid-type]
    content: Content
    media_urls: MediaUrls = []
    price_cents: Cents | None = None
    priority: Priority = 5
    recipient_ids: FanIds = []
    segment: SegmentBody | None = None
    # With a UTC offset, in the future: the campaign is `scheduled` until then.
    send_at: ZonedTime | None = None
    # Its own limits: a slower rate (never above the account's), a stop time, a cap.
    rate_per_minute: CampaignRate | None = None
    stop_at: ZonedTime | None = None
    max_messages: MaxMessages | None = None

    def to_core(self) -> NewCampaign:
        return NewCampaign(
            name=self.campaign_name,
            content=self.content,
            media_urls=tuple(self.media_urls),
            price_cents=self.price_cents,
            priority=self.priority,
            recipient_ids=tuple(self.recipient_ids),
            segment=self.segment.to_core() if self.segment else None,
            send_at=self.send_at,
            limits=CampaignLimits(self.rate_per_minute, self.stop_at, self.max_messages),
        )


class AudienceBody(Body):
    """Who a campaign would be for, as the bulk send names it: `recipientIds`, a segment or both."""

    recipient_ids: FanIds = []
    segment: SegmentBody | None = None

    def recipients(self) -> tuple[int, ...]:
        return tuple(self.recipient_ids)

    def segment_of(self) -> Segment | None:
        return self.segment.to_core() if self.segment else None


class AudienceCountBody(Schema):
    fans: int  # the caller's distinct fans it reaches now: what a campaign would target
    unknown_recipient_ids: list[int]  # named ids that are not the caller's fans
    max_recipients: int  # a campaign for an audience above this is refused

    @classmethod
    def of(cls, count: AudienceCount) -> AudienceCountBody:
        return cls(
            fans=count.fans,
            unknown_recipient_ids=count.unknown_fan_ids,
            max_recipients=MAX_RECIPIENTS,
        )


class CampaignEditBody(Body):
    """A scheduled campaign's changes: absent fields keep their value; `segment: null` drops
    the segment (then `recipientIds` alone is the audience)."""

    campaign_name: not_blank(MAX_NAME_LENGTH) | None = None  # type: ignore[valid-type]
    content: Content | None = None
    media_urls: MediaUrls | None = None
    price_cents: Cents | None = None
    priority: Priority | None = None
    recipient_ids: FanIds | None = None
    segment: SegmentBody | msgspec.UnsetType | None = msgspec.UNSET
    send_at: ZonedTime | None = None
    rate_per_minute: CampaignRate | None = None
    stop_at: ZonedTime | None = None
    max_messages: MaxMessages | None = None

    def to_core(self) -> CampaignEdit:
        segment = self.segment if isinstance(self.segment, SegmentBody) else None
        return CampaignEdit(
            name=self.campaign_name,
            content=self.content,
            media_urls=None if self.media_urls is None else tuple(self.media_urls),
            price_cents=self.price_cents,
            priority=self.priority,
            recipient_ids=None if self.recipient_ids is None else tuple(self.recipient_ids),
            segment=segment.to_core() if segment else None,
            clear_segment=self.segment is None,
            send_at=self.send_at,
            rate_per_minute=self.rate_per_minute,
            stop_at=self.stop_at,
            max_messages=self.max_messages,
        )


class BulkMessageResponse(Schema):
    campaign_id: int
    total_recipients: int
    queued: int
    failed: int
    failed_recipient_ids: list[int]
    estimated_completion_time: datetime
    status: str

    @classmethod
    def of(cls, accepted: Accepted) -> BulkMessageResponse:
        return cls(
            campaign_id=accepted.campaign_id,
            total_recipients=accepted.total_recipients,
            queued=accepted.queued,
            failed=len(accepted.failed_recipient_ids),
            failed_recipient_ids=accepted.failed_recipient_ids,
            estimated_completion_time=accepted.estimated_completion_time,
            status=accepted.status,
        )


class Counters(Schema):
    targeted: int
    pending: int
    queued: int
    sent: int
    failed: int
    held: int
    cancelled: int
    unsent: int
    revenue_cents: int
    progress_percent: float


class CampaignBody(Schema):
    id: int
    name: str
    type: str
    status: str
    content: str
    media_urls: list[str]
    price_cents: int | None
    counters: Counters
    # False while the fan-out is still writing the campaign's messages: `targeted` grows until
    # then, and the campaign is not `completed` before it.
    fan_out_complete: bool
    fanned_out_at: datetime | None
    # When a scheduled campaign starts; null for one started when accepted.
    send_at: datetime | None
    rate_per_minute: int | None
    stop_at: datetime | None
    max_messages: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, view: CampaignView) -> CampaignBody:
        campaign, c = view.campaign, view.counters
        assert campaign.id is not None
        return cls(
            id=campaign.id,
            name=campaign.name,
            type=campaign.type,
            status=view.status,
            content=campaign.template.content,
            media_urls=list(campaign.template.media_urls),
            price_cents=campaign.template.price_cents,
            counters=Counters(
                targeted=c.targeted,
                pending=c.pending,
                queued=c.queued,
                sent=c.sent,
                failed=c.failed,
                held=c.held,
                cancelled=c.cancelled,
                unsent=c.unsent,
                revenue_cents=campaign.revenue_cents,
                progress_percent=view.progress_percent,
            ),
            fan_out_complete=view.fan_out_complete,
            fanned_out_at=campaign.fanned_out_at,
            send_at=campaign.send_at,
            rate_per_minute=campaign.limits.rate_per_minute,
            stop_at=campaign.limits.stop_at,
            max_messages=campaign.limits.max_messages,
            created_at=campaign.created_at,
            updated_at=campaign.updated_at,
        )


class CampaignPage(Schema):
    items: list[CampaignBody]
    total: int
    limit: int
    offset: int
