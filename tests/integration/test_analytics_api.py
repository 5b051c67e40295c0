"""GET /api/onlyfans/analytics over HTTP on the real app, on SQLite and on PostgreSQL: signed
purchase events, sends through the queue and fans created by the API, tenant by tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.campaigns.records import Campaign, CampaignTemplate
from core.messaging.ports import PermanentFailure
from entrypoints.container import resolve
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support.events import BRIDGE_SECRET, encoded, event, signed

ANALYTICS = "/api/onlyfans/analytics"
ZEROS = {"revenueCents": 0, "purchases": 0, "messagesSent": 0, "messagesFailed": 0, "newFans": 0}


@pytest.fixture
async def sqlite_api() -> AsyncIterator[Api]:
    async for built in open_api_on("sqlite", API_RATE_PER_MINUTE="1000"):
        yield built


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    env = {"API_RATE_PER_MINUTE": "1000", "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET}
    async for built in open_api_on(request.param, **env):
        yield built  # its clock starts at 2026-01-01T00:00Z


async def purchase(api: Api, user: str, cents: int, at: str) -> None:
    raw = encoded(event("ppv.purchased", user, "luna", amountCents=cents, occurred_at=at))
    response = await api.client.post("/api/onlyfans/events", content=raw, headers=signed(raw))
    assert response.status_code == 200, response.text


async def analytics(api: Api, user: str, query: str = "") -> dict[str, Any]:
    response = await api.client.get(f"{ANALYTICS}{query}", headers=api.auth(user))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_purchases_and_new_fans_land_on_their_days_for_their_tenant_only(api: Api):
    luna = await api.fan("creator-a", "luna")
    await purchase(api, "creator-a", 700, "2025-12-31T23:59:59.999Z")
    await purchase(api, "creator-a", 300, "2026-01-01T10:00:00Z")
    await purchase(api, "creator-b", 5_000, "2026-01-01T10:00:00Z")

    report = await analytics(api, "creator-a")

    assert (report["from"], report["to"], report["timezone"]) == ("2025-12-03", "2026-01-01", "UTC")
    days = {day.pop("date"): day for day in report["days"]}
    assert len(days) == 30
    assert days["2025-12-31"] == {**ZEROS, "revenueCents": 700, "purchases": 1}
    assert days["2026-01-01"] == {**ZEROS, "revenueCents": 300, "purchases": 1, "newFans": 1}
    assert all(day == ZEROS for at, day in days.items() if at < "2025-12-31")
    assert report["totals"] == {**ZEROS, "revenueCents": 1_000, "purchases": 2, "newFans": 1}
    [top] = report["topFans"]
    assert top == {
        "fanId": luna, "platform": "onlyfans", "handle": "luna", "name": None,
        "spentCents": 1_000, "purchases": 2, "valueCents": 1_000,
    }  # fmt: skip
    bobs = await analytics(api, "creator-b")
    assert bobs["totals"] == {**ZEROS, "revenueCents": 5_000, "purchases": 1, "newFans": 1}
    assert [fan["spentCents"] for fan in bobs["topFans"]] == [5_000]


# The two below reach into the app's container (the queue worker, the storage) from the test's
# event loop, which only in-memory SQLite allows; the contract suite runs the same SQL on
# PostgreSQL.


async def test_sent_and_failed_messages_count_on_the_day_they_were_sent_or_failed(
    sqlite_api: Api,
):
    api = sqlite_api
    luna = await api.fan("creator-a", "luna")
    (await resolve(api.container.delivery)).script(PermanentFailure("blocked"))
    for _ in range(3):
        body = {"recipientId": luna, "content": "hi"}
        sent = await api.client.post(
            "/api/onlyfans/messaging/send", json=body, headers=api.auth("creator-a")
        )
        assert sent.status_code == 202, sent.text
    await api.drain()

    report = await analytics(api, "creator-a", "?from=2026-01-01&to=2026-01-02")

    [today, tomorrow] = report["days"]
    assert today == {
        **ZEROS, "date": "2026-01-01", "messagesSent": 2, "messagesFailed": 1, "newFans": 1,
    }  # fmt: skip
    assert tomorrow == {**ZEROS, "date": "2026-01-02"}
    assert (await analytics(api, "creator-b"))["totals"] == ZEROS


async def test_a_period_of_one_day_and_top_fans_ranked_by_spend_in_it(api: Api):
    for handle, cents in (("luna", 100), ("nova", 900), ("mia", 500)):
        raw = encoded(
            event(
                "ppv.purchased",
                "creator-a",
                handle,
                amountCents=cents,
                occurred_at="2025-12-31T12:00:00Z",
            )
        )
        assert (
            await api.client.post("/api/onlyfans/events", content=raw, headers=signed(raw))
        ).status_code == 200
    await purchase(api, "creator-a", 10_000, "2025-12-30T12:00:00Z")  # luna, the day before

    report = await analytics(api, "creator-a", "?from=2025-12-31&to=2025-12-31&top=2")

    assert [day["date"] for day in report["days"]] == ["2025-12-31"]
    assert [(f["handle"], f["spentCents"]) for f in report["topFans"]] == [
        ("nova", 900),
        ("mia", 500),
    ]
    assert report["topFans"][0]["valueCents"] == 900  # lifetime, beside the period's spend


async def test_campaigns_created_in_the_period_with_counters_and_revenue(sqlite_api: Api):
    api = sqlite_api
    storage = await resolve(api.container.storage)
    async with storage.begin() as uow:
        for name, at in (
            ("old", datetime(2025, 11, 1, tzinfo=UTC)),
            ("new", datetime(2025, 12, 20, tzinfo=UTC)),
        ):
            await uow.campaigns.add(
                Campaign(
                    None, "creator-a", name, CampaignTemplate("hi"), revenue_cents=42, created_at=at
                )
            )

    report = await analytics(api, "creator-a")

    [campaign] = report["campaigns"]
    assert (campaign["name"], campaign["createdAt"], campaign["revenueCents"]) == (
        "new", "2025-12-20T00:00:00Z", 42,
    )  # fmt: skip
    assert (campaign["targeted"], campaign["sent"], campaign["failed"]) == (0, 0, 0)
    assert (await analytics(api, "creator-b"))["campaigns"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("from=2026-01-02&to=2026-01-01", "from"),
        ("from=2024-01-01&to=2026-01-01", "from"),
        ("to=9999-12-31", "to"),
        ("top=0", "top"),
        ("top=101", "top"),
    ],
)
async def test_bad_queries_are_400_naming_the_field(api: Api, query: str, field: str):
    response = await api.client.get(f"{ANALYTICS}?{query}", headers=api.auth("creator-a"))

    assert response.status_code == 400, response.text
    assert (
        response.json()["error"].startswith(f"{field} ")
        or f": {field}:" in response.json()["error"]
    )


async def test_analytics_needs_a_token(api: Api):
    assert (await api.client.get(ANALYTICS)).status_code == 401


# Days anywhere in the calendar (its ends included), numbers past any range, and plain junk.
days = st.dates().map(date.isoformat) | st.sampled_from(["0001-01-01", "9999-12-31"])
values = days | st.text(max_size=12) | st.integers().map(str) | st.just("")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.dictionaries(st.sampled_from(["from", "to", "top"]), values, max_size=3))
async def test_whatever_the_query_the_answer_is_never_a_500(api: Api, query: dict[str, str]):
    response = await api.client.get(ANALYTICS, params=query, headers=api.auth("creator-a"))

    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["detail"]
