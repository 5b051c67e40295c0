"""Dev mode: a few demo fans for a demo creator, its demo owner and chatter, and a token, a
curl line and the two logins that work as pasted."""

from __future__ import annotations

import contextlib
import json
import secrets
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.accounts import Author, Role
from core.campaigns import NewCampaign, Segment
from core.errors import Conflict
from core.fans import Fan, FanQuery, NewFan, Platform
from core.identity import operator_in
from core.inbound import EventType, FanRef, InboundEvent, MessageReceived, PpvPurchased
from entrypoints.container import Container, resolve
from entrypoints.http.auth import issue_token

DEV_USER = "demo-creator"
DEMO_FANS = (
    NewFan(Platform.ONLYFANS, "alice", "Alice", tags=frozenset({"vip"}), value_cents=125_00),
    NewFan(Platform.ONLYFANS, "bob_b", "Bob", tags=frozenset({"new"}), value_cents=9_99),
    NewFan(Platform.FANSLY, "carol.c", "Carol", email="carol@example.com", value_cents=42_50),
)


# What each demo fan wrote: the console's inbox opens on three conversations, not on nothing.
DEMO_MESSAGES = (
    "Hey! Loved your last post, when is the next one?",
    "hi, are you online tonight?",
    "What's in the next PPV? Asking for a friend",
)

DEMO_QUICK_REPLIES = (
    ("Thanks", "Thank you so much, that means a lot!"),
    ("Online later", "I'll be online tonight around 9, talk then?"),
)


async def seed_demo_fans(container: Container) -> list[Fan]:
    """Creates the demo fans, each with a message received, and two quick replies, unless the
    creator already has fans (a persistent DATABASE_URL)."""
    existing = await (await resolve(container.list_fans)).execute(DEV_USER, FanQuery(limit=10))
    if existing.total:
        return existing.items
    create = await resolve(container.create_fan)
    fans = [await create.execute(DEV_USER, fan) for fan in DEMO_FANS]
    receive = await resolve(container.process_inbound_event)
    now = datetime.now(UTC)
    for n, (fan, text) in enumerate(zip(fans, DEMO_MESSAGES, strict=True)):
        await receive.execute(
            InboundEvent(
                id=f"demo-message-{n}",
                type=EventType.MESSAGE_RECEIVED,
                user_id=DEV_USER,
                occurred_at=now - timedelta(minutes=5 * (len(fans) - n)),
                fan=FanRef(fan.platform, fan.handle, fan.name),
                payload=MessageReceived(text),
            )
        )
    create_quick_reply = await resolve(container.create_quick_reply)
    for title, content in DEMO_QUICK_REPLIES:
        await create_quick_reply.execute(DEV_USER, title, content)
    return fans


# Purchases of the demo fans over the last days (days ago, fan's index, cents): the analytics
# page's revenue chart draws something, not a flat line.
DEMO_PURCHASES = (
    (13, 0, 25_00), (11, 1, 9_99), (9, 0, 40_00), (8, 2, 15_00), (6, 0, 12_50),
    (4, 1, 9_99), (3, 2, 27_50), (2, 0, 60_00), (1, 1, 19_99), (0, 2, 7_50),
)  # fmt: skip


async def seed_demo_purchases(container: Container, fans: list[Fan]) -> None:
    """The demo purchases, as the bridge would report them; each event's id is fixed, so a
    persistent database holds them once however often dev mode starts on it."""
    receive = await resolve(container.process_inbound_event)
    now = datetime.now(UTC)
    for days_ago, who, cents in DEMO_PURCHASES:
        fan = fans[who % len(fans)]
        await receive.execute(
            InboundEvent(
                id=f"demo-purchase-{days_ago}-{who}",
                type=EventType.PPV_PURCHASED,
                user_id=DEV_USER,
                occurred_at=now - timedelta(days=days_ago, hours=1),
                fan=FanRef(fan.platform, fan.handle, fan.name),
                payload=PpvPurchased(cents),
            )
        )


