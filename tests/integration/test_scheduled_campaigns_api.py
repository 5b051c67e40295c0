"""Scheduled campaigns over HTTP, on SQLite and PostgreSQL: 202 `scheduled` with nothing
written, edits until it starts, cancel, another tenant's 404, and 400s naming `sendAt`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from core.messaging import TransientFailure
from entrypoints.container import resolve
from tests.integration.conftest import DATABASES, Api, open_api, open_api_on

BULK = "/api/messages/bulk"
CAMPAIGNS = "/api/crm/campaigns"
ALICE, BOB = "creator-alice", "creator-bob"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        yield built


def later(api: Api, hours: float = 2) -> str:
    return (api.clock.now() + timedelta(hours=hours)).isoformat()


async def schedule(api: Api, **body) -> dict:
    response = await api.client.post(
        BULK, json={"campaignName": "eve", "content": "hi", **body}, headers=api.auth(ALICE)
    )
    assert response.status_code == 202, response.text
    return response.json()


async def test_a_scheduled_campaign_is_202_scheduled_and_writes_nothing(api: Api):
    fans = [await api.fan(ALICE, f"fan{i}") for i in range(2)]
    send_at = later(api)
    answer = await schedule(api, recipientIds=fans, sendAt=send_at)
    assert answer["status"] == "scheduled"
    assert answer["queued"] == 2
    assert datetime.fromisoformat(answer["estimatedCompletionTime"]) >= datetime.fromisoformat(
        send_at
    )
    one = await api.client.get(f"{CAMPAIGNS}/{answer['campaignId']}", headers=api.auth(ALICE))
    body = one.json()
    assert body["status"] == "scheduled"
    assert datetime.fromisoformat(body["sendAt"]) == datetime.fromisoformat(send_at)
    assert body["counters"]["targeted"] == 0
    assert body["fanOutComplete"] is False


async def test_edit_until_it_starts_then_cancel(api: Api):
    fans = [await api.fan(ALICE, f"fan{i}") for i in range(2)]
    campaign_id = (await schedule(api, recipientIds=fans[:1], sendAt=later(api)))["campaignId"]
    url = f"{CAMPAIGNS}/{campaign_id}"
    new_time = later(api, 5)
    edited = await api.client.patch(
        url, json={"content": "new", "recipientIds": fans, "sendAt": new_time},
        headers=api.auth(ALICE),
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["content"] == "new"
    assert datetime.fromisoformat(edited.json()["sendAt"]) == datetime.fromisoformat(new_time)
    other = await api.client.patch(url, json={"content": "x"}, headers=api.auth(BOB))
    assert other.status_code == 404
    cancelled = await api.client.post(f"{url}/cancel", headers=api.auth(ALICE))
    assert cancelled.json()["status"] == "cancelled"
    again = await api.client.patch(url, json={"content": "x"}, headers=api.auth(ALICE))
    assert again.status_code == 409


@pytest.mark.parametrize(
    "send_at",
    ["2020-01-01T00:00:00Z", "tomorrow", "2026-13-01T00:00:00Z", 12, "2999-01-01T00:00:00"],
)
async def test_a_bad_send_at_is_400_naming_it_and_writes_nothing(api: Api, send_at: object):
    fan = await api.fan(ALICE, "luna")
    response = await api.client.post(
        BULK,
        json={"campaignName": "eve", "content": "hi", "recipientIds": [fan], "sendAt": send_at},
        headers=api.auth(ALICE),
    )
    assert response.status_code == 400, response.text
    assert "sendAt" in response.text
    listed = await api.client.get(CAMPAIGNS, headers=api.auth(ALICE))
    assert listed.json()["total"] == 0


async def test_a_bad_edit_is_400_naming_the_field_and_changes_nothing(api: Api):
    fan = await api.fan(ALICE, "luna")
    campaign_id = (await schedule(api, recipientIds=[fan], sendAt=later(api)))["campaignId"]
    url = f"{CAMPAIGNS}/{campaign_id}"
    for body, field in (
        ({"sendAt": "2020-01-01T00:00:00Z"}, "sendAt"),
        ({"content": ""}, "content"),
        ({"priority": 11}, "priority"),
    ):
        response = await api.client.patch(url, json=body, headers=api.auth(ALICE))
        assert response.status_code == 400, response.text
        assert field in response.text
    assert (await api.client.get(url, headers=api.auth(ALICE))).json()["content"] == "hi"


SEND = "/api/onlyfans/messaging/send"


async def test_a_scheduled_single_send_is_202_scheduled_with_its_time_as_eta(api: Api):
    fan = await api.fan(ALICE, "luna")
    send_at = later(api)
    response = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi", "sendAt": send_at},
        headers=api.auth(ALICE),
    )  # fmt: skip
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "scheduled"
    eta = datetime.fromisoformat(response.json()["estimatedSendTime"])
    assert eta == datetime.fromisoformat(send_at)
    message_id = response.json()["messageId"]
    one = await api.client.get(f"/api/onlyfans/messaging/{message_id}", headers=api.auth(ALICE))
    assert one.json()["status"] == "scheduled"


@pytest.mark.parametrize("send_at", ["2020-01-01T00:00:00Z", "soon", "2999-01-01T00:00:00"])
async def test_a_bad_send_at_on_a_single_send_is_400_naming_it(api: Api, send_at: str):
    fan = await api.fan(ALICE, "luna")
    response = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi", "sendAt": send_at},
        headers=api.auth(ALICE),
    )  # fmt: skip
    assert response.status_code == 400, response.text
    assert "sendAt" in response.text


async def test_unsend_over_http(api: Api):
    fan = await api.fan(ALICE, "luna")
    sent = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi", "sendAt": later(api)},
        headers=api.auth(ALICE),
    )  # fmt: skip
    url = f"/api/onlyfans/messaging/{sent.json()['messageId']}/unsend"
    assert (await api.client.post(url, headers=api.auth(BOB))).status_code == 404
    cancelled = await api.client.post(url, headers=api.auth(ALICE))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert (await api.client.post(url, headers=api.auth(ALICE))).status_code == 409


@pytest.fixture
async def sqlite_api() -> AsyncIterator[Api]:
    """The queue drained from the test's loop: only in-memory SQLite shares it with the app's."""
    async for built in open_api(API_RATE_PER_MINUTE="100000"):
        yield built


async def test_a_transient_bridge_failure_on_unsend_is_503(sqlite_api: Api):
    api = sqlite_api
    fan = await api.fan(ALICE, "luna")
    sent = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi"}, headers=api.auth(ALICE)
    )
    await api.drain()
    url = f"/api/onlyfans/messaging/{sent.json()['messageId']}/unsend"
    (await resolve(api.container.delivery)).script(TransientFailure("bridge down"))
    failed = await api.client.post(url, headers=api.auth(ALICE))
    assert failed.status_code == 503, failed.text
    unsent = await api.client.post(url, headers=api.auth(ALICE))
    assert unsent.json()["status"] == "unsent"


async def test_a_campaigns_unsend_unread_over_http(api: Api):
    fans = [await api.fan(ALICE, f"fan{i}") for i in range(2)]
    campaign_id = (await schedule(api, recipientIds=fans, sendAt=later(api)))["campaignId"]
    url = f"{CAMPAIGNS}/{campaign_id}/unsend-unread"
    assert (await api.client.post(url, headers=api.auth(BOB))).status_code == 404
    answer = await api.client.post(url, headers=api.auth(ALICE))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "cancelled"
    assert answer.json()["counters"]["unsent"] == 0


async def test_the_openapi_page_shows_the_new_bodies_with_examples(api: Api):
    schema = (await api.client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    for path, verb in ((BULK, "post"), ("/api/crm/campaigns/{campaign_id}", "patch")):
        media = paths[path][verb]["requestBody"]["content"]["application/json"]
        assert "sendAt" in media["example"], path
    send = schema["components"]["schemas"]["SendMessageBody"]["properties"]["sendAt"]
    assert {"type": "string", "format": "date-time"} in send["anyOf"]
    assert "/api/onlyfans/messaging/{message_id}/unsend" in paths
    assert "/api/crm/campaigns/{campaign_id}/unsend-unread" in paths
    bulk = schema["components"]["schemas"]["BulkMessageBody"]["properties"]
    assert {"sendAt", "ratePerMinute", "stopAt", "maxMessages"} <= bulk.keys()
