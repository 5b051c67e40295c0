"""The campaign endpoints over HTTP, on SQLite and PostgreSQL: the bulk send, the list and one
campaign with counters, control with its 409s, tenant isolation, and 400s naming the field."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
import sqlalchemy as sa

from adapters.storage.database import SqlAlchemyStorage, is_in_memory
from adapters.storage.tables import campaigns, fans, messages
from core.campaigns.audience import MAX_RECIPIENTS
from entrypoints.container import resolve
from tests.integration.conftest import DATABASES, Api, open_api, open_api_on

BULK = "/api/messages/bulk"
CAMPAIGNS = "/api/crm/campaigns"
ALICE, BOB = "creator-alice", "creator-bob"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(
        request.param, API_RATE_PER_MINUTE="100000", SEND_RATE_PER_MINUTE="60"
    ):
        yield built


async def bulk(api: Api, user: str = ALICE, **body) -> dict:
    """The 202's body, once the fan-out the app started after answering says it is complete."""
    response = await api.client.post(
        BULK, json={"campaignName": "spring", "content": "hi", **body}, headers=api.auth(user)
    )
    assert response.status_code == 202, response.text
    url = f"{CAMPAIGNS}/{response.json()['campaignId']}"
    for _ in range(200):
        if (await api.client.get(url, headers=api.auth(user))).json()["fanOutComplete"]:
            return response.json()
        await asyncio.sleep(0.05)
    raise AssertionError("the fan-out did not complete")


async def test_a_bulk_send_answers_202_with_its_campaign_and_counts(api: Api):
    ids = [await api.fan(ALICE, f"fan{i}") for i in range(3)]
    bobs = await api.fan(BOB, "other")

    answer = await bulk(api, recipientIds=[ids[0], ids[0], bobs], segment={"tagsAny": []})

    assert answer["totalRecipients"] == 4
    assert answer["queued"] == 3
    assert (answer["failed"], answer["failedRecipientIds"]) == (1, [bobs])
    assert answer["status"] == "running"
    assert datetime.fromisoformat(answer["estimatedCompletionTime"]) is not None
    one = await api.client.get(f"{CAMPAIGNS}/{answer['campaignId']}", headers=api.auth(ALICE))
    counters = one.json()["counters"]
    assert one.json()["fanOutComplete"] is True
    assert one.json()["fannedOutAt"] is not None
    assert counters["targeted"] == 3
    assert counters["pending"] + counters["queued"] == 3
    assert counters["progressPercent"] == 0


async def test_the_list_is_paged_newest_first_and_holds_only_the_callers(api: Api):
    fan = await api.fan(ALICE, "luna")
    first = (await bulk(api, recipientIds=[fan]))["campaignId"]
    second = (await bulk(api, recipientIds=[fan]))["campaignId"]
    await bulk(api, BOB, recipientIds=[await api.fan(BOB, "other")])

    page = (await api.client.get(f"{CAMPAIGNS}?limit=1", headers=api.auth(ALICE))).json()
    rest = (await api.client.get(f"{CAMPAIGNS}?limit=1&offset=1", headers=api.auth(ALICE))).json()

    assert [page["total"], page["items"][0]["id"], rest["items"][0]["id"]] == [2, second, first]
    bad = await api.client.get(f"{CAMPAIGNS}?limit=0", headers=api.auth(ALICE))
    assert bad.status_code == 400
    assert "limit" in bad.text


async def test_another_users_campaign_is_404_for_reads_and_changes(api: Api):
    campaign = (await bulk(api, recipientIds=[await api.fan(ALICE, "luna")]))["campaignId"]

    for method, path in [
        ("GET", ""), ("POST", "/pause"), ("POST", "/resume"), ("POST", "/cancel"),
        ("POST", "/retry-failed"),
    ]:  # fmt: skip
        response = await api.client.request(
            method, f"{CAMPAIGNS}/{campaign}{path}", headers=api.auth(BOB)
        )
        assert response.status_code == 404, (path, response.text)


