"""Activity for the analytics benchmark, loaded into PostgreSQL by COPY on top of fan_data's fans:
a conversation per fan, campaigns, messages (most sent, some failed, some still on their way)
and PPV purchases over the year before fan_data.NOW, for the creator and, fewer, for the others."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from tests.bench.fan_data import CREATOR, NOW, OTHERS

YEAR = timedelta(days=365)
# (messages, purchases, campaigns) per creator; a campaign reaches CAMPAIGN_SIZE distinct fans.
VOLUME = {CREATOR: (200_000, 50_000, 40), **{other: (20_000, 5_000, 4) for other in OTHERS}}
CAMPAIGN_SIZE = 2_000
STATUSES = (("sent", 0.90), ("failed", 0.05), ("queued", 0.02), ("pending", 0.02))  # else cancelled
MESSAGE_COLUMNS = (
    "id", "user_id", "conversation_id", "fan_id", "direction", "text", "priority",
    "campaign_id", "status", "created_at", "queued_at", "sent_at", "updated_at",
)  # fmt: skip
PURCHASE_COLUMNS = ("user_id", "fan_id", "amount_cents", "occurred_at", "campaign_id")


async def load_activity(connection: asyncpg.Connection) -> dict[str, int]:
    """COPY it all in, then VACUUM ANALYZE; how many rows of each kind went in."""
    rng = random.Random(7)
    await connection.execute(
        "INSERT INTO conversations (user_id, fan_id, platform)"
        " SELECT user_id, id, platform FROM fans"
    )
    conversations = {
        row["fan_id"]: (row["user_id"], row["id"])
        for row in await connection.fetch("SELECT user_id, fan_id, id FROM conversations")
    }
    fans: dict[str, list[int]] = {}
    for fan_id, (user_id, _) in conversations.items():
        fans.setdefault(user_id, []).append(fan_id)
    loaded = {"messages": 0, "purchases": 0, "campaigns": 0}
    for user_id, (message_count, purchase_count, campaign_count) in VOLUME.items():
        campaign_ids = await _campaigns(connection, user_id, campaign_count, rng)
        messages = _messages(
            user_id, fans[user_id], conversations, campaign_ids, message_count, rng
        )
        purchases = _purchases(user_id, fans[user_id], campaign_ids, purchase_count, rng)
        await connection.copy_records_to_table(
            "messages", records=messages, columns=MESSAGE_COLUMNS
        )
        await connection.copy_records_to_table(
            "purchases", records=purchases, columns=PURCHASE_COLUMNS
        )
        loaded["messages"] += len(messages)
        loaded["purchases"] += len(purchases)
        loaded["campaigns"] += len(campaign_ids)
    await connection.execute("VACUUM ANALYZE")
    return loaded


def _moment(rng: random.Random) -> datetime:
    return NOW - YEAR * rng.random()


async def _campaigns(
    connection: asyncpg.Connection, user_id: str, count: int, rng: random.Random
) -> list[int]:
    rows = [
        (user_id, f"campaign {n}", "completed", json.dumps({"content": "hi"}), "{}",
         rng.randrange(10**7), _moment(rng))
        for n in range(count)
    ]  # fmt: skip
    columns = ("user_id", "name", "status", "template", "audience", "revenue_cents", "created_at")
    await connection.copy_records_to_table("campaigns", records=rows, columns=columns)
    query = "SELECT id FROM campaigns WHERE user_id = $1 ORDER BY id"
    return [row["id"] for row in await connection.fetch(query, user_id)]


def _messages(
    user_id: str,
    fan_ids: list[int],
    conversations: dict[int, tuple[str, int]],
    campaign_ids: list[int],
    count: int,
    rng: random.Random,
) -> list[tuple[object, ...]]:
    # Each campaign reaches distinct fans; the rest are single sends to anyone.
    recipients = [(c, fan) for c in campaign_ids for fan in rng.sample(fan_ids, CAMPAIGN_SIZE)]
    recipients += [(None, rng.choice(fan_ids)) for _ in range(count - len(recipients))]
    rows = []
    for campaign_id, fan_id in recipients:
        created = _moment(rng)
        status = _status(rng)
        done = created + timedelta(seconds=rng.randrange(1, 3600))
        rows.append((
            UUID(int=rng.getrandbits(128), version=4), user_id, conversations[fan_id][1], fan_id,
            "out", "hi", 5, campaign_id, status, created,
            None if status == "pending" else created, done if status == "sent" else None,
            done if status in ("sent", "failed", "cancelled") else created,
        ))  # fmt: skip
    return rows


def _status(rng: random.Random) -> str:
    draw = rng.random()
    for status, share in STATUSES:
        if draw < share:
            return status
        draw -= share
    return "cancelled"


def _purchases(
    user_id: str, fan_ids: list[int], campaign_ids: list[int], count: int, rng: random.Random
) -> list[tuple[object, ...]]:
    # A few fans buy most: a fifth of the fans make every purchase.
    buyers = rng.sample(fan_ids, len(fan_ids) // 5)
    return [
        (user_id, rng.choice(buyers), int(rng.lognormvariate(7, 1)), _moment(rng),
         rng.choice(campaign_ids) if rng.random() < 0.2 else None)
        for _ in range(count)
    ]  # fmt: skip
