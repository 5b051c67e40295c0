"""A campaign's audience as SQL: the creator's fans it names and the segment its filters select.

One condition over `fans`, built per call for the dialect: explicit ids always count; the
segment's exclusions narrow only the segment. Id lists travel as one parameter (a PostgreSQL
array, a JSON text that SQLite's json_each unnests), so 100,000 ids are not 100,000 binds.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from adapters.storage.fans.filters import conditions_of
from adapters.storage.tables import conversations, fans, messages
from adapters.storage.types import UtcDateTime
from core.campaigns import CampaignAudience
from core.fans import FanQuery
from core.messaging import Direction, MessageStatus

# A message that failed or was cancelled never reached the fan: it does not count as messaged.
_REACHED = [
    status.value
    for status in MessageStatus
    if status not in (MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.RECEIVED)
]


def among(
    column: sa.ColumnElement[int], ids: Collection[int], dialect: str
) -> sa.ColumnElement[bool]:
    """`column` is one of `ids`, bound as a single parameter."""
    if dialect == "postgresql":
        array = sa.bindparam(None, sorted(ids), type_=ARRAY(sa.BigInteger))
        return column == sa.any_(array)
    each = sa.func.json_each(sa.bindparam(None, json.dumps(sorted(ids)))).table_valued("value")
    return column.in_(sa.select(each.c.value))


def audience_condition(
    user_id: str, audience: CampaignAudience, now: datetime, dialect: str
) -> sa.ColumnElement[bool]:
    """The tenant's fans the audience reaches (before deduplication, which SQL does by itself)."""
    reached: list[sa.ColumnElement[bool]] = []
    if audience.fan_ids:
        reached.append(among(fans.c.id, audience.fan_ids, dialect))
    if audience.segment:
        reached.append(sa.and_(*_segment(user_id, audience, now, dialect)))
    if not reached:
        return sa.false()
    return sa.and_(fans.c.user_id == user_id, sa.or_(*reached))


def _segment(
    user_id: str, audience: CampaignAudience, now: datetime, dialect: str
) -> list[sa.ColumnElement[bool]]:
    query = FanQuery(platform=audience.platform, tags=audience.tags_all)
    conditions = conditions_of(user_id, query, dialect)
    if audience.tags_any:
        conditions.append(_tagged_with_any(audience.tags_any, dialect))
    if audience.tags_none:
        conditions.append(sa.not_(_tagged_with_any(audience.tags_none, dialect)))
    if audience.min_value_cents is not None:
        conditions.append(fans.c.value_cents >= audience.min_value_cents)
    if audience.max_value_cents is not None:
        conditions.append(fans.c.value_cents <= audience.max_value_cents)
    if audience.exclude_fan_ids:
        conditions.append(sa.not_(among(fans.c.id, audience.exclude_fan_ids, dialect)))
    if audience.exclude_messaged_within_hours is not None:
        since = now - timedelta(hours=audience.exclude_messaged_within_hours)
        conditions.append(sa.not_(_messaged_since(user_id, since)))
    if audience.exclude_unread:
        conditions.append(sa.not_(_has_unread(user_id)))
    return conditions


def _tagged_with_any(tags: Collection[str], dialect: str) -> sa.ColumnElement[bool]:
    if dialect == "postgresql":
        # One containment per tag: the GIN index (jsonb_path_ops) answers `@>`, not `?|`.
        as_jsonb = sa.type_coerce(fans.c.tags, JSONB)
        return sa.or_(*(as_jsonb.contains([tag]) for tag in sorted(tags)))
    each = sa.func.json_each(fans.c.tags).table_valued("value")
    return sa.exists().select_from(each).where(each.c.value.in_(sorted(tags)))


def _messaged_since(user_id: str, since: datetime) -> sa.Exists:
    # Correlated on the fan alone: the fan-out's own statement reads conversations too.
    # A sent row counts from when it was sent, not written: a long campaign writes its rows days
    # before the last of them goes out. A row not sent yet counts from when it was written.
    messaged_at = sa.func.coalesce(messages.c.sent_at, messages.c.created_at)
    return (
        sa.exists()
        .correlate(fans)
        .where(
            messages.c.fan_id == fans.c.id,
            messages.c.user_id == user_id,
            messages.c.direction == Direction.OUT.value,
            messages.c.status.in_(_REACHED),
            messaged_at >= sa.bindparam(None, since, type_=UtcDateTime()),
        )
    )


def _has_unread(user_id: str) -> sa.Exists:
    return (
        sa.exists()
        .correlate(fans)
        .where(
            conversations.c.fan_id == fans.c.id,
            conversations.c.user_id == user_id,
            conversations.c.unread_count > 0,
        )
    )
