"""A body field the API does not know is a 400 naming it, and the row stays as it was."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Api

FANS = "/api/crm/fans"
REPLIES = "/api/crm/quick-replies"


@pytest.mark.parametrize("method", ["put", "patch"])
async def test_an_edit_with_an_unknown_field_changes_nothing(api: Api, method: str) -> None:
    created = await api.client.post(
        FANS, json={"platform": "onlyfans", "handle": "luna"}, headers=api.auth("a")
    )
    url = f"{FANS}/{created.json()['id']}"
    before = await api.client.get(url, headers=api.auth("a"))
    api.clock.advance(60)

    body = {"valueCent": 700} if method == "patch" else {"platform": "onlyfans", "handle": "luna"}
    if method == "put":
        body["nickname"] = "lu"
    response = await api.client.request(method.upper(), url, json=body, headers=api.auth("a"))

    assert response.status_code == 400, response.text
    field = "valueCent" if method == "patch" else "nickname"
    assert field in response.json()["error"]
    after = await api.client.get(url, headers=api.auth("a"))
    assert after.json() == before.json()
    assert after.headers["etag"] == before.headers["etag"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (REPLIES, {"title": "hi", "content": "hello", "tone": "warm"}),
        ("/api/onlyfans/messaging/send", {"recipientId": 1, "content": "hi", "prio": 9}),
        ("/api/messages/bulk", {"campaignName": "x", "content": "hi", "recipientIds": [1], "x": 1}),
    ],
)
async def test_a_create_with_an_unknown_field_is_refused(api: Api, path: str, body: dict) -> None:
    response = await api.client.post(path, json=body, headers=api.auth("a"))
    assert response.status_code == 400, response.text
    unknown = (
        set(body) - {"title", "content", "recipientId", "campaignName", "recipientIds"}
    ).pop()
    assert response.json()["error"] == f"invalid request: {unknown}: unknown field"
