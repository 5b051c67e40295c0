"""Team analytics in SQL: per member of an account, what they sent, sold and how fast they
answered, each one grouped query (definitions: core/analytics/team.py).

The median reply time is computed in the database, portably (window functions, which SQLite and
PostgreSQL both have): one row per member comes back, however many messages were sent.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.storage.connection import Connection
from adapters.storage.dialects import epoch_micros
from adapters.storage.tables import memberships, messages, purchases, users
from adapters.storage.types import UtcDateTime
from core.accounts import AuthorKind
from core.analytics import MemberSends, ReplyTimes, Spend, TeamMember
from core.messaging import Direction

_OWNER = sa.bindparam("owner")
_START = sa.bindparam("start", type_=UtcDateTime())
_END = sa.bindparam("end", type_=UtcDateTime())
# Inline, not bound: SQLite uses a partial index only when the query states its predicate.
_MEMBER = sa.literal(AuthorKind.MEMBER.value, literal_execute=True)
_IN, _OUT = Direction.IN.value, Direction.OUT.value

# A member's messages sent in the period (the partial index ix_messages_member_sent).
_reply = messages.alias("reply")
_SENT_BY_MEMBERS = (
    _reply.c.user_id == _OWNER,
    _reply.c.author_kind == _MEMBER,
    _reply.c.sent_at >= _START,
    _reply.c.sent_at < _END,
)
_SENDS = (
    sa.select(
        _reply.c.author_id,
        sa.func.count(),
        sa.func.count(sa.distinct(_reply.c.conversation_id)),
    )
    .where(*_SENT_BY_MEMBERS)
    .group_by(_reply.c.author_id)
)

_REVENUE = (
    sa.select(purchases.c.author_id, sa.func.sum(purchases.c.amount_cents), sa.func.count())
    .where(
        purchases.c.user_id == _OWNER,
        purchases.c.author_kind == _MEMBER,
        purchases.c.occurred_at >= _START,
        purchases.c.occurred_at < _END,
    )
    .group_by(purchases.c.author_id)
)


def _reply_times() -> sa.Select[Any]:
    other = messages.alias("other")
    # The fan's latest message written at or before the reply.
    last_inbound = (
        sa.select(sa.func.max(other.c.created_at))
        .where(
            other.c.conversation_id == _reply.c.conversation_id,
            other.c.user_id == _OWNER,
            other.c.direction == _IN,
            other.c.created_at <= _reply.c.created_at,
        )
        .scalar_subquery()
    )
    answer = messages.alias("answer")
    # The latest message that answered the fan before this reply: sent, and not a campaign's.
    last_answer = (
        sa.select(sa.func.max(answer.c.created_at))
        .where(
            answer.c.conversation_id == _reply.c.conversation_id,
            answer.c.user_id == _OWNER,
            answer.c.direction == _OUT,
            answer.c.sent_at.is_not(None),
            answer.c.campaign_id.is_(None),
            answer.c.created_at < _reply.c.created_at,
        )
        .scalar_subquery()
    )
    replies = (
        sa.select(
            _reply.c.author_id,
            _reply.c.created_at.label("replied_at"),
            last_inbound.label("inbound_at"),
            last_answer.label("answered_at"),
        )
        .where(*_SENT_BY_MEMBERS)
        .subquery("replies")
    )
    timed = (
        sa.select(
            replies.c.author_id,
            (epoch_micros(replies.c.replied_at) - epoch_micros(replies.c.inbound_at)).label("wait"),
        )
        .where(
            replies.c.inbound_at.is_not(None),
            sa.or_(replies.c.answered_at.is_(None), replies.c.answered_at < replies.c.inbound_at),
        )
        .subquery("timed")
    )
    by_member = {"partition_by": timed.c.author_id}
    ranked = sa.select(
        timed.c.author_id,
        timed.c.wait,
        sa.func.row_number().over(**by_member, order_by=timed.c.wait).label("place"),
        sa.func.count().over(**by_member).label("replies"),
    ).subquery("ranked")
    # The middle one of an odd count, the mean of the middle two of an even one.
    middle = ((ranked.c.replies + 1) // 2, (ranked.c.replies + 2) // 2)
    return (
        sa.select(ranked.c.author_id, sa.func.max(ranked.c.replies), sa.func.avg(ranked.c.wait))
        .where(ranked.c.place.in_(middle))
        .group_by(ranked.c.author_id)
    )


_REPLY_TIMES = _reply_times()


class SqlAlchemyTeamAnalyticsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def member_sends(
        self, account: str, start: datetime, end: datetime
    ) -> dict[str, MemberSends]:
        rows = await self._connection.execute(_SENDS, _params(account, start, end))
        return {user: MemberSends(sent, answered) for user, sent, answered in rows}

    async def member_revenue(
        self, account: str, start: datetime, end: datetime
    ) -> dict[str, Spend]:
        rows = await self._connection.execute(_REVENUE, _params(account, start, end))
        return {user: Spend(int(cents), bought) for user, cents, bought in rows}

    async def member_reply_times(
        self, account: str, start: datetime, end: datetime
    ) -> dict[str, ReplyTimes]:
        rows = await self._connection.execute(_REPLY_TIMES, _params(account, start, end))
        return {user: ReplyTimes(replies, float(micros) / 1e6) for user, replies, micros in rows}

    async def people(self, account: str, user_ids: Collection[str]) -> dict[str, TeamMember]:
        """The account's members now, and the users named (past members), by user id."""
        found: dict[str, TeamMember] = {}
        if user_ids:
            for user, email, name in await self._connection.execute(
                _USERS, {"ids": sorted(user_ids)}
            ):
                found[user] = TeamMember(email, name)
        members = _MEMBERS.where(memberships.c.account_id == account)
        for user, email, name, role in await self._connection.execute(members):
            found[user] = TeamMember(email, name, role)
        return found


_MEMBERS = sa.select(users.c.id, users.c.email, users.c.name, memberships.c.role).join(
    memberships, memberships.c.user_id == users.c.id
)
_USERS = sa.select(users.c.id, users.c.email, users.c.name).where(
    users.c.id.in_(sa.bindparam("ids", expanding=True))
)


def _params(account: str, start: datetime, end: datetime) -> dict[str, Any]:
    return {"owner": account, "start": start, "end": end}
