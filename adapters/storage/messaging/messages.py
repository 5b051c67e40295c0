"""Messages in SQL: their lifecycle, moved by conditional updates; the outbox is in outbox.py."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.tables import campaigns, fans, messages
from adapters.storage.types import UtcDateTime
from core.accounts import Author, AuthorKind
from core.campaigns import CampaignStatus
from core.fans import Platform
from core.messaging import (
    UNSENT_STATUSES,
    Deliverable,
    Direction,
    Message,
    MessageStatus,
    Outbound,
    Outcome,
)
from core.paging import Page

PENDING, QUEUED, SENDING = MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING
SENT, FAILED = MessageStatus.SENT.value, MessageStatus.FAILED.value

# Built once: the send and consume paths run these on every message.
_NOW = sa.bindparam("now", type_=UtcDateTime())
_OWNED = (messages.c.id == sa.bindparam("message_id"), messages.c.user_id == sa.bindparam("owner"))
_INSERT = messages.insert()
_GET = sa.select(messages).where(*_OWNED)
# A batch's rows, named by (user_id, id) pairs: one statement however many, compiled once.
_IN_BATCH = sa.tuple_(messages.c.user_id, messages.c.id).in_(sa.bindparam("keys", expanding=True))
_CLAIMABLE = sa.or_(
    messages.c.status.in_([PENDING.value, QUEUED.value]),
    # The claimant's lease ran out: it died, so the row is up for the taking.
    sa.and_(messages.c.status == SENDING.value, messages.c.lease_until < _NOW),
)
_TAKE = {
    "status": SENDING.value,
    "lease_until": sa.bindparam("lease", type_=UtcDateTime()),
    "updated_at": _NOW,
}
_CLAIM = messages.update().where(*_OWNED, _CLAIMABLE).values(_TAKE)
_CLAIM_MANY = messages.update().where(_IN_BATCH, _CLAIMABLE).values(_TAKE).returning(messages.c.id)
# The consumer's batch: its rows with their fan's address and their campaign's status, one query.
_DELIVERABLE = sa.select(
    messages, fans.c.platform.label("fan_platform"), fans.c.handle.label("fan_handle"),
    campaigns.c.status.label("campaign_status"),
).select_from(
    messages.join(fans, sa.and_(
        fans.c.id == messages.c.fan_id, fans.c.user_id == messages.c.user_id
    ))
    .outerjoin(campaigns, sa.and_(
        campaigns.c.id == messages.c.campaign_id, campaigns.c.user_id == messages.c.user_id
    ))
).where(_IN_BATCH)  # fmt: skip
# Every outcome of a batch in one executemany: only a row still `sending` (its claimant's) moves.
_RECORD_OUTCOME = (
    messages.update()
    .where(*_OWNED, messages.c.status == SENDING.value)
    .values(
        status=sa.bindparam("new_status"),
        error=sa.bindparam("new_error"),
        attempts=sa.bindparam("new_attempts"),
        updated_at=_NOW,
        lease_until=None,
        sent_at=sa.case((sa.bindparam("new_status") == SENT, _NOW), else_=messages.c.sent_at),
        queued_at=sa.case(
            (sa.bindparam("new_status") == QUEUED.value, _NOW), else_=messages.c.queued_at
        ),
    )
)
_COUNT_UNSENT = (
    sa.select(sa.func.count())
    .select_from(messages)
    .where(
        messages.c.user_id == sa.bindparam("owner"),
        messages.c.status.in_(sorted(status.value for status in UNSENT_STATUSES)),
    )
)
_COUNT_BY_STATUS = (
    sa.select(messages.c.status, sa.func.count())
    .where(
        messages.c.user_id == sa.bindparam("owner"),
        messages.c.direction == Direction.OUT.value,
    )
    .group_by(messages.c.status)
)
# Only `sent` rows carry sent_at, and the filter lets the (user_id, status) index do the work.
_LAST_SENT_AT = sa.select(sa.func.max(messages.c.sent_at)).where(
    messages.c.user_id == sa.bindparam("owner"), messages.c.status == SENT
)
_FAILED = (messages.c.user_id == sa.bindparam("owner"), messages.c.status == FAILED)
_LIST_FAILED = (
    sa.select(messages)
    .where(*_FAILED)
    .order_by(sa.func.coalesce(messages.c.updated_at, messages.c.created_at).desc(), messages.c.id)
    .limit(sa.bindparam("limit"))
)
_COUNT_FAILED = sa.select(sa.func.count()).select_from(messages).where(*_FAILED)
_IN_CONVERSATION = (
    messages.c.user_id == sa.bindparam("owner"),
    messages.c.conversation_id == sa.bindparam("conversation"),
)
# Newest first on the (conversation_id, created_at) index; the id breaks ties stably.
_LIST_IN_CONVERSATION = (
    sa.select(messages)
    .where(*_IN_CONVERSATION)
    .order_by(messages.c.created_at.desc(), messages.c.id.desc())
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_COUNT_IN_CONVERSATION = sa.select(sa.func.count()).select_from(messages).where(*_IN_CONVERSATION)
_MARK_INBOUND_READ = (
    messages.update()
    .where(
        *_IN_CONVERSATION,
        messages.c.direction == Direction.IN.value,
        messages.c.read_at.is_(None),
    )
    .values(read_at=_NOW, updated_at=_NOW)
)


# Filled in as a message moves through its lifecycle; a new message has none of them.
_LATER_COLUMNS = (
    "error", "queued_at", "sent_at", "read_at", "updated_at", "lease_until", "send_at",
)  # fmt: skip

# The campaign of a message, locked FOR SHARE (SQLite: its BEGIN IMMEDIATE already serializes):
# a resume, which updates that row first, waits until the hold is committed and then sees it.
_CAMPAIGN_STATUS_LOCKED = (
    sa.select(campaigns.c.status)
    .join(messages, messages.c.campaign_id == campaigns.c.id)
    .where(
        messages.c.user_id == sa.bindparam("owner"),
        messages.c.id == sa.bindparam("message_id"),
        campaigns.c.user_id == sa.bindparam("owner"),
    )
    .with_for_update(read=True, of=campaigns)
)


def message_values(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "user_id": message.user_id,
        "conversation_id": message.conversation_id,
        "fan_id": message.fan_id,
        "direction": message.direction.value,
        "text": message.text,
        "media_urls": list(message.media_urls),
        "price_cents": message.price_cents,
        "priority": message.priority,
        "campaign_id": message.campaign_id,
        "status": message.status.value,
        "attempts": message.attempts,
        "error": message.error,
        "created_at": message.created_at,
        "queued_at": message.queued_at,
        "sent_at": message.sent_at,
        "read_at": message.read_at,
        "updated_at": message.updated_at,
        "lease_until": message.lease_until,
        "send_at": message.send_at,
        "author_kind": message.author.kind.value if message.author else None,
        "author_id": message.author.id if message.author else None,
    }


def _deliverable(row: sa.Row[Any]) -> Deliverable:
    message = message_from_row(row)
    outbound = Outbound(
        message.id,
        message.user_id,
        Platform(row.fan_platform),
        row.fan_handle,
        message.text,
        message.media_urls,
        message.price_cents,
    )
    return Deliverable(message, outbound, row.campaign_status)


def message_from_row(row: sa.Row[Any]) -> Message:
    return Message(
        id=row.id,
        user_id=row.user_id,
        conversation_id=row.conversation_id,
        fan_id=row.fan_id,
        direction=Direction(row.direction),
        text=row.text,
        status=MessageStatus(row.status),
        created_at=row.created_at,
        media_urls=tuple(row.media_urls),
        price_cents=row.price_cents,
        priority=row.priority,
        campaign_id=row.campaign_id,
        attempts=row.attempts,
        error=row.error,
        queued_at=row.queued_at,
        sent_at=row.sent_at,
        read_at=row.read_at,
        updated_at=row.updated_at,
        lease_until=row.lease_until,
        send_at=row.send_at,
        author=None
        if row.author_kind is None
        else Author(AuthorKind(row.author_kind), row.author_id),
    )


class SqlAlchemyMessageRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, message: Message) -> None:
        await self.add_many([message])

    async def add_many(self, new: Sequence[Message]) -> None:
        """One statement for all of them (executemany): a round trip per batch, not per row."""
        if not new:
            return
        rows = [message_values(m) for m in new]
        # Columns null in every row are left to their default: binding them costs per row.
        unset = {key for key in _LATER_COLUMNS if all(row[key] is None for row in rows)}
        if unset:
            rows = [{k: v for k, v in row.items() if k not in unset} for row in rows]
        await self._connection.execute(_INSERT, rows)

    async def get(self, user_id: str, message_id: UUID) -> Message | None:
        result = await self._connection.execute(_GET, {"owner": user_id, "message_id": message_id})
        row = result.one_or_none()
        return None if row is None else message_from_row(row)

    async def set_status(
        self,
        user_id: str,
        message_id: UUID,
        status: MessageStatus,
        now: datetime,
        *,
        error: str | None = None,
        attempts: int | None = None,
        only_from: MessageStatus | None = None,
    ) -> bool:
        """Move a row to `status` (and `error`), stamping `queued_at`/`sent_at` for those statuses.

        With `only_from`, only a row still in that status moves. Returns whether the row moved.
        """
        values: dict[str, Any] = {"status": status.value, "error": error, "updated_at": now}
        if attempts is not None:
            values["attempts"] = attempts
        if status == QUEUED:
            values["queued_at"] = now
        elif status == MessageStatus.SENT:
            values["sent_at"] = now
        if status != SENDING:
            values["lease_until"] = None  # a lease means something only while sending
        conditions = [messages.c.id == message_id, messages.c.user_id == user_id]
        if only_from is not None:
            conditions.append(messages.c.status == only_from.value)
        result = await self._connection.execute(messages.update().where(*conditions).values(values))
        return result.rowcount == 1

    async def hold_while_paused(
        self, user_id: str, message_id: UUID, only_from: MessageStatus, now: datetime
    ) -> bool:
        if not await _campaign_paused(self._connection, user_id, message_id):
            return False
        return await self.set_status(
            user_id, message_id, MessageStatus.HELD, now, only_from=only_from
        )

    async def claim(
        self, user_id: str, message_id: UUID, now: datetime, lease_until: datetime
    ) -> bool:
        """pending/queued → sending, or take over a `sending` row whose lease ran out.

        Returns False when another consumer holds it or it is finished.
        """
        params = {"owner": user_id, "message_id": message_id, "now": now, "lease": lease_until}
        result = await self._connection.execute(_CLAIM, params)
        return result.rowcount == 1

    async def get_deliverable(self, keys: Collection[tuple[str, UUID]]) -> list[Deliverable]:
        if not keys:
            return []
        rows = await self._connection.execute(_DELIVERABLE, {"keys": list(keys)})
        return [_deliverable(row) for row in rows]

    async def claim_many(
        self, keys: Collection[tuple[str, UUID]], now: datetime, lease_until: datetime
    ) -> set[UUID]:
        if not keys:
            return set()
        params = {"keys": list(keys), "now": now, "lease": lease_until}
        result = await self._connection.execute(_CLAIM_MANY, params)
        return {row.id for row in result}

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        if not outcomes:
            return
        params = [
            {
                "owner": o.user_id,
                "message_id": o.message_id,
                "now": now,
                "new_status": o.status.value,
                "new_error": o.error,
                "new_attempts": o.attempts,
            }
            for o in outcomes
        ]
        await self._connection.execute(_RECORD_OUTCOME, params)

    async def sent_unread_in_campaign(
        self, user_id: str, campaign_id: int, after: UUID | None, limit: int
    ) -> list[UUID]:
        query = (
            sa.select(messages.c.id)
            .where(
                messages.c.user_id == user_id,
                messages.c.campaign_id == campaign_id,
                messages.c.status == MessageStatus.SENT.value,
                messages.c.read_at.is_(None),
            )
            .order_by(messages.c.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(messages.c.id > after)
        return list((await self._connection.execute(query)).scalars())

    async def list_failed(self, user_id: str, limit: int) -> Page[Message]:
        """Failed messages, the most recently failed first."""
        rows = await self._connection.execute(_LIST_FAILED, {"owner": user_id, "limit": limit})
        total = await self._connection.scalar(_COUNT_FAILED, {"owner": user_id})
        return Page([message_from_row(row) for row in rows], total or 0)

    async def count_unsent(self, user_id: str) -> int:
        return await self._connection.scalar(_COUNT_UNSENT, {"owner": user_id}) or 0

    async def count_outbound_by_status(self, user_id: str) -> dict[MessageStatus, int]:
        rows = await self._connection.execute(_COUNT_BY_STATUS, {"owner": user_id})
        return {MessageStatus(status): count for status, count in rows}

    async def last_sent_at(self, user_id: str) -> datetime | None:
        return await self._connection.scalar(_LAST_SENT_AT, {"owner": user_id})

    async def list_in_conversation(
        self, user_id: str, conversation_id: int, limit: int, offset: int
    ) -> Page[Message]:
        params = {"owner": user_id, "conversation": conversation_id}
        rows = await self._connection.execute(
            _LIST_IN_CONVERSATION, {**params, "limit": limit, "offset": offset}
        )
        total = await self._connection.scalar(_COUNT_IN_CONVERSATION, params)
        return Page([message_from_row(row) for row in rows], total or 0)

    async def mark_inbound_read(self, user_id: str, conversation_id: int, now: datetime) -> int:
        params = {"owner": user_id, "conversation": conversation_id, "now": now}
        return (await self._connection.execute(_MARK_INBOUND_READ, params)).rowcount


async def _campaign_paused(connection: Connection, user_id: str, message_id: UUID) -> bool:
    """Whether the message's campaign is paused, holding it so until the transaction ends."""
    params = {"owner": user_id, "message_id": message_id}
    status = await connection.scalar(_CAMPAIGN_STATUS_LOCKED, params)
    return status == CampaignStatus.PAUSED.value
