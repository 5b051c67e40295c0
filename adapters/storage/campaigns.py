"""Campaigns in SQL: the row a bulk message hangs on, with its template and audience as JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import campaigns
from adapters.storage.types import UtcDateTime
from core.fans import MAX_VALUE_CENTS
from core.models import (
    Campaign,
    CampaignAudience,
    CampaignStatus,
    CampaignTemplate,
    CampaignType,
    Platform,
)

_OWNED = (
    campaigns.c.user_id == sa.bindparam("owner"),
    campaigns.c.id == sa.bindparam("campaign"),
)
_INSERT = campaigns.insert().returning(campaigns.c.id)
_GET = sa.select(campaigns).where(*_OWNED)
# In the database, not read-modify-write: purchases of one campaign arrive concurrently. Only
# while the sum fits the BIGINT (`room` is MAX_VALUE_CENTS - amount), as for a fan's value.
_ADD_REVENUE = (
    campaigns.update()
    .where(*_OWNED, campaigns.c.revenue_cents <= sa.bindparam("room", type_=sa.BigInteger))
    .values(
        revenue_cents=campaigns.c.revenue_cents + sa.bindparam("amount", type_=sa.BigInteger),
        updated_at=sa.bindparam("now", type_=UtcDateTime()),
    )
)


def template_json(template: CampaignTemplate) -> dict[str, Any]:
    return {
        "content": template.content,
        "mediaUrls": list(template.media_urls),
        "priceCents": template.price_cents,
    }


def template_from_json(data: dict[str, Any]) -> CampaignTemplate:
    return CampaignTemplate(
        content=data["content"],
        media_urls=tuple(data.get("mediaUrls", ())),
        price_cents=data.get("priceCents"),
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
    )


def campaign_from_row(row: sa.Row[Any]) -> Campaign:
    return Campaign(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        template=template_from_json(row.template),
        audience=audience_from_json(row.audience),
        type=CampaignType(row.type),
        status=CampaignStatus(row.status),
        revenue_cents=row.revenue_cents,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyCampaignRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, campaign: Campaign) -> Campaign:
        values = {
            "user_id": campaign.user_id,
            "name": campaign.name,
            "type": campaign.type.value,
            "status": campaign.status.value,
            "template": template_json(campaign.template),
            "audience": audience_json(campaign.audience),
            "revenue_cents": campaign.revenue_cents,
            "created_at": campaign.created_at,
            "updated_at": campaign.updated_at,
        }
        new_id = await self._connection.scalar(_INSERT, values)
        return replace(campaign, id=new_id)

    async def get(self, user_id: str, campaign_id: int) -> Campaign | None:
        params = {"owner": user_id, "campaign": campaign_id}
        row = (await self._connection.execute(_GET, params)).one_or_none()
        return None if row is None else campaign_from_row(row)

    async def add_revenue(
        self, user_id: str, campaign_id: int, amount_cents: int, now: datetime
    ) -> bool:
        params = {
            "owner": user_id,
            "campaign": campaign_id,
            "amount": amount_cents,
            "room": MAX_VALUE_CENTS - amount_cents,
            "now": now,
        }
        return (await self._connection.execute(_ADD_REVENUE, params)).rowcount == 1
