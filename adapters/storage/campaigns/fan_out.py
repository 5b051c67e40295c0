"""A campaign's fan-out in SQL: its audience counted, then, a chunk at a time in fan-id order, a
conversation and a `pending` message for each of its fans written set-based (INSERT … SELECT).

A chunk moves the campaign's cursor in its own transaction, under the campaign row's lock, so a
fan-out resumed after a crash, or run by two processes at once, neither repeats nor skips anyone;
the messages' insert still skips fans the campaign already has (unique (campaign_id, fan_id)).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.storage.campaigns.segments import among, audience_condition
from adapters.storage.connection import Connection
from adapters.storage.tables import campaigns, conversations, fans, messages
from adapters.storage.types import Json, UtcDateTime
from core.accounts import AuthorKind
from core.campaigns import AudienceCount, Campaign, CampaignAudience, FanOutChunk
from core.messaging import Direction, MessageStatus

# A random (version 4) UUID in SQLite, as the 32 hex digits its UUID column stores.
_SQLITE_UUID4 = sa.text(
    "lower(hex(randomblob(4)) || hex(randomblob(2)) || '4' || substr(hex(randomblob(2)), 2)"
    " || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
    " || hex(randomblob(6)))"
)


async def count_audience(
    connection: Connection, user_id: str, audience: CampaignAudience, now: datetime
) -> AudienceCount:
    dialect = connection.dialect.name
    reached = audience_condition(user_id, audience, now, dialect)
    total = await connection.scalar(sa.select(sa.func.count()).select_from(fans).where(reached))
    unknown: list[int] = []
    if audience.fan_ids:
        known_query = sa.select(fans.c.id).where(
            fans.c.user_id == user_id, among(fans.c.id, audience.fan_ids, dialect)
        )
        known = set((await connection.execute(known_query)).scalars())
        unknown = sorted(set(audience.fan_ids) - known)
    return AudienceCount(total or 0, unknown)


async def fan_out(
    connection: Connection, campaign: Campaign, now: datetime, limit: int
) -> FanOutChunk:
    """Write the next chunk of the audience after the cursor and move the cursor past it."""
    assert campaign.id is not None
    dialect = connection.dialect.name
    reached = audience_condition(campaign.user_id, campaign.audience, now, dialect)
    after = sa.and_(reached, fans.c.id > campaign.fanout_cursor)
    chunk = sa.select(fans.c.id).where(after).order_by(fans.c.id).limit(limit).subquery()
    stats = sa.select(sa.func.count(), sa.func.max(chunk.c.id))
    size, last = (await connection.execute(stats)).one()
    written = 0
    if size:
        written = await _write(connection, campaign, sa.and_(after, fans.c.id <= last), now)
    done = size < limit
    await connection.execute(
        campaigns.update()
        .where(campaigns.c.id == campaign.id)
        .values(
            fanout_cursor=last if size else campaign.fanout_cursor,
            fanned_out_at=now if done else None,
            updated_at=now,
        )
    )
    return FanOutChunk(written, done)


async def _write(
    connection: Connection, campaign: Campaign, reached: sa.ColumnElement[bool], now: datetime
) -> int:
    """A conversation (where missing) and a pending message for each fan `reached` selects."""
    assert campaign.id is not None
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    owner = sa.literal(campaign.user_id, sa.String)
    new_conversations = sa.select(owner, fans.c.id, fans.c.platform).where(reached)
    await connection.execute(
        insert(conversations)
        .from_select(["user_id", "fan_id", "platform"], new_conversations)
        .on_conflict_do_nothing(index_elements=["user_id", "fan_id"])
    )
    template = campaign.template
    new_id = sa.func.gen_random_uuid() if dialect == "postgresql" else _SQLITE_UUID4
    rows = (
        sa.select(
            new_id,
            owner,
            conversations.c.id,
            fans.c.id,
            sa.literal(Direction.OUT.value),
            sa.literal(template.content, sa.Text),
            sa.literal(list(template.media_urls), Json),
            sa.literal(template.price_cents, sa.BigInteger),
            sa.literal(template.priority, sa.SmallInteger),
            sa.literal(campaign.id, sa.BigInteger),
            sa.literal(MessageStatus.PENDING.value),
            sa.literal(0),
            sa.literal(now, UtcDateTime()),
            # Its author is the campaign (core.accounts.Author.campaign): a purchase of it
            # credits the campaign, not whoever created it.
            sa.literal(AuthorKind.CAMPAIGN.value),
            sa.literal(str(campaign.id)),
        )
        .select_from(
            fans.join(
                conversations,
                sa.and_(conversations.c.fan_id == fans.c.id, conversations.c.user_id == owner),
            )
        )
        .where(reached)
    )
    columns = [
        "id", "user_id", "conversation_id", "fan_id", "direction", "text", "media_urls",
        "price_cents", "priority", "campaign_id", "status", "attempts", "created_at",
        "author_kind", "author_id",
    ]  # fmt: skip
    written = await connection.execute(
        insert(messages)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["campaign_id", "fan_id"])
    )
    return int(written.rowcount)
