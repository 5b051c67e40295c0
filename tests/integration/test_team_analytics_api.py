"""Authorship end to end, and GET /api/onlyfans/analytics/team, over HTTP on the real app on
SQLite and on PostgreSQL: a chatter's send, the fan's purchase naming it (an event signed with
the bridge's secret), the chatter credited in the team figures and another member not, and the
audit log holding both without the message's text.

Nobody can sign in yet, so a member's send is made through the core with their Author; once
people can, `CHATTER` below becomes the chatter's login headers and the same helper sends over
HTTP (one line: see `send_as`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from dependency_injector import providers

from adapters.storage.database import is_in_memory
from core.accounts import Author
from core.messaging.writer import NewMessage
from entrypoints import container as composition
from entrypoints.container import build_container, resolve
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support import authors
from tests.support.events import BRIDGE_SECRET, encoded, event, signed
from tests.support.world import settings_for_tests

ACCOUNT, STRANGER = "creator-a", "creator-b"
TEAM = "/api/onlyfans/analytics/team"
TEXT = "a photo just for you"
# Who sends: an Author goes through the core (members cannot sign in yet); headers go over HTTP.
Credential = Author | dict[str, str]
CHATTER: Credential = authors.CHATTER  # becomes the chatter's login headers once people sign in
OTHER: Credential = authors.OTHER_CHATTER


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    env = {"API_RATE_PER_MINUTE": "1000", "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET}
    async for built in open_api_on(request.param, **env):
        yield built  # its clock starts at 2026-01-01T00:00Z


@asynccontextmanager
async def on_this_loop(api: Api) -> AsyncIterator[Api]:
    """The app's use cases, callable from the test's event loop: its own container on in-memory
    SQLite; on PostgreSQL, whose pool lives on the app's loop, a container of the test's on the
    same database and clock (with a queue and worker of its own, drained by `drain`)."""
    url = api.container.config.database_url()
    if is_in_memory(url):
        yield api
        return
    container = build_container(settings_for_tests(DATABASE_URL=url))
    container.clock.override(providers.Object(api.clock))
    await composition.start(container)
    try:
        yield Api(api.client, container, api.clock)
    finally:
        await composition.stop(container)


async def send_as(api: Api, who: Credential, fan_id: int, text: str = TEXT) -> str:
    """The id of a message `who` sent to the fan, relayed to the queue of `api`'s container."""
    if isinstance(who, Author):
        send = await resolve(api.container.send_message)
        receipt = await send.execute(ACCOUNT, NewMessage(fan_id, text), author=who)
        return str(receipt.message_id)
    body = {"recipientId": fan_id, "content": text}
    response = await api.client.post("/api/onlyfans/messaging/send", json=body, headers=who)
    assert response.status_code == 202, response.text
    return str(response.json()["messageId"])


async def bridge(api: Api, type_: str, handle: str, **data: Any) -> None:
    raw = encoded(event(type_, ACCOUNT, handle, **data))
    response = await api.client.post("/api/onlyfans/events", content=raw, headers=signed(raw))
    assert response.status_code == 200, response.text


async def get(api: Api, path: str, account: str = ACCOUNT) -> dict[str, Any]:
    response = await api.client.get(path, headers=api.auth(account))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_chatters_send_and_its_purchase_credit_that_chatter_alone(api: Api):
    luna, mia = await api.fan(ACCOUNT, "luna"), await api.fan(ACCOUNT, "mia")
    # Luna writes five minutes before the chatter answers (the clock is at 00:00).
    await bridge(api, "message.received", "luna", text="hey", occurred_at="2025-12-31T23:55:00Z")
    async with on_this_loop(api) as core:
        bought = await send_as(core, CHATTER, luna)
        await send_as(core, OTHER, mia, "hello")
        await core.drain()
    await bridge(
        api, "ppv.purchased", "luna", amountCents=900, messageId=bought,
        occurred_at="2026-01-01T10:00:00Z",
    )  # fmt: skip

    team = await get(api, TEAM)

    assert (team["from"], team["to"], team["timezone"]) == ("2025-12-03", "2026-01-01", "UTC")
    assert team["members"] == [
        {
            "userId": "u-chatter", "messagesSent": 1, "conversationsAnswered": 1,
            "revenueCents": 900, "purchases": 1, "repliesTimed": 1, "medianReplySeconds": 300.0,
        },
        {
            "userId": "u-other", "messagesSent": 1, "conversationsAnswered": 1,
            "revenueCents": 0, "purchases": 0, "repliesTimed": 0, "medianReplySeconds": None,
        },
    ]  # fmt: skip
    message = await get(api, f"/api/onlyfans/messaging/{bought}")
    assert (message["author"], message["content"]) == ({"kind": "member", "id": "u-chatter"}, TEXT)
    everything = await api.client.get("/api/crm/audit", headers=api.auth(ACCOUNT))
    assert everything.json()["total"] == 3  # the two sends and the purchase
    assert TEXT not in everything.text
    assert "hello" not in everything.text
    audit = await get(api, "/api/crm/audit?member=u-chatter")
    assert [(e["action"], e["target"]) for e in audit["items"]] == [("message.send", bought)]
    [purchase] = (await get(api, "/api/crm/audit?action=ppv.purchased"))["items"]
    assert (purchase["actor"], purchase["target"]) == ({"kind": "bridge", "id": None}, bought)
    assert purchase["detail"] == {
        "fanId": luna, "amountCents": 900, "creditedKind": "member", "creditedId": "u-chatter",
    }  # fmt: skip
    # Another account sees no member, no entry, no count.
    assert (await get(api, TEAM, STRANGER))["members"] == []
    assert (await get(api, "/api/crm/audit", STRANGER))["total"] == 0


async def test_a_send_with_the_service_token_is_the_services_and_credits_no_member(api: Api):
    luna = await api.fan(ACCOUNT, "luna")
    sent = await send_as(api, api.auth(ACCOUNT), luna)
    await bridge(api, "ppv.purchased", "luna", amountCents=500, messageId=sent)

    message = await get(api, f"/api/onlyfans/messaging/{sent}")
    team = await get(api, TEAM)
    [purchase] = (await get(api, "/api/crm/audit?action=ppv.purchased"))["items"]

    assert message["author"] == {"kind": "service", "id": None}
    assert team["members"] == []
    assert (purchase["detail"]["creditedKind"], purchase["detail"]["creditedId"]) == (
        "service",
        None,
    )


async def test_a_thread_shows_who_sent_each_message(api: Api):
    luna = await api.fan(ACCOUNT, "luna")
    await bridge(api, "message.received", "luna", text="hey", occurred_at="2025-12-31T23:00:00Z")
    async with on_this_loop(api) as core:
        await send_as(core, CHATTER, luna)
    [conversation] = (await get(api, "/api/crm/conversations"))["items"]

    thread = await get(api, f"/api/crm/conversations/{conversation['id']}/messages")

    assert [m["author"] for m in thread["items"]] == [
        {"kind": "member", "id": "u-chatter"},  # newest first
        None,  # the fan's own message
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2025-01-01&to=2026-12-31", "from"),
        ("?from=yesterday", "from"),
        ("?to=2026-02-30", "to"),
    ],
)
async def test_a_bad_period_is_a_400_naming_it(api: Api, query: str, field: str):
    response = await api.client.get(f"{TEAM}{query}", headers=api.auth(ACCOUNT))

    assert response.status_code == 400, response.text
    assert response.json()["detail"]["field"] == field
