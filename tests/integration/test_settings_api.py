"""Account settings over HTTP: defaults, changes within bounds, 400s naming the field, tenants
apart; and blocked words refusing every outbound path with nothing written."""

from __future__ import annotations

import pytest

from core.settings import DEFAULT_BLOCKED_WORDS
from tests.integration.conftest import Api

SETTINGS = "/api/crm/settings"
ALICE, BOB = "creator-a", "creator-b"


async def test_an_account_starts_with_the_defaults(api: Api) -> None:
    body = (await api.client.get(SETTINGS, headers=api.auth(ALICE))).json()

    assert body == {
        "timeZone": "UTC",
        "quietHours": None,
        "ratePerMinute": 10,
        "burst": 10,
        "blockedWords": list(DEFAULT_BLOCKED_WORDS),
        "updatedAt": None,
    }


async def test_patch_changes_only_what_is_given_and_only_for_that_account(api: Api) -> None:
    change = {"timeZone": "Europe/Berlin", "quietHours": {"start": "23:00", "end": "07:30"}}
    answer = await api.client.patch(SETTINGS, json=change, headers=api.auth(ALICE))
    assert answer.status_code == 200, answer.text
    answer = await api.client.patch(SETTINGS, json={"burst": 3}, headers=api.auth(ALICE))

    body = (await api.client.get(SETTINGS, headers=api.auth(ALICE))).json()
    assert body == answer.json()
    assert (body["timeZone"], body["quietHours"], body["burst"], body["ratePerMinute"]) == (
        "Europe/Berlin", {"start": "23:00", "end": "07:30"}, 3, 10,
    )  # fmt: skip
    assert (await api.client.get(SETTINGS, headers=api.auth(BOB))).json()["timeZone"] == "UTC"
    removed = await api.client.patch(SETTINGS, json={"quietHours": None}, headers=api.auth(ALICE))
    assert removed.json()["quietHours"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timeZone": "Mars/Olympus"}, "timeZone"),
        ({"timeZone": "../etc/passwd"}, "timeZone"),
        ({"ratePerMinute": 0}, "ratePerMinute"),
        ({"ratePerMinute": 61}, "ratePerMinute"),
        ({"burst": 0}, "burst"),
        ({"burst": 61}, "burst"),
        ({"quietHours": {"start": "24:00", "end": "08:00"}}, "quietHours.start"),
        ({"quietHours": {"start": "01:00", "end": "8:00"}}, "quietHours.end"),
        ({"quietHours": {"start": "08:00", "end": "08:00"}}, "quietHours.end"),
        ({"blockedWords": ["ok", " "]}, "blockedWords"),
        ({"blockedWords": ["x" * 101]}, "blockedWords"),
    ],
)
async def test_a_bad_value_is_a_400_naming_it_and_changes_nothing(
    api: Api, change: dict, field: str
) -> None:
    answer = await api.client.patch(SETTINGS, json={"burst": 4, **change}, headers=api.auth(ALICE))

    assert answer.status_code == 400, answer.text
    assert field in answer.text
    assert (await api.client.get(SETTINGS, headers=api.auth(ALICE))).json()["burst"] == 10


async def test_blocked_words_refuse_sends_batches_and_campaigns_writing_nothing(api: Api) -> None:
    fan = await api.fan(ALICE)
    auth = api.auth(ALICE)
    await api.client.patch(SETTINGS, json={"blockedWords": ["Cash App", "zelle"]}, headers=auth)

    send = await api.client.post(
        "/api/onlyfans/messaging/send",
        json={"recipientId": fan, "content": "Pay me on CASH-APP? no: on cash  app!"},
        headers=auth,
    )
    batch = await api.client.post(
        "/api/onlyfans/messaging/send-batch",
        json={"messages": [{"recipientId": fan, "content": "fine"},
                           {"recipientId": fan, "content": "Zéllé me"}]},
        headers=auth,
    )  # fmt: skip
    bulk = await api.client.post(
        "/api/messages/bulk",
        json={"campaignName": "c", "content": "use ZELLE.", "recipientIds": [fan]},
        headers=auth,
    )

    assert send.status_code == 400
    assert send.json()["detail"] == {"field": "content", "word": "Cash App"}
    assert "content" in send.json()["error"]
    assert "Cash App" in send.json()["error"]
    results = batch.json()["results"]
    assert results[0]["status"] == "queued"
    assert results[1]["messageId"] is None
    assert "zelle" in results[1]["error"]
    assert bulk.status_code == 400
    assert bulk.json()["detail"]["word"] == "zelle"
    campaigns = (await api.client.get("/api/crm/campaigns", headers=auth)).json()
    assert campaigns["total"] == 0
    conversations = (await api.client.get("/api/crm/conversations", headers=auth)).json()
    [conversation] = conversations["items"]
    thread = await api.client.get(
        f"/api/crm/conversations/{conversation['id']}/messages", headers=auth
    )
    assert [m["content"] for m in thread.json()["items"]] == ["fine"]


async def test_settings_are_stored_and_written_again_on_postgres() -> None:
    from adapters.storage.migrator import SchemaMigrator
    from tests.integration.conftest import open_api
    from tests.support.postgres import fresh_database

    async with fresh_database("fancrm_settings") as url:
        await SchemaMigrator(url).upgrade()
        async for api in open_api(DATABASE_URL=url, API_RATE_PER_MINUTE="1000"):
            first = {"timeZone": "Asia/Kolkata", "quietHours": {"start": "22:30", "end": "06:15"}}
            await api.client.patch(SETTINGS, json=first, headers=api.auth(ALICE))
            again = {"blockedWords": ["Venmo"], "ratePerMinute": 60, "burst": 1}
            await api.client.patch(SETTINGS, json=again, headers=api.auth(ALICE))
        # Another process (an empty cache) reads them back from storage.
        async for api in open_api(DATABASE_URL=url, API_RATE_PER_MINUTE="1000"):
            stored = (await api.client.get(SETTINGS, headers=api.auth(ALICE))).json()
            nobody = (await api.client.get(SETTINGS, headers=api.auth(BOB))).json()

    assert stored["timeZone"] == "Asia/Kolkata"
    assert stored["quietHours"] == {"start": "22:30", "end": "06:15"}
    assert (stored["blockedWords"], stored["ratePerMinute"], stored["burst"]) == (["Venmo"], 60, 1)
    assert nobody["updatedAt"] is None
