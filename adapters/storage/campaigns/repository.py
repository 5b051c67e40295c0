"""Campaigns in SQL: the row a bulk message hangs on, with its template and audience as JSON."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.campaigns.audience_json import (
    audience_from_json,
    audience_json,
    template_from_json,
    template_json,
)
from adapters.storage.campaigns.fan_out import count_audience, fan_out
from adapters.storage.connection import Connection
from adapters.storage.tables import campaigns, messages
from adapters.storage.types import UtcDateTime
from core.campaigns import (
    AudienceCount,
    Campaign,
    CampaignAudience,
    CampaignCounters,
    CampaignLimits,
    CampaignStatus,
    CampaignType,
    FanOutChunk,
)
from core.fans import MAX_VALUE_CENTS
from core.messaging import MessageStatus
from core.paging import Page

_OWNED = (
    campaigns.c.user_id == sa.bindparam("owner"),
    campaigns.c.id == sa.bindparam("campaign"),
)
_INSERT = campaigns.insert().returning(campaigns.c.id)
_GET = sa.select(campaigns).where(*_OWNED)
_LOCK = _GET.with_for_update()  # SQLite renders no FOR UPDATE: it has one writer at a time
_UNFINISHED = (
    sa.select(campaigns.c.user_id, campaigns.c.id)
    .where(
        campaigns.c.fanned_out_at.is_(None),
        campaigns.c.status.notin_([CampaignStatus.CANCELLED.value, CampaignStatus.SCHEDULED.value]),
    )
    .order_by(campaigns.c.id)
)
_HAS_UNSENT_ROWS = sa.exists().where(
    messages.c.campaign_id == campaigns.c.id,
    messages.c.status.in_(
        [MessageStatus.PENDING.value, MessageStatus.QUEUED.value, MessageStatus.HELD.value]
    ),
)
_SCHEDULED = campaigns.c.status == CampaignStatus.SCHEDULED.value
_DUE = campaigns.c.send_at <= sa.bindparam("now", type_=UtcDateTime())
_DUE_SCHEDULED = (
    sa.select(campaigns.c.user_id, campaigns.c.id)
    .where(_SCHEDULED, _DUE)
    .order_by(campaigns.c.send_at, campaigns.c.id)
)
# The claim: of runners racing, only one UPDATE finds the row still scheduled.
_START_SCHEDULED = (
    campaigns.update()
    .where(*_OWNED, _SCHEDULED, _DUE)
    .values(status=CampaignStatus.RUNNING.value, updated_at=sa.bindparam("now"))
)
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
# Newest first: the id grows with creation, and (user_id) then id is what the index holds.
_LIST = (
    sa.select(campaigns)
    .where(campaigns.c.user_id == sa.bindparam("owner"))
    .order_by(campaigns.c.id.desc())
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT = (
    sa.select(sa.func.count())
    .select_from(campaigns)
    .where(campaigns.c.user_id == sa.bindparam("owner"))
)
# One grouped pass over the (campaign_id, status) index for any number of campaigns.
_COUNT_BY_STATUS = (
    sa.select(messages.c.campaign_id, messages.c.status, sa.func.count())
    .where(
        messages.c.user_id == sa.bindparam("owner"),
        messages.c.campaign_id.in_(sa.bindparam("campaign_ids", expanding=True)),
    )
    .group_by(messages.c.campaign_id, messages.c.status)
)
# `sending` is still on its way out: it counts as queued, so the counters stay six.
_COUNTER_OF = {
    # Only single sends are scheduled; should a campaign's row ever be, it has not gone yet.
    MessageStatus.SCHEDULED.value: "pending",
    MessageStatus.PENDING.value: "pending",
    MessageStatus.QUEUED.value: "queued",
    MessageStatus.SENDING.value: "queued",
    MessageStatus.SENT.value: "sent",
    MessageStatus.FAILED.value: "failed",
    MessageStatus.HELD.value: "held",
    MessageStatus.CANCELLED.value: "cancelled",
    MessageStatus.UNSENT.value: "unsent",
}


def _limits(limits: CampaignLimits) -> dict[str, Any]:
    return {
        "rate_per_minute": limits.rate_per_minute,
        "stop_at": limits.stop_at,
        "max_messages": limits.max_messages,
    }


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
        fanout_cursor=row.fanout_cursor,
        fanned_out_at=row.fanned_out_at,
        send_at=row.send_at,
        limits=CampaignLimits(row.rate_per_minute, row.stop_at, row.max_messages),
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
            "fanout_cursor": campaign.fanout_cursor,
            "fanned_out_at": campaign.fanned_out_at,
            "send_at": campaign.send_at,
            **_limits(campaign.limits),
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

    async def counters(
        self, user_id: str, campaign_ids: Sequence[int]
    ) -> dict[int, CampaignCounters]:
        if not campaign_ids:
            return {}
        params = {"owner": user_id, "campaign_ids": list(campaign_ids)}
        counts: dict[int, dict[str, int]] = {}
        for campaign_id, status, count in await self._connection.execute(_COUNT_BY_STATUS, params):
            by_counter = counts.setdefault(campaign_id, {})
            counter = _COUNTER_OF[status]
            by_counter[counter] = by_counter.get(counter, 0) + count
        return {campaign_id: CampaignCounters(**c) for campaign_id, c in counts.items()}

    async def unfinished_fan_outs(self) -> list[tuple[str, int]]:
        return [
            (owner, campaign_id)
            for owner, campaign_id in await self._connection.execute(_UNFINISHED)
        ]

    async def end_fan_out(self, user_id: str, campaign_id: int, now: datetime) -> None:
        statement = (
            campaigns.update()
            .where(*_OWNED, campaigns.c.fanned_out_at.is_(None))
            .values(fanned_out_at=now, updated_at=now)
        )
        await self._connection.execute(statement, {"owner": user_id, "campaign": campaign_id})

    async def running_past_stop(self, now: datetime) -> list[tuple[str, int]]:
        query = (
            sa.select(campaigns.c.user_id, campaigns.c.id)
            .where(
                campaigns.c.status.in_([CampaignStatus.RUNNING.value, CampaignStatus.PAUSED.value]),
                campaigns.c.stop_at <= now,
                # Not those already stopped (or complete): nothing left to cancel or write.
                sa.or_(campaigns.c.fanned_out_at.is_(None), _HAS_UNSENT_ROWS),
            )
            .order_by(campaigns.c.id)
        )
        return [
            (owner, campaign_id) for owner, campaign_id in await self._connection.execute(query)
        ]

    async def due_scheduled(self, now: datetime) -> list[tuple[str, int]]:
        rows = await self._connection.execute(_DUE_SCHEDULED, {"now": now})
        return [(owner, campaign_id) for owner, campaign_id in rows]

    async def start_scheduled(self, user_id: str, campaign_id: int, now: datetime) -> bool:
        params = {"owner": user_id, "campaign": campaign_id, "now": now}
        return (await self._connection.execute(_START_SCHEDULED, params)).rowcount == 1

    async def edit_scheduled(self, campaign: Campaign, now: datetime) -> bool:
        statement = (
            campaigns.update()
            .where(*_OWNED, _SCHEDULED)
            .values(
                name=campaign.name,
                template=template_json(campaign.template),
                audience=audience_json(campaign.audience),
                send_at=campaign.send_at,
                **_limits(campaign.limits),
                updated_at=now,
            )
        )
        params = {"owner": campaign.user_id, "campaign": campaign.id}
        return (await self._connection.execute(statement, params)).rowcount == 1

    async def list(self, user_id: str, limit: int, offset: int) -> Page[Campaign]:
        params = {"owner": user_id, "limit": limit, "offset": offset}
        rows = await self._connection.execute(_LIST, params)
        total = await self._connection.scalar(_COUNT, {"owner": user_id})
        return Page([campaign_from_row(row) for row in rows], total or 0)

    async def set_status(
        self,
        user_id: str,
        campaign_id: int,
        status: CampaignStatus,
        now: datetime,
        *,
        only_from: Collection[CampaignStatus],
    ) -> bool:
        """Move the campaign to `status` only while it is in one of `only_from`."""
        statement = (
            campaigns.update()
            .where(*_OWNED, campaigns.c.status.in_([s.value for s in only_from]))
            .values(status=status.value, updated_at=now)
        )
        params = {"owner": user_id, "campaign": campaign_id}
        return (await self._connection.execute(statement, params)).rowcount == 1

    async def count_audience(
        self, user_id: str, audience: CampaignAudience, now: datetime
    ) -> AudienceCount:
        return await count_audience(self._connection, user_id, audience, now)

    async def lock(self, user_id: str, campaign_id: int) -> Campaign | None:
        params = {"owner": user_id, "campaign": campaign_id}
        row = (await self._connection.execute(_LOCK, params)).one_or_none()
        return None if row is None else campaign_from_row(row)

    async def fan_out(self, campaign: Campaign, now: datetime, limit: int) -> FanOutChunk:
        return await fan_out(self._connection, campaign, now, limit)
