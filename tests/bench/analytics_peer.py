"""The analytics benchmark's peer: the same answer from hand-written SQL on bare asyncpg, and
what the API's answer and the peer's must agree on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from tests.bench.fan_data import CREATOR

TOP = 10
LAST = date(2026, 11, 1)  # the last day of every period measured: activity ends there (NOW)
# The statements a developer would write by hand for the same answer; $1 the creator, $2 … $3
# the period as [start, end).
_DAY = "(({column}) AT TIME ZONE 'UTC')::date"
PEER_SQL = {
    "revenue/day": f"SELECT {_DAY.format(column='occurred_at')} AS day, sum(amount_cents),"
    " count(*) FROM purchases WHERE user_id = $1 AND occurred_at >= $2 AND occurred_at < $3"
    " GROUP BY day",
    "sent/day": f"SELECT {_DAY.format(column='sent_at')} AS day, count(*) FROM messages"
    " WHERE user_id = $1 AND sent_at >= $2 AND sent_at < $3 GROUP BY day",
    "failed/day": f"SELECT {_DAY.format(column='updated_at')} AS day, count(*) FROM messages"
    " WHERE user_id = $1 AND status = 'failed' AND updated_at >= $2 AND updated_at < $3"
    " GROUP BY day",
    "new fans/day": f"SELECT {_DAY.format(column='created_at')} AS day, count(*) FROM fans"
    " WHERE user_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY day",
    "top fans": "SELECT f.*, s.cents, s.bought FROM (SELECT fan_id, sum(amount_cents) AS cents,"
    " count(*) AS bought FROM purchases WHERE user_id = $1 AND occurred_at >= $2"
    f" AND occurred_at < $3 AND fan_id IS NOT NULL GROUP BY fan_id ORDER BY cents DESC, fan_id"
    f" LIMIT {TOP}) s JOIN fans f ON f.id = s.fan_id AND f.user_id = $1"
    " ORDER BY s.cents DESC, f.id",
    "campaigns": "SELECT * FROM campaigns WHERE user_id = $1 AND created_at >= $2"
    " AND created_at < $3 ORDER BY created_at DESC, id DESC LIMIT 100",
}
COUNTERS_SQL = (
    "SELECT campaign_id, status, count(*) FROM messages WHERE user_id = $1"
    " AND campaign_id = ANY($2::bigint[]) GROUP BY campaign_id, status"
)


@dataclass(frozen=True)
class Answer:
    """What both sides must agree on."""

    totals: tuple[int, int, int, int, int]  # revenue cents, purchases, sent, failed, new fans
    top_fans: list[tuple[int, int]]  # (fan id, cents spent)
    campaigns: list[tuple[int, int]]  # (campaign id, sent)


def bounds(first: date) -> tuple[datetime, datetime]:
    """The period as [start, end): midnight UTC of `first`, midnight after LAST."""
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    return start, datetime(LAST.year, LAST.month, LAST.day, tzinfo=UTC) + timedelta(days=1)


async def peer_answer(connection: asyncpg.Connection, first: date) -> Answer:
    """Every statement of one request, one after the other, as the app runs them."""
    arguments = (CREATOR, *bounds(first))
    results = {name: await connection.fetch(sql, *arguments) for name, sql in PEER_SQL.items()}
    ids = [row["id"] for row in results["campaigns"]]
    counted = await connection.fetch(COUNTERS_SQL, CREATOR, ids)
    sent = {row["campaign_id"]: row["count"] for row in counted if row["status"] == "sent"}
    revenue = results["revenue/day"]
    counted_per_day = ("sent/day", "failed/day", "new fans/day")
    totals = (
        sum(int(row["sum"]) for row in revenue),
        sum(row["count"] for row in revenue),
        *(sum(row["count"] for row in results[name]) for name in counted_per_day),
    )
    return Answer(
        totals,
        [(row["id"], int(row["cents"])) for row in results["top fans"]],
        [(campaign_id, sent.get(campaign_id, 0)) for campaign_id in ids],
    )


def api_answer(body: dict[str, Any]) -> Answer:
    t = body["totals"]
    return Answer(
        (t["revenueCents"], t["purchases"], t["messagesSent"], t["messagesFailed"], t["newFans"]),
        [(fan["fanId"], fan["spentCents"]) for fan in body["topFans"]],
        [(c["id"], c["sent"]) for c in body["campaigns"]],
    )
