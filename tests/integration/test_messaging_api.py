from __future__ import annotations

import uuid

import pytest

from core.messaging.ports import TransientFailure
from entrypoints.container import resolve
from tests.integration.conftest import Api, open_api

SEND = "/api/onlyfans/messaging/send"


async def test_send_answers_202_with_the_receipt_and_the_message_is_then_sent(api: Api) -> None:
    fan = await api.fan("creator-a")
    response = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth("creator-a")
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"messageId", "status", "queuedAt", "queuePosition", "estimatedSendTime"}
    assert (body["status"], body["queuePosition"]) == ("queued", 1)

    await api.drain()
    one = await api.client.get(
        f"/api/onlyfans/messaging/{body['messageId']}", headers=api.auth("creator-a")
    )
    assert one.status_code == 200
    assert (one.json()["status"], one.json()["recipientId"], one.json()["content"]) == (
        "sent",
        fan,
        "hi",
    )


async def test_the_onlyfans_messages_aliases_answer_like_the_originals(api: Api) -> None:
    fan = await api.fan("creator-a")
    sent = await api.client.post(
        "/api/onlyfans/messages/send",
        json={"recipientId": fan, "content": "hi"},
        headers=api.auth("creator-a"),
    )
    assert sent.status_code == 202
    status = await api.client.get("/api/onlyfans/messages/status", headers=api.auth("creator-a"))
    assert status.status_code == 200
    assert status.json()["queue"]["depth"] == 1
    assert status.json()["processing"]["rateLimit"] == "10 messages/minute"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "hi"}, "recipientId"),
        ({"recipientId": 1}, "content"),
        ({"recipientId": 1, "content": "hi", "priority": 0}, "priority"),
        ({"recipientId": 1, "content": "hi", "priority": 11}, "priority"),
        ({"recipientId": 1, "content": "x" * 5001}, "content"),
        ({"recipientId": "one", "content": "hi"}, "recipientId"),
    ],
)
async def test_bad_bodies_are_400_naming_the_field(api: Api, body: dict, field: str) -> None:
    response = await api.client.post(SEND, json=body, headers=api.auth("creator-a"))
    assert response.status_code == 400
    problem = response.json()
    assert field in problem["error"]
    assert problem["detail"][0]["field"] == field


@pytest.mark.parametrize("raw", [b'{"recipientId": 1,', b"{recipientId: 1}", b"not json"])
async def test_broken_json_is_a_400_in_the_one_error_shape(api: Api, raw: bytes) -> None:
    response = await api.client.post(
        SEND, content=raw, headers={**api.auth("creator-a"), "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detail"}
    assert response.json()["error"].startswith("invalid request body:")


async def test_other_creators_fans_and_messages_answer_404(api: Api) -> None:
    fan = await api.fan("creator-a")
    theirs = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth("creator-b")
    )
    assert theirs.status_code == 404
    mine = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth("creator-a")
    )
    message_id = mine.json()["messageId"]
    for method, path in [
        ("GET", f"/api/onlyfans/messaging/{message_id}"),
        ("POST", f"/api/onlyfans/messaging/{message_id}/retry"),
        ("GET", f"/api/crm/fans/{fan}"),
    ]:
        response = await api.client.request(method, path, headers=api.auth("creator-b"))
        assert response.status_code == 404, path
        assert "not found" in response.json()["error"]
    unknown = await api.client.get(
        f"/api/onlyfans/messaging/{uuid.uuid4()}", headers=api.auth("creator-a")
    )
    assert unknown.status_code == 404


async def test_failed_messages_are_listed_and_retried_to_sent(api: Api) -> None:
    fan = await api.fan("creator-a")
    gateway = await resolve(api.container.delivery)
    gateway.script(*[TransientFailure("bridge down")] * 3)
    sent = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth("creator-a")
    )
    message_id = sent.json()["messageId"]
    await api.drain()

    failed = (
        await api.client.get("/api/onlyfans/messaging/failed", headers=api.auth("creator-a"))
    ).json()
    assert failed["total"] == 1
    assert failed["failedMessages"][0]["id"] == message_id
    assert failed["failedMessages"][0]["error"] == "bridge down"
    assert failed["failedMessages"][0]["recipientId"] == fan

    retry = await api.client.post(
        f"/api/onlyfans/messaging/{message_id}/retry", headers=api.auth("creator-a")
    )
    assert retry.json() == {"success": True, "messageId": message_id, "status": "queued"}
    await api.drain()
    one = await api.client.get(
        f"/api/onlyfans/messaging/{message_id}", headers=api.auth("creator-a")
    )
    assert one.json()["status"] == "sent"
    again = await api.client.post(
        f"/api/onlyfans/messaging/{message_id}/retry", headers=api.auth("creator-a")
    )
    assert again.status_code == 409


async def test_a_batch_answers_a_result_per_item(api: Api) -> None:
    fan = await api.fan("creator-a")
    response = await api.client.post(
        "/api/onlyfans/messaging/send-batch",
        json={
            "messages": [{"recipientId": fan, "content": "a"}, {"recipientId": 999, "content": "b"}]
        },
        headers=api.auth("creator-a"),
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["queued"], body["failed"]) == (1, 1)
    assert body["results"][0]["status"] == "queued"
    assert body["results"][1]["error"] == "recipient 999 not found"


async def test_a_batch_over_100_is_a_400_naming_messages(api: Api) -> None:
    response = await api.client.post(
        "/api/onlyfans/messaging/send-batch",
        json={"messages": [{"recipientId": 1, "content": "a"}] * 101},
        headers=api.auth("creator-a"),
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "messages"


async def test_the_kill_switch_answers_503() -> None:
    async for api in open_api(RATE_LIMITER_ENABLED="false"):
        fan = await api.fan("creator-a")
        response = await api.client.post(
            SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth("creator-a")
        )
        assert response.status_code == 503
        assert "switched off" in response.json()["error"]
