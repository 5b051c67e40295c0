"""The outbox side of the messages table: what the sweep relays, and a campaign's rows moved in
one UPDATE when it is paused, resumed, cancelled or retried."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.messaging.messages import message_from_row
from adapters.storage.tables import campaigns, messages
from adapters.storage.types import UtcDateTime
from core.accounts import AuthorKind
from core.campaigns import CampaignStatus
from core.messaging import CampaignPace, Message, MessageStatus

_NOW = sa.bindparam("now", type_=UtcDateTime())
_PENDING = MessageStatus.PENDING.value
_RUNNING = CampaignStatus.RUNNING.value
# What a new single send queues behind: rows on the queue or in delivery, and single sends
# still in the outbox. A campaign's pending rows wait in the database and are fitted in after.
# Two counts, each on the (user_id, status) index: as one OR, SQLite reads every row the
# creator ever had (sent ones too) on each count.
_OWNER = messages.c.user_id == sa.bindparam("owner")
_AUTOMATION = AuthorKind.AUTOMATION.value
# Replies and single sends: neither a campaign's rows nor an automation's (both bulk lane).
_INTERACTIVE = sa.and_(
    messages.c.campaign_id.is_(None), messages.c.author_kind.is_distinct_from(_AUTOMATION)
)
COUNT_ON_QUEUE = sa.select(
    sa.select(sa.func.count())
    .select_from(messages)
    .where(
        _OWNER,
        messages.c.status.in_([MessageStatus.QUEUED.value, MessageStatus.SENDING.value]),
    )
    .scalar_subquery()
    + sa.select(sa.func.count())
    .select_from(messages)
    .where(_OWNER, messages.c.status == _PENDING, _INTERACTIVE)
    .scalar_subquery()
)
# Replies and single sends not sent yet: what a new one waits behind (campaign rows leave it room).
COUNT_INTERACTIVE = (
    sa.select(sa.func.count())
    .select_from(messages)
    .where(
        _OWNER,
        messages.c.status.in_([_PENDING, MessageStatus.QUEUED.value, MessageStatus.SENDING.value]),
        _INTERACTIVE,
    )
)
# Single sends the API wrote but did not relay (it crashed in between), and scheduled ones the
# tick has just made pending (only a due one is pending with a send_at), any tenant's.
STALE_SINGLE_SENDS = (
    sa.select(messages)
    .where(
        messages.c.status == _PENDING,
        _INTERACTIVE,
        sa.or_(
            messages.c.created_at < sa.bindparam("before", type_=UtcDateTime()),
            messages.c.send_at.is_not(None),
        ),
    )
    .order_by(messages.c.created_at)
    .limit(sa.bindparam("limit"))
)
# Scheduled single sends now due → pending, in one UPDATE on the partial index of scheduled rows.
_SCHEDULED_DUE = (
    messages.update()
    .where(messages.c.status == MessageStatus.SCHEDULED.value, messages.c.send_at <= _NOW)
    .values(status=_PENDING, updated_at=_NOW)
)
_HAS_OUTBOX = sa.exists().where(
    messages.c.campaign_id == campaigns.c.id, messages.c.status == _PENDING
)
# Running campaigns with rows still in the outbox, oldest first; each found on the
# (campaign_id, status) index rather than by scanning their pending rows.
CAMPAIGN_OUTBOXES = (
    sa.select(campaigns.c.user_id, campaigns.c.id)
    .where(campaigns.c.status == _RUNNING, _HAS_OUTBOX)
    .order_by(campaigns.c.id)
)
# Automations' steps written and not yet relayed, any tenant's (ix_messages_automation): they go
# in the bulk lane at the creator's pace, oldest first and before campaigns' rows.
_AUTOMATION_PENDING = sa.and_(messages.c.author_kind == _AUTOMATION, messages.c.status == _PENDING)
AUTOMATION_OUTBOXES = sa.select(messages.c.user_id).where(_AUTOMATION_PENDING).distinct()
AUTOMATION_OUTBOX = (
    sa.select(messages)
    .where(_AUTOMATION_PENDING, _OWNER)
    .order_by(messages.c.created_at)
    .limit(sa.bindparam("limit"))
)
CAMPAIGN_PENDING = (
    sa.select(messages)
    .where(messages.c.campaign_id == sa.bindparam("campaign"), messages.c.status == _PENDING)
    .limit(sa.bindparam("limit"))
)

_MARK_QUEUED = (
    messages.update()
    .where(
        messages.c.user_id == sa.bindparam("owner"),
        messages.c.id.in_(sa.bindparam("message_ids", expanding=True)),
        messages.c.status == _PENDING,
    )
    .values(status=MessageStatus.QUEUED.value, queued_at=_NOW, updated_at=_NOW)
)


async def move_campaign_rows(
    connection: Connection,
    user_id: str,
    campaign_id: int,
    from_statuses: Collection[MessageStatus],
    to: MessageStatus,
    now: datetime,
    *,
    reset_attempts: bool = False,
) -> int:
    values: dict[str, Any] = {"status": to.value, "updated_at": now, "lease_until": None}
    if reset_attempts:
        values.update(attempts=0, error=None)
    statement = (
        messages.update()
        .where(
            messages.c.user_id == user_id,
            messages.c.campaign_id == campaign_id,
            messages.c.status.in_([status.value for status in from_statuses]),
        )
        .values(values)
    )
    return (await connection.execute(statement)).rowcount


async def outbox_creators(connection: Connection) -> list[str]:
    """Creators with rows in the outbox of a running campaign or of an automation."""
    rows = await connection.execute(CAMPAIGN_OUTBOXES)
    automated = await connection.execute(AUTOMATION_OUTBOXES)
    return sorted({owner for owner, _ in rows} | set(automated.scalars()))


async def campaign_outbox(
    connection: Connection, user_id: str, limit: int, caps: Mapping[int, int] | None = None
) -> list[sa.Row[Any]]:
    """Up to `limit` pending rows of the creator's automations (oldest first), then of their
    running campaigns, oldest campaign first; at most `caps[id]` of a campaign named in `caps`
    (a slow one leaves room for the others)."""
    query = CAMPAIGN_OUTBOXES.where(campaigns.c.user_id == user_id)
    params = {"owner": user_id, "limit": limit}
    found: list[sa.Row[Any]] = list(await connection.execute(AUTOMATION_OUTBOX, params))
    for _, campaign_id in (await connection.execute(query)).all():
        if len(found) >= limit:
            break
        wanted = min(limit - len(found), (caps or {}).get(campaign_id, limit))
        if wanted <= 0:
            continue
        params = {"campaign": campaign_id, "limit": wanted}
        found.extend(await connection.execute(CAMPAIGN_PENDING, params))
    return found


_OF_CAMPAIGN = messages.c.campaign_id == campaigns.c.id
# Running campaigns with a rate of their own and pending rows: their latest delivery and how
# many of their rows are on the queue, each on the (campaign_id, status) index.
_PACES = sa.select(
    campaigns.c.id,
    campaigns.c.rate_per_minute,
    sa.select(sa.func.max(messages.c.sent_at))
    .where(_OF_CAMPAIGN, messages.c.status == MessageStatus.SENT.value)
    .scalar_subquery(),
    sa.select(sa.func.count())
    .select_from(messages)
    .where(
        _OF_CAMPAIGN,
        messages.c.status.in_([MessageStatus.QUEUED.value, MessageStatus.SENDING.value]),
    )
    .scalar_subquery(),
).where(
    campaigns.c.user_id == sa.bindparam("owner"),
    campaigns.c.status == _RUNNING,
    campaigns.c.rate_per_minute.is_not(None),
    _HAS_OUTBOX,
)


class SqlAlchemyOutboxRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def mark_queued(self, user_id: str, message_ids: Sequence[UUID], now: datetime) -> None:
        """pending → queued; a row the consumer already took stays as it is."""
        if not message_ids:
            return
        params = {"owner": user_id, "message_ids": list(message_ids), "now": now}
        await self._connection.execute(_MARK_QUEUED, params)

    async def count_interactive(self, user_id: str) -> int:
        return await self._connection.scalar(COUNT_INTERACTIVE, {"owner": user_id}) or 0

    async def count_on_queue(self, user_id: str) -> int:
        return await self._connection.scalar(COUNT_ON_QUEUE, {"owner": user_id}) or 0

    async def stale_single_sends(self, before: datetime, limit: int) -> list[Message]:
        params = {"before": before, "limit": limit}
        rows = await self._connection.execute(STALE_SINGLE_SENDS, params)
        return [message_from_row(row) for row in rows]

    async def pend_due_scheduled(self, now: datetime) -> int:
        return (await self._connection.execute(_SCHEDULED_DUE, {"now": now})).rowcount

    async def outbox_creators(self) -> list[str]:
        return await outbox_creators(self._connection)

    async def campaign_outbox(
        self, user_id: str, limit: int, caps: Mapping[int, int] | None = None
    ) -> list[Message]:
        rows = await campaign_outbox(self._connection, user_id, limit, caps)
        return [message_from_row(row) for row in rows]

    async def campaign_paces(self, user_id: str) -> list[CampaignPace]:
        rows = await self._connection.execute(_PACES, {"owner": user_id})
        return [CampaignPace(*row) for row in rows]

    async def move_campaign_rows(
        self,
        user_id: str,
        campaign_id: int,
        from_statuses: Collection[MessageStatus],
        to: MessageStatus,
        now: datetime,
        *,
        reset_attempts: bool = False,
    ) -> int:
        return await move_campaign_rows(
            self._connection, user_id, campaign_id, from_statuses, to, now,
            reset_attempts=reset_attempts,
        )  # fmt: skip
