"""Authorship end to end, and GET /api/onlyfans/analytics/team, over HTTP on the real app on
SQLite and on PostgreSQL: a chatter signs in and sends, the fan's purchase names that message (an
event signed with the bridge's secret), the chatter is credited in the team figures and another
chatter is not, and the audit log holds both without the message's text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.accounts import Role
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support.events import BRIDGE_SECRET, encoded, event, signed
from tests.support.people import bearer, in_app, person, sign_in

ACCOUNT, STRANGER = "creator-a", "creator-b"
TEAM = "/api/onlyfans/analytics/team"
TEXT = "a photo just for you"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    env = {"API_RATE_PER_MINUTE": "1000", "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET}
    async for built in open_api_on(request.param, **env):
        yield built  # its clock starts at 2026-01-01T00:00Z


async def chatter(api: Api, email: str) -> tuple[str, dict[str, str]]:
    """A chatter of ACCOUNT, signed in: their user id and bearer headers."""
    user = await person(api, email, {ACCOUNT: Role.CHATTER})
    return user.id, bearer((await sign_in(api.client, email))["accessToken"])


async def send_as(api: Api, headers: dict[str, str], fan_id: int, text: str = TEXT) -> str:
    body = {"recipientId": fan_id, "content": text}
    response = await api.client.post("/api/onlyfans/messaging/send", json=body, headers=headers)
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


def figures(user_id: str, email: str, sent: int, cents: int, bought: int, replies: int,
            median: float | None) -> dict[str, Any]:  # fmt: skip
    return {
        "userId": user_id, "email": email, "name": None, "role": "chatter",
        "messagesSent": sent, "conversationsAnswered": sent, "revenueCents": cents,
        "purchases": bought, "repliesTimed": replies, "medianReplySeconds": median,
    }  # fmt: skip


async def test_a_chatters_send_and_its_purchase_credit_that_chatter_alone(api: Api):
    ana, ana_signed_in = await chatter(api, "ana@agency.example")
    bo, bo_signed_in = await chatter(api, "bo@agency.example")
    luna, mia = await api.fan(ACCOUNT, "luna"), await api.fan(ACCOUNT, "mia")
    # Luna writes five minutes before the chatter answers (the clock is at 00:00).
    await bridge(api, "message.received", "luna", text="hey", occurred_at="2025-12-31T23:55:00Z")
    bought = await send_as(api, ana_signed_in, luna)
    await send_as(api, bo_signed_in, mia, "hello")
    await in_app(api.client, api.drain)  # the app's own queue, on the app's loop
    await bridge(
        api, "ppv.purchased", "luna", amountCents=900, messageId=bought,
        occurred_at="2026-01-01T10:00:00Z",
    )  # fmt: skip

    team = await get(api, TEAM)

    assert (team["from"], team["to"], team["timezone"]) == ("2025-12-03", "2026-01-01", "UTC")
    assert team["members"] == [
        figures(ana, "ana@agency.example", 1, 900, 1, 1, 300.0),
        figures(bo, "bo@agency.example", 1, 0, 0, 0, None),
    ]
    message = await get(api, f"/api/onlyfans/messaging/{bought}")
    assert (message["author"], message["content"]) == ({"kind": "member", "id": ana}, TEXT)
    sends = await get(api, "/api/crm/audit?action=message.send")
    assert sends["total"] == 2
    everything = await api.client.get("/api/crm/audit?limit=200", headers=api.auth(ACCOUNT))
    assert TEXT not in everything.text
    assert "hello" not in everything.text
    audit = await get(api, f"/api/crm/audit?member={ana}")
    assert [(e["action"], e["target"]) for e in audit["items"]] == [
        ("message.send", bought),
        ("login.ok", ana),
    ]
    [purchase] = (await get(api, "/api/crm/audit?action=ppv.purchased"))["items"]
    assert (purchase["actor"], purchase["target"]) == ({"kind": "bridge", "id": None}, bought)
    assert purchase["detail"] == {
        "fanId": luna, "amountCents": 900, "creditedKind": "member", "creditedId": ana,
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
    assert team["members"] == []  # the service token is no member, and the account has none
    assert (purchase["detail"]["creditedKind"], purchase["detail"]["creditedId"]) == (
        "service",
        None,
    )


async def test_a_thread_shows_who_sent_each_message(api: Api):
    ana, signed_in = await chatter(api, "ana@agency.example")
    luna = await api.fan(ACCOUNT, "luna")
    await bridge(api, "message.received", "luna", text="hey", occurred_at="2025-12-31T23:00:00Z")
    await send_as(api, signed_in, luna)
    [conversation] = (await get(api, "/api/crm/conversations"))["items"]

    thread = await get(api, f"/api/crm/conversations/{conversation['id']}/messages")

    assert [m["author"] for m in thread["items"]] == [
        {"kind": "member", "id": ana},  # newest first
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
