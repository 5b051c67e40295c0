"""POST /api/onlyfans/events: signed by the bridge, applied once, tenant by tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.conftest import Api, open_api
from tests.support.events import BRIDGE_SECRET, encoded, event, signed

EVENTS = "/api/onlyfans/events"


@pytest.fixture
async def bridge() -> AsyncIterator[Api]:
    async for built in open_api(API_RATE_PER_MINUTE="1000", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET):
        yield built


async def post_event(api: Api, body: dict[str, Any]) -> Any:
    raw = encoded(body)
    return await api.client.post(EVENTS, content=raw, headers=signed(raw))


async def fans_of(api: Api, user: str) -> list[dict[str, Any]]:
    response = await api.client.get("/api/crm/fans", headers=api.auth(user))
    return list(response.json()["items"])


async def inbox_of(api: Api, user: str) -> list[dict[str, Any]]:
    response = await api.client.get("/api/crm/conversations", headers=api.auth(user))
    return list(response.json()["items"])


async def test_a_signed_message_creates_the_fan_and_an_unread_conversation(bridge: Api) -> None:
    body = event("message.received", "creator-a", "@Luna", text="hi!", name="Luna")

    response = await post_event(bridge, body)

    assert response.status_code == 200, response.text
    assert response.json() == {"duplicate": False}
    [fan] = await fans_of(bridge, "creator-a")
    assert (fan["handle"], fan["name"]) == ("luna", "Luna")
    [conversation] = await inbox_of(bridge, "creator-a")
    assert conversation["unreadCount"] == 1
    assert conversation["lastMessageAt"] == "2026-01-01T10:00:00Z"
    thread = await bridge.client.get(
        f"/api/crm/conversations/{conversation['id']}/messages", headers=bridge.auth("creator-a")
    )
    [message] = thread.json()["items"]
    assert (message["direction"], message["status"], message["content"]) == (
        "in",
        "received",
        "hi!",
    )
    assert await inbox_of(bridge, "creator-b") == []


async def test_a_replayed_event_answers_duplicate_and_changes_nothing(bridge: Api) -> None:
    body = event("message.received", "creator-a", text="once")
    purchase = event("ppv.purchased", "creator-a", amountCents=700)
    for _ in range(2):
        await post_event(bridge, purchase)

    first, again = await post_event(bridge, body), await post_event(bridge, body)

    assert first.json() == {"duplicate": False}
    assert again.status_code == 200
    assert again.json() == {"duplicate": True}
    [conversation] = await inbox_of(bridge, "creator-a")
    assert conversation["unreadCount"] == 1
    [fan] = await fans_of(bridge, "creator-a")
    assert fan["valueCents"] == 700


async def test_the_same_event_id_of_another_creator_is_not_a_replay(bridge: Api) -> None:
    for user in ("creator-a", "creator-b"):
        response = await post_event(
            bridge, event("ppv.purchased", user, event_id="e-1", amountCents=5)
        )
        assert response.json() == {"duplicate": False}

    assert [f["valueCents"] for f in await fans_of(bridge, "creator-b")] == [5]


async def test_a_purchase_adds_to_the_fans_value_only_for_that_creator(bridge: Api) -> None:
    luna_a = await bridge.fan("creator-a", "luna")
    await bridge.fan("creator-b", "luna")

    for amount in (1200, 300):
        await post_event(bridge, event("ppv.purchased", "creator-a", amountCents=amount))

    fan = await bridge.client.get(f"/api/crm/fans/{luna_a}", headers=bridge.auth("creator-a"))
    assert fan.json()["valueCents"] == 1500
    assert [f["valueCents"] for f in await fans_of(bridge, "creator-b")] == [0]


async def test_subscribe_and_unsubscribe_mark_the_fan(bridge: Api) -> None:
    await post_event(bridge, event("fan.subscribed", "creator-a", name="Nova"))
    [subscribed] = await fans_of(bridge, "creator-a")
    later = event("fan.unsubscribed", "creator-a", occurred_at="2026-02-01T00:00:00Z")
    await post_event(bridge, later)
    [unsubscribed] = await fans_of(bridge, "creator-a")

    assert subscribed["subscribedAt"] == "2026-01-01T10:00:00Z"
    assert subscribed["name"] == "Nova"
    assert subscribed["unsubscribedAt"] is None
    # When they joined stays known after they leave.
    assert unsubscribed["subscribedAt"] == "2026-01-01T10:00:00Z"
    assert unsubscribed["unsubscribedAt"] == "2026-02-01T00:00:00Z"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Fancrm-Signature": "sha256=" + "0" * 64},
        {"X-Fancrm-Signature": "not-a-signature"},
        signed(b"{}", secret="someone-elses-secret"),
    ],
    ids=["missing", "wrong-digest", "malformed", "other-secret"],
)
async def test_a_missing_or_bad_signature_is_401_and_nothing_happens(
    bridge: Api, headers: dict[str, str]
) -> None:
    raw = encoded(event("message.received", "creator-a", text="hi"))

    response = await bridge.client.post(EVENTS, content=raw, headers=headers)

    assert response.status_code == 401
    assert "X-Fancrm-Signature" in response.json()["error"]
    assert await fans_of(bridge, "creator-a") == []


async def test_a_body_altered_after_signing_is_401(bridge: Api) -> None:
    raw = encoded(event("ppv.purchased", "creator-a", amountCents=100))
    altered = raw.replace(b"100", b"900")

    response = await bridge.client.post(EVENTS, content=altered, headers=signed(raw))

    assert response.status_code == 401
    assert await fans_of(bridge, "creator-a") == []


async def test_a_jwt_does_not_replace_the_signature(bridge: Api) -> None:
    raw = encoded(event("ppv.purchased", "creator-a", amountCents=100))

    response = await bridge.client.post(EVENTS, content=raw, headers=bridge.auth("creator-a"))

    assert response.status_code == 401


async def test_without_a_configured_secret_events_are_refused_with_503(api: Api) -> None:
    raw = encoded(event("ppv.purchased", "creator-a", amountCents=100))

    response = await api.client.post(EVENTS, content=raw, headers=signed(raw))

    assert response.status_code == 503
    assert "DELIVERY_WEBHOOK_SECRET" in response.json()["error"]


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_without(event("ppv.purchased", "a", amountCents=1), "id"), "id"),
        (event("fan.renamed", "a"), "type"),
        (_without(event("ppv.purchased", "a", amountCents=1), "userId"), "userId"),
        ({**event("fan.subscribed", "a"), "occurredAt": "yesterday"}, "occurredAt"),
        ({**event("fan.subscribed", "a"), "occurredAt": "2026-01-01T10:00:00"}, "occurredAt"),
        (event("ppv.purchased", "a", amountCents=-5), "data.amountCents"),
        (event("ppv.purchased", "a"), "data.amountCents"),
        (event("ppv.purchased", "a", amountCents=5, messageId="nope"), "data.messageId"),
        (event("fan.subscribed", "a", handle=""), "data.fanHandle"),
        (event("fan.subscribed", "a", handle="x" * 65), "data.fanHandle"),
        (_without(event("fan.subscribed", "a"), "data", "fanHandle"), "data.fanHandle"),
        (
            {**event("fan.subscribed", "a"), "data": {"fanHandle": "a", "platform": "myspace"}},
            "data.platform",
        ),
        (event("message.received", "a", text=""), "data.text"),
        (event("message.received", "a", text="x" * 5001), "data.text"),
        ({**event("fan.subscribed", "a"), "data": ["no"]}, "data"),
    ],
)
async def test_a_bad_body_is_400_naming_the_field(
    bridge: Api, body: dict[str, Any], field: str
) -> None:
    response = await post_event(bridge, body)

    assert response.status_code == 400, response.text
    assert field in response.json()["error"]
    assert response.json()["detail"]["field"] == field


async def test_malformed_json_is_400_not_500(bridge: Api) -> None:
    raw = b'{"id": "e1", "type":'

    response = await bridge.client.post(EVENTS, content=raw, headers=signed(raw))

    assert response.status_code == 400
    assert "body" in response.json()["error"]


async def test_the_events_endpoint_is_not_held_to_a_creators_api_limit() -> None:
    async for api in open_api(API_RATE_PER_MINUTE="1", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET):
        statuses = [
            (await post_event(api, event("ppv.purchased", "creator-a", amountCents=1))).status_code
            for _ in range(5)
        ]
        assert statuses == [200] * 5
