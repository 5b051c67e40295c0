"""The conversations API: the inbox, a thread, a reply through the queue, marking read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.conftest import Api, open_api
from tests.support.events import BRIDGE_SECRET, encoded, event, signed

CONVERSATIONS = "/api/crm/conversations"


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for built in open_api(API_RATE_PER_MINUTE="1000", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET):
        yield built


async def fan_writes(api: Api, user: str, handle: str, text: str, at: str) -> None:
    await bridge_sends(api, event("message.received", user, handle, text=text, occurred_at=at))


async def bridge_sends(api: Api, body: dict[str, Any]) -> None:
    raw = encoded(body)
    response = await api.client.post("/api/onlyfans/events", content=raw, headers=signed(raw))
    assert response.status_code == 200, response.text


async def send(api: Api, user: str, fan_id: int, content: str = "hello") -> dict[str, Any]:
    response = await api.client.post(
        "/api/onlyfans/messaging/send",
        json={"recipientId": fan_id, "content": content},
        headers=api.auth(user),
    )
    assert response.status_code == 202, response.text
    return dict(response.json())


async def inbox(api: Api, user: str, query: str = "") -> dict[str, Any]:
    response = await api.client.get(f"{CONVERSATIONS}?{query}", headers=api.auth(user))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def conversation_of(api: Api, user: str, handle: str) -> dict[str, Any]:
    items = (await inbox(api, user))["items"]
    return next(c for c in items if c["fanHandle"] == handle)


async def test_the_inbox_lists_newest_activity_first_with_the_total(api: Api) -> None:
    quiet = await api.fan("creator-a", "quiet")
    await send(api, "creator-a", quiet)  # at the clock's 2026-01-01T00:00
    await fan_writes(api, "creator-a", "early", "hi", "2026-01-01T09:00:00Z")
    await fan_writes(api, "creator-a", "late", "hey", "2026-01-01T11:00:00Z")
    await fan_writes(api, "creator-b", "other", "yo", "2026-01-01T12:00:00Z")

    listed = await inbox(api, "creator-a")

    assert [c["fanHandle"] for c in listed["items"]] == ["late", "early", "quiet"]
    assert (listed["total"], listed["limit"], listed["offset"]) == (3, 50, 0)
    assert [c["unreadCount"] for c in listed["items"]] == [1, 1, 0]
    assert listed["items"][0]["lastMessageAt"] == "2026-01-01T11:00:00Z"
    second_page = await inbox(api, "creator-a", "limit=2&offset=2")
    assert [c["fanHandle"] for c in second_page["items"]] == ["quiet"]
    assert second_page["total"] == 3


async def test_sending_moves_the_conversation_to_the_top(api: Api) -> None:
    quiet = await api.fan("creator-a", "quiet")
    await send(api, "creator-a", quiet)
    await fan_writes(api, "creator-a", "luna", "hi", "2026-01-01T09:00:00Z")
    api.clock.advance(10 * 3600)

    await send(api, "creator-a", quiet)

    first = (await inbox(api, "creator-a"))["items"][0]
    assert (first["fanHandle"], first["lastMessageAt"]) == ("quiet", "2026-01-01T10:00:00Z")
    assert first["unreadCount"] == 0


async def test_the_unread_filter_keeps_only_conversations_with_unread_messages(api: Api) -> None:
    quiet = await api.fan("creator-a", "quiet")
    await send(api, "creator-a", quiet)
    await fan_writes(api, "creator-a", "luna", "hi", "2026-01-01T09:00:00Z")

    unread = await inbox(api, "creator-a", "unread=true")

    assert [c["fanHandle"] for c in unread["items"]] == ["luna"]
    assert unread["total"] == 1


async def test_the_inbox_keeps_spenders_subscribers_expired_fans_or_a_search(api: Api) -> None:
    for hour, handle in enumerate(("rich", "mia", "gone", "quiet")):
        await fan_writes(api, "creator-a", handle, "hi", f"2026-01-01T0{hour}:00:00Z")
    await bridge_sends(api, event("ppv.purchased", "creator-a", "rich", amountCents=700))
    await bridge_sends(api, event("fan.subscribed", "creator-a", "mia", name="Mia"))
    await bridge_sends(api, event("fan.subscribed", "creator-a", "gone"))
    await bridge_sends(
        api, event("fan.unsubscribed", "creator-a", "gone", occurred_at="2026-02-01T00:00:00Z")
    )

    async def handles(query: str) -> list[str]:
        return [c["fanHandle"] for c in (await inbox(api, "creator-a", query))["items"]]

    assert await handles("spenders=true") == ["rich"]
    assert await handles("subscription=subscribed") == ["mia"]
    assert await handles("subscription=expired") == ["gone"]
    assert await handles("search=MI") == ["mia"]
    assert await handles("search=%20%20") == ["quiet", "gone", "mia", "rich"]  # blank: no filter
    assert (await inbox(api, "creator-a", "search=nobody"))["total"] == 0


async def test_get_one_conversation_and_its_thread_newest_first(api: Api) -> None:
    for minute, text in enumerate(["one", "two", "three"]):
        await fan_writes(api, "creator-a", "luna", text, f"2026-01-01T09:0{minute}:00Z")
    conversation = await conversation_of(api, "creator-a", "luna")
    url = f"{CONVERSATIONS}/{conversation['id']}"

    one = (await api.client.get(url, headers=api.auth("creator-a"))).json()
    thread = (await api.client.get(f"{url}/messages?limit=2", headers=api.auth("creator-a"))).json()
    rest = (await api.client.get(f"{url}/messages?offset=2", headers=api.auth("creator-a"))).json()

    assert one == conversation
    assert one["unreadCount"] == 3
    assert [m["content"] for m in thread["items"]] == ["three", "two"]
    assert [m["content"] for m in rest["items"]] == ["one"]
    assert thread["total"] == rest["total"] == 3


async def test_a_reply_goes_through_the_queue_like_send_and_lands_in_the_thread(
    api: Api,
) -> None:
    await fan_writes(api, "creator-a", "luna", "hi", "2025-12-31T09:00:00Z")
    conversation = await conversation_of(api, "creator-a", "luna")
    url = f"{CONVERSATIONS}/{conversation['id']}/messages"

    replied = await api.client.post(
        url, json={"content": "hello you", "priority": 7}, headers=api.auth("creator-a")
    )

    assert replied.status_code == 202, replied.text
    receipt = replied.json()
    assert receipt["status"] == "queued"
    assert receipt["queuePosition"] == 1
    newest = (await api.client.get(url, headers=api.auth("creator-a"))).json()["items"][0]
    assert (newest["id"], newest["direction"], newest["status"]) == (
        receipt["messageId"],
        "out",
        "queued",
    )
    assert newest["recipientId"] == conversation["fanId"]
    assert newest["priority"] == 7
    await api.drain()
    sent = await api.client.get(
        f"/api/onlyfans/messaging/{receipt['messageId']}", headers=api.auth("creator-a")
    )
    assert sent.json()["status"] == "sent"


async def test_a_bad_reply_is_400_naming_the_field(api: Api) -> None:
    await fan_writes(api, "creator-a", "luna", "hi", "2026-01-01T09:00:00Z")
    conversation = await conversation_of(api, "creator-a", "luna")
    url = f"{CONVERSATIONS}/{conversation['id']}/messages"

    for body, field in [
        ({"content": ""}, "content"),
        ({"content": "x", "priority": 11}, "priority"),
    ]:
        response = await api.client.post(url, json=body, headers=api.auth("creator-a"))
        assert response.status_code == 400
        assert field in response.json()["error"]


async def test_a_reply_is_refused_when_messaging_is_switched_off() -> None:
    env = {"DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET, "RATE_LIMITER_ENABLED": "false"}
    async for api in open_api(**env):
        await fan_writes(api, "creator-a", "luna", "hi", "2026-01-01T09:00:00Z")
        conversation = await conversation_of(api, "creator-a", "luna")
        url = f"{CONVERSATIONS}/{conversation['id']}/messages"

        response = await api.client.post(url, json={"content": "x"}, headers=api.auth("creator-a"))

        assert response.status_code == 503


async def test_marking_read_zeroes_unread_and_stamps_the_inbound_messages(api: Api) -> None:
    await fan_writes(api, "creator-a", "luna", "hi", "2026-01-01T09:00:00Z")
    await fan_writes(api, "creator-a", "luna", "there?", "2026-01-01T09:01:00Z")
    conversation = await conversation_of(api, "creator-a", "luna")
    await send(api, "creator-a", conversation["fanId"], "yes")
    url = f"{CONVERSATIONS}/{conversation['id']}"

    marked = await api.client.post(f"{url}/read", headers=api.auth("creator-a"))

    assert marked.status_code == 200
    assert marked.json()["unreadCount"] == 0
    thread = (await api.client.get(f"{url}/messages", headers=api.auth("creator-a"))).json()
    read_at = {m["content"]: m["readAt"] for m in thread["items"]}
    assert read_at["hi"] is not None
    assert read_at["there?"] is not None
    assert read_at["yes"] is None  # outbound messages are not "read" by the creator
    assert (await inbox(api, "creator-a", "unread=true"))["total"] == 0


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("GET", "/messages", None),
        ("POST", "/messages", {"content": "hi"}),
        ("POST", "/read", None),
    ],
)
async def test_another_creators_conversation_is_404_and_untouched(
    api: Api, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    await fan_writes(api, "creator-a", "luna", "hi", "2026-01-01T09:00:00Z")
    conversation = await conversation_of(api, "creator-a", "luna")
    url = f"{CONVERSATIONS}/{conversation['id']}{suffix}"

    response = await api.client.request(method, url, json=body, headers=api.auth("creator-b"))
    missing = await api.client.request(
        method, f"{CONVERSATIONS}/999999{suffix}", json=body, headers=api.auth("creator-a")
    )

    assert response.status_code == 404
    assert missing.status_code == 404
    assert response.json()["error"] == missing.json()["error"].replace(
        "999999", str(conversation["id"])
    )
    assert await conversation_of(api, "creator-a", "luna") == conversation
    assert (await inbox(api, "creator-b"))["total"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("unread=maybe", "unread"),
        ("spenders=maybe", "spenders"),
        ("subscription=lapsed", "subscription"),
        ("search=" + "x" * 101, "search"),
        ("search=%00", "search"),
    ],
)
async def test_bad_list_queries_are_400_naming_the_field(api: Api, query: str, field: str) -> None:
    for url in (CONVERSATIONS, f"{CONVERSATIONS}/1/messages"):
        if field not in ("limit", "offset") and url != CONVERSATIONS:
            continue
        response = await api.client.get(f"{url}?{query}", headers=api.auth("creator-a"))
        assert response.status_code == 400, response.text
        assert field in response.json()["error"]


async def test_conversations_need_a_token(api: Api) -> None:
    assert (await api.client.get(CONVERSATIONS)).status_code == 401
