"""Dev mode: a few demo fans for a demo creator, and a token and curl line that work as pasted."""

from __future__ import annotations

import shlex
from datetime import timedelta
from pathlib import Path

from core.fans import Fan, FanQuery, NewFan, Platform
from entrypoints.container import Container, resolve
from entrypoints.http.auth import issue_token

DEV_USER = "demo-creator"
DEMO_FANS = (
    NewFan(Platform.ONLYFANS, "alice", "Alice", tags=frozenset({"vip"}), value_cents=125_00),
    NewFan(Platform.ONLYFANS, "bob_b", "Bob", tags=frozenset({"new"}), value_cents=9_99),
    NewFan(Platform.FANSLY, "carol.c", "Carol", email="carol@example.com", value_cents=42_50),
)


async def seed_demo_fans(container: Container) -> list[Fan]:
    """Creates the demo fans unless the creator already has fans (a persistent DATABASE_URL)."""
    existing = await (await resolve(container.list_fans)).execute(DEV_USER, FanQuery(limit=10))
    if existing.total:
        return existing.items
    create = await resolve(container.create_fan)
    return [await create.execute(DEV_USER, fan) for fan in DEMO_FANS]


def banner(base_url: str, secret: str, fans: list[Fan], kept_in: Path | None = None) -> str:
    """`kept_in`: the file the made-up secret lives in, when it was made up."""
    token = issue_token(secret, DEV_USER, ttl=timedelta(days=7))
    auth = shlex.quote(f"Authorization: Bearer {token}")
    body = shlex.quote(f'{{"recipientId": {fans[0].id}, "content": "Hello from fancrm!"}}')
    fan_list = ", ".join(f"{f.id}={f.handle}" for f in fans)
    return "\n".join(
        [
            "",
            f"fancrm dev server on {base_url} (everything in memory unless configured)",
            f"  user:  {DEV_USER}     demo fans: {fan_list}",
            f"  token: {token}",
            "  send a message:",
            f"    curl -s -X POST {base_url}/api/onlyfans/messaging/send -H {auth} "
            f"-H 'Content-Type: application/json' -d {body}",
            "  then watch the queue:",
            f"    curl -s {base_url}/api/onlyfans/messaging/status -H {auth}",
            f"  API docs: {base_url}/schema",
            *(
                [f"  tokens outlive restarts: the secret is kept in {kept_in} (or set JWT_SECRET)"]
                if kept_in
                else []
            ),
            "",
        ]
    )