async def test_control_moves_and_illegal_transitions_are_409(api: Api):
    ids = [await api.fan(ALICE, f"fan{i}") for i in range(4)]
    campaign = (await bulk(api, recipientIds=ids))["campaignId"]
    url = f"{CAMPAIGNS}/{campaign}"

    async def post(action: str) -> tuple[int, dict]:
        response = await api.client.post(f"{url}/{action}", headers=api.auth(ALICE))
        return response.status_code, response.json()

    await every_row_queued(api, url)
    assert (await post("resume"))[0] == 409  # running
    status, paused = await post("pause")
    assert (status, paused["status"]) == (200, "paused")
    assert paused["counters"]["queued"] == 0  # what was queued is held now
    assert (await post("pause"))[0] == 409
    status, resumed = await post("resume")
    assert (status, resumed["status"]) == (200, "running")
    status, cancelled = await post("cancel")
    counters = cancelled["counters"]
    assert (status, cancelled["status"], counters["cancelled"]) == (200, "cancelled", 4)
    assert counters["pending"] == counters["queued"] == counters["held"] == 0
    for action in ("pause", "resume", "cancel", "retry-failed"):
        assert (await post(action))[0] == 409, action


async def every_row_queued(api: Api, url: str) -> None:
    """Once the relay the bulk send started in the background has put every row on the queue. A
    pause while it runs holds what is queued then; the rows it queues after are held by the
    worker that takes them, so until then the pause's answer may count them queued."""
    deadline = asyncio.get_running_loop().time() + 10
    while (await api.client.get(url, headers=api.auth(ALICE))).json()["counters"]["pending"]:
        assert asyncio.get_running_loop().time() < deadline, "the relay left rows pending"
        await asyncio.sleep(0.05)


@pytest.fixture
async def sqlite_api() -> AsyncIterator[Api]:
    """The worker below runs on the test's loop, which only in-memory adapters can share."""
    async for built in open_api(API_RATE_PER_MINUTE="100000"):
        yield built


async def test_a_drained_campaign_is_completed_and_cannot_be_paused(sqlite_api: Api):
    api = sqlite_api
    campaign = (await bulk(api, recipientIds=[await api.fan(ALICE, "luna")]))["campaignId"]
    await api.drain()

    one = (await api.client.get(f"{CAMPAIGNS}/{campaign}", headers=api.auth(ALICE))).json()
    assert one["status"] == "completed"
    assert one["counters"]["sent"] == 1
    assert one["counters"]["progressPercent"] == 100
    paused = await api.client.post(f"{CAMPAIGNS}/{campaign}/pause", headers=api.auth(ALICE))
    assert paused.status_code == 409


async def test_an_audience_past_the_limit_is_a_400_naming_segment_and_writes_nothing(api: Api):
    url = api.container.config.database_url()
    # The app's own pool lives on the app's loop; PostgreSQL gets a storage of the test's.
    storage = await resolve(api.container.storage) if is_in_memory(url) else SqlAlchemyStorage(url)
    now = api.clock.now()
    rows = [
        {"user_id": ALICE, "platform": "onlyfans", "handle": f"f{i}", "created_at": now}
        for i in range(MAX_RECIPIENTS + 1)
    ]
    async with storage.connection(transaction=True) as connection:
        await connection.execute(fans.insert(), rows)

    response = await api.client.post(
        BULK,
        json={"campaignName": "all", "content": "hi", "segment": {}},
        headers=api.auth(ALICE),
    )

    assert response.status_code == 400, response.text
    assert response.json()["detail"]["field"] == "segment"
    async with storage.connection() as connection:
        for table in (campaigns, messages):
            assert await connection.scalar(sa.select(sa.func.count()).select_from(table)) == 0
    if not is_in_memory(url):
        await storage.close()
