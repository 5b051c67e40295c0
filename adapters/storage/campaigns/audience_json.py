"""A campaign's template and audience as the JSON documents its row keeps."""

from __future__ import annotations

from typing import Any

from core.campaigns import CampaignAudience, CampaignTemplate
from core.fans import Platform
from core.messaging import DEFAULT_PRIORITY


def template_json(template: CampaignTemplate) -> dict[str, Any]:
    return {
        "content": template.content,
        "mediaUrls": list(template.media_urls),
        "priceCents": template.price_cents,
        "priority": template.priority,
    }


def template_from_json(data: dict[str, Any]) -> CampaignTemplate:
    return CampaignTemplate(
        content=data["content"],
        media_urls=tuple(data.get("mediaUrls", ())),
        price_cents=data.get("priceCents"),
        priority=data.get("priority", DEFAULT_PRIORITY),
    )


def audience_json(audience: CampaignAudience) -> dict[str, Any]:
    return {
        "fanIds": list(audience.fan_ids),
        "tagsAny": sorted(audience.tags_any),
        "tagsAll": sorted(audience.tags_all),
        "tagsNone": sorted(audience.tags_none),
        "minValueCents": audience.min_value_cents,
        "maxValueCents": audience.max_value_cents,
        "platform": audience.platform.value if audience.platform else None,
        "excludeFanIds": list(audience.exclude_fan_ids),
        "segment": audience.segment,
        "excludeMessagedWithinHours": audience.exclude_messaged_within_hours,
        "excludeUnread": audience.exclude_unread,
    }


def audience_from_json(data: dict[str, Any]) -> CampaignAudience:
    platform = data.get("platform")
    return CampaignAudience(
        fan_ids=tuple(data.get("fanIds", ())),
        tags_any=frozenset(data.get("tagsAny", ())),
        tags_all=frozenset(data.get("tagsAll", ())),
        tags_none=frozenset(data.get("tagsNone", ())),
        min_value_cents=data.get("minValueCents"),
        max_value_cents=data.get("maxValueCents"),
        platform=Platform(platform) if platform else None,
        exclude_fan_ids=tuple(data.get("excludeFanIds", ())),
        segment=data.get("segment", False),
        exclude_messaged_within_hours=data.get("excludeMessagedWithinHours"),
        exclude_unread=data.get("excludeUnread", False),
    )
