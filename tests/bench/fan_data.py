"""Fans for the list benchmark, loaded into PostgreSQL by COPY: 100,000 for one creator, as many
for ten others, with names, emails, tags, values and activity spread like a real audience."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import asyncpg

CREATOR = "creator-bench"
OTHERS = [f"creator-other-{n}" for n in range(10)]
FANS_PER_CREATOR = 100_000
# fmt: off
FIRST_NAMES = (
    "Ada", "Alba", "Anna", "Aria", "Bea", "Cleo", "Dana", "Eden", "Ella", "Emma", "Eva", "Faye",
    "Gia", "Hana", "Ida", "Iris", "Jade", "June", "Kira", "Lana", "Lea", "Lila", "Luna", "Maya",
    "Mia", "Mila", "Nia", "Nora", "Nova", "Olga", "Pia", "Rosa", "Ruby", "Sara", "Tess", "Uma",
    "Vera", "Zoe", "Marguerite", "Ines",
)
LAST_NAMES = (
    "Abbott", "Baker", "Bell", "Brooks", "Carter", "Cole", "Cruz", "Diaz", "Ellis", "Ford", "Gray",
    "Hayes", "Hill", "Hunt", "Kim", "Lane", "Lee", "Long", "Mason", "Moore", "Nash", "Owen",
    "Park", "Price", "Reed", "Reyes", "Rios", "Ross", "Shaw", "Stone", "Tate", "Vega", "Wade",
    "Ward", "West", "Wolfe", "Young", "Zhang", "Novak", "Silva",
)
# fmt: on
# Each tag's share of fans: "vip" is the filter the benchmark asks for.
TAG_SHARES = {"vip": 0.05, "whale": 0.01, "new": 0.20, "regular": 0.30, "ppv-buyer": 0.15}
PLATFORMS = ("onlyfans", "onlyfans", "onlyfans", "fansly", "patreon", "other")
COLUMNS = (
    "user_id", "platform", "handle", "name", "email", "tags", "value_cents",
    "subscribed_at", "last_active_at", "created_at", "updated_at",
)  # fmt: skip
NOW = datetime(2026, 11, 1, tzinfo=UTC)
IMPORT_CHUNK = 5_000


def fan_rows(user_id: str, count: int, rng: random.Random) -> list[tuple[object, ...]]:
    rows = []
    for n in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        tags = sorted(tag for tag, share in TAG_SHARES.items() if rng.random() < share)
        created = NOW - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        active = None if rng.random() < 0.1 else created + (NOW - created) * rng.random()
        rows.append((
            user_id, rng.choice(PLATFORMS), f"fan{n:06d}", f"{first} {last}",
            f"{first.lower()}.{last.lower()}{n}@example.com", json.dumps(tags),
            int(rng.lognormvariate(7, 1.5)), created, active, created, created,
        ))  # fmt: skip
    return rows


async def load_fans(connection: asyncpg.Connection) -> int:
    """COPY every creator's fans in, then VACUUM ANALYZE as autovacuum would soon after.

    Creators' imports alternate in chunks, so one creator's rows are spread over the table as in
    a database many creators share (rows in one block would flatter every plan).
    """
    rng = random.Random(42)
    mine = fan_rows(CREATOR, FANS_PER_CREATOR, rng)
    theirs = [row for other in OTHERS for row in fan_rows(other, len(mine) // len(OTHERS), rng)]
    for start in range(0, len(mine), IMPORT_CHUNK):
        for rows in (mine, theirs):
            chunk = rows[start : start + IMPORT_CHUNK]
            await connection.copy_records_to_table("fans", records=chunk, columns=COLUMNS)
    await connection.execute("VACUUM ANALYZE fans")
    return len(mine) + len(theirs)
