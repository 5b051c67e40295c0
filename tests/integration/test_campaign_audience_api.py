"""Counting a campaign's audience without making one (POST /api/crm/campaigns/audience), on
SQLite and PostgreSQL: the count is what the bulk send then targets, only the caller's fans
count, and a bad segment is a 400 naming its field with nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.integration.test_campaigns_no_500 import BAD_AUDIENCES
from tests.integration.test_no_500 import fields_named
from tests.support.campaigns import fanned_out

AUDIENCE = "/api/crm/campaigns/audience"
BULK = "/api/messages/bulk"
CAMPAIGNS = "/api/crm/campaigns"
ALICE, BOB = "creator-alice", "creator-bob"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        yield built


async def fan(api: Api, user: str, handle: str, **fields: object) -> int:
    body = {"platform": "onlyfans", "handle": handle, **fields}
    response = await api.client.post("/api/crm/fans", json=body, headers=api.auth(user))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def count(api: Api, body: dict, user: str = ALICE) -> dict:
    response = await api.client.post(AUDIENCE, json=body, headers=api.auth(user))
    assert response.status_code == 200, response.text
    return response.json()


async def targeted(api: Api, body: dict) -> int:
    """The campaign's `targeted` once its fan-out is complete."""
    sent = await api.client.post(
        BULK, json={"campaignName": "spring", "content": "hi", **body}, headers=api.auth(ALICE)
    )
    assert sent.status_code == 202, sent.text
    one = await fanned_out(api.client, sent.json()["campaignId"], api.auth(ALICE))
    return int(one["counters"]["targeted"])


SEGMENTS = [
    pytest.param({"segment": {}}, 5, id="every-fan"),
    pytest.param({"segment": {"tagsAny": ["vip", "new"]}}, 3, id="tags-any"),
    pytest.param({"segment": {"tagsAll": ["vip", "whale"]}}, 1, id="tags-all"),
    pytest.param({"segment": {"tagsNone": ["vip"]}}, 3, id="tags-none"),
    pytest.param({"segment": {"minValueCents": 1000, "maxValueCents": 50000}}, 2, id="spend"),
    pytest.param({"segment": {"platform": "fansly"}}, 1, id="platform"),
    pytest.param({"segment": {"tagsAny": ["vip"], "excludeFanIds": [1]}}, 1, id="excluded"),
]


@pytest.mark.parametrize(("body", "fans"), SEGMENTS)
async def test_the_count_is_what_a_campaign_for_the_same_audience_targets(
    api: Api, body: dict, fans: int
) -> None:
    await fan(api, ALICE, "luna", tags=["vip", "whale"], valueCents=90000)  # id 1
    await fan(api, ALICE, "mia", tags=["vip"], valueCents=1000)
    await fan(api, ALICE, "nova", tags=["new"], valueCents=50000)
    await fan(api, ALICE, "olive", valueCents=999)
    await fan(api, ALICE, "pia", platform="fansly")
    for n in range(3):  # another creator's fans, matching every segment above: none count
        await fan(api, BOB, f"bob{n}", tags=["vip", "new", "whale"], valueCents=20000)

    counted = await count(api, body)

    assert counted == {"fans": fans, "unknownRecipientIds": [], "maxRecipients": 100_000}
    assert await targeted(api, body) == fans


async def test_named_ids_that_are_not_the_callers_fans_are_listed_not_counted(api: Api) -> None:
    mine = await fan(api, ALICE, "luna")
    bobs = await fan(api, BOB, "other")

    counted = await count(api, {"recipientIds": [mine, mine, bobs, 999_999]})

    assert (counted["fans"], counted["unknownRecipientIds"]) == (1, sorted([bobs, 999_999]))
    assert (await count(api, {"recipientIds": [bobs]}, BOB))["fans"] == 1  # Bob's own, for Bob


BAD = [
    pytest.param({}, "recipientIds", id="no-audience"),
    *BAD_AUDIENCES,
    pytest.param({"segment": {}, "campaignName": "x"}, "campaignName", id="unknown-field"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
async def test_a_bad_audience_is_a_400_naming_the_field_and_writes_nothing(
    api: Api, body: dict, field: str
) -> None:
    await fan(api, ALICE, "luna")

    response = await api.client.post(AUDIENCE, json=body, headers=api.auth(ALICE))

    assert response.status_code == 400, response.text
    named = fields_named(response)
    assert any(name.removeprefix("$.").startswith(field) for name in named), named
    listed = await api.client.get(CAMPAIGNS, headers=api.auth(ALICE))
    assert listed.json()["total"] == 0