DEMO_CAMPAIGN = NewCampaign(
    name="VIP thank-you",
    content="Thank you for being one of my favourite fans! A little something for you.",
    price_cents=4_99,
    segment=Segment(tags_any=frozenset({"vip"})),
)


async def seed_demo_campaign(container: Container) -> None:
    """One campaign to the demo VIPs (the dev worker sends it in a moment), so the campaigns
    page opens on something; none when the creator has one already (a persistent database)."""
    if (await (await resolve(container.list_campaigns)).execute(DEV_USER, 1, 0)).total:
        return
    create = await resolve(container.create_campaign)
    await create.execute(DEV_USER, DEMO_CAMPAIGN, actor=Author.service())


DEMO_PEOPLE = (("owner@demo.fancrm.test", Role.OWNER), ("chatter@demo.fancrm.test", Role.CHATTER))


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    role: Role
    password: str | None  # None: made by an earlier run (a persistent DATABASE_URL)


async def seed_demo_people(container: Container) -> list[DemoLogin]:
    """The demo account with a demo owner and a demo chatter, each with a random password (a
    known one would open any persistent database dev mode once ran on)."""
    with contextlib.suppress(Conflict):  # made by an earlier run
        await (await resolve(container.create_account)).execute("Demo creator", DEV_USER)
    create_user = await resolve(container.create_user)
    add_member = await resolve(container.add_member)
    logins = []
    for email, role in DEMO_PEOPLE:
        password = secrets.token_urlsafe(12)
        try:
            await create_user.execute(email, password, "Demo " + role.value)
            await add_member.execute(operator_in(DEV_USER), email, role)
        except Conflict:
            logins.append(DemoLogin(email, role, None))
            continue
        logins.append(DemoLogin(email, role, password))
    return logins


def _people_lines(base_url: str, people: list[DemoLogin]) -> list[str]:
    lines = [
        f"  people (sign in to the console at {base_url}/login, or with POST /api/auth/login):"
    ]
    for person in people:
        password = person.password or "(made by an earlier run: as printed then)"
        lines.append(f"    {person.role.value:<8} {person.email:<26} password: {password}")
    first = next((p for p in people if p.password), None)
    if first is not None:
        body = shlex.quote(json.dumps({"email": first.email, "password": first.password}))
        lines.append(
            f"    curl -s -X POST {base_url}/api/auth/login "
            f"-H 'Content-Type: application/json' -d {body}"
        )
    return lines


def banner(
    base_url: str,
    secret: str,
    fans: list[Fan],
    kept_in: Path | None = None,
    people: list[DemoLogin] | None = None,
) -> str:
    """`kept_in`: the file the made-up secret lives in, when it was made up."""
    token = issue_token(secret, DEV_USER, ttl=timedelta(days=7))
    auth = shlex.quote(f"Authorization: Bearer {token}")
    body = shlex.quote(f'{{"recipientId": {fans[0].id}, "content": "Hello from fancrm!"}}')
    fan_list = ", ".join(f"{f.id}={f.handle}" for f in fans)
    return "\n".join(
        [
            "",
            f"fancrm dev server on {base_url} (everything in memory unless configured)",
            f"  console: {base_url}/   (sign in as one of the people below)",
            f"  account: {DEV_USER}     demo fans: {fan_list}",
            f"  token: {token}   (the service token: acts as the account's owner)",
            "  send a message:",
            f"    curl -s -X POST {base_url}/api/onlyfans/messaging/send -H {auth} "
            f"-H 'Content-Type: application/json' -d {body}",
            "  then watch the queue:",
            f"    curl -s {base_url}/api/onlyfans/messaging/status -H {auth}",
            *_people_lines(base_url, people or []),
            f"  API docs: {base_url}/schema",
            *(
                [f"  tokens outlive restarts: the secret is kept in {kept_in} (or set JWT_SECRET)"]
                if kept_in
                else []
            ),
            "",
        ]
    )
