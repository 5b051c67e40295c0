"""GET /api/crm/audit over HTTP on the real app, on SQLite and on PostgreSQL: what the API's own
changes leave in the log (as the service credential: the only one until people sign in), newest
first, filtered and paged; never a message's text or a note; another account sees nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.conftest import DATABASES, Api, open_api_on

AUDIT = "/api/crm/audit"
SERVICE = {"kind": "service", "id": None}
SECRET_TEXT = "meet me at the usual place"
SECRET_NOTE = "real name Jane, lives in Leeds"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="1000"):
        yield built


async def log(api: Api, account: str, query: str = "") -> dict[str, Any]:
    response = await api.client.get(f"{AUDIT}{query}", headers=api.auth(account))
    assert response.status_code == 200, response.text
    assert SECRET_TEXT not in response.text
    assert SECRET_NOTE not in response.text
    return dict(response.json())


async def changes(api: Api, account: str) -> dict[str, str]:
    """A send, a batch, a fan change, a campaign and its pause: the ids they made."""
    auth = api.auth(account)
    fan = await api.fan(account, "luna")
    sent = await api.client.post(
        "/api/onlyfans/messaging/send",
        json={"recipientId": fan, "content": SECRET_TEXT},
        headers=auth,
    )
    assert sent.status_code == 202, sent.text
    batch = {"messages": [{"recipientId": fan, "content": SECRET_TEXT}] * 2}
    batched = await api.client.post("/api/onlyfans/messaging/send-batch", json=batch, headers=auth)
    assert batched.status_code == 202, batched.text
    patched = await api.client.patch(
        f"/api/crm/fans/{fan}", json={"notes": SECRET_NOTE, "name": "Luna"}, headers=auth
    )
    assert patched.status_code == 200, patched.text
    bulk = {"campaignName": "spring", "content": SECRET_TEXT, "recipientIds": [fan]}
    campaign = await api.client.post("/api/messages/bulk", json=bulk, headers=auth)
    assert campaign.status_code == 202, campaign.text
    campaign_id = campaign.json()["campaignId"]
    paused = await api.client.post(f"/api/crm/campaigns/{campaign_id}/pause", headers=auth)
    assert paused.status_code in (200, 409), paused.text  # 409: it finished already
    return {"fan": str(fan), "message": sent.json()["messageId"], "campaign": str(campaign_id)}


async def test_the_apis_changes_are_logged_newest_first_without_text(api: Api):
    ids = await changes(api, "creator-a")

    page = await log(api, "creator-a")

    actions = [(e["action"], e["target"]) for e in page["items"]]
    # Newest first: the send is the oldest; the pause (or not, if it finished) the newest.
    assert actions[-4:] == [
        ("campaign.create", ids["campaign"]),
        ("fan.update", ids["fan"]),
        ("message.send_batch", None),
        ("message.send", ids["message"]),
    ]
    assert page["total"] == len(page["items"])
    assert {e["actor"]["kind"] for e in page["items"]} == {"service"}
    by_action = {e["action"]: e for e in page["items"]}
    assert by_action["message.send_batch"]["detail"] == {"count": 2, "scheduled": 0, "refused": 0}
    assert by_action["fan.update"]["detail"] == {"fields": "name,notes"}
    assert by_action["message.send"]["actor"] == SERVICE
    ids_seen = [e["id"] for e in page["items"]]
    assert ids_seen == sorted(ids_seen, reverse=True)


async def test_filters_and_pages(api: Api):
    ids = await changes(api, "creator-a")

    sends = await log(api, "creator-a", "?action=message.send")
    first = await log(api, "creator-a", "?limit=1")
    second = await log(api, "creator-a", "?limit=1&offset=1")
    nobody = await log(api, "creator-a", "?member=u-nobody")

    assert [(e["action"], e["target"]) for e in sends["items"]] == [
        ("message.send", ids["message"])
    ]
    assert sends["total"] == 1
    everything = await log(api, "creator-a")
    assert [first["items"][0], second["items"][0]] == everything["items"][:2]
    assert first["total"] == second["total"] == everything["total"]
    assert (first["limit"], second["offset"]) == (1, 1)
    assert (nobody["items"], nobody["total"]) == ([], 0)


async def test_another_account_sees_nothing_not_even_a_count(api: Api):
    await changes(api, "creator-a")

    theirs = await log(api, "creator-b")
    sends = await log(api, "creator-b", "?action=message.send")

    assert (theirs["items"], theirs["total"]) == ([], 0)
    assert (sends["items"], sends["total"]) == ([], 0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=0", "limit"),
        ("?offset=-1", "offset"),
        ("?member=" + "u" * 129, "member"),
        ("?action=" + "a" * 65, "action"),
        ("?action=message.%00send", "action"),
    ],
)
async def test_a_bad_parameter_is_a_400_naming_it(api: Api, query: str, field: str):
    response = await api.client.get(f"{AUDIT}{query}", headers=api.auth("creator-a"))

    assert response.status_code == 400, response.text
    assert field in response.text


async def test_without_a_token_it_is_401(api: Api):
    assert (await api.client.get(AUDIT)).status_code == 401
