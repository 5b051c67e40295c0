"""The analytics page over HTTP: its totals, each day's bar, top fans, campaigns and team are the
JSON API's for the same period; a period the API refuses is a 400 with the reason under the
picker's field; a chatter is refused; another account's figures never show."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.accounts import Role
from core.messaging import PermanentFailure
from entrypoints.container import resolve
from tests.integration.conftest import Api, open_api
from tests.support.campaigns import fanned_out
from tests.support.console import ConsoleSession, console_sign_in
from tests.support.events import BRIDGE_SECRET, encoded, event, signed
from tests.support.people import bearer, in_app, person, sign_in

ACCOUNT, OTHER = "stats-acct", "other-stats-acct"
MANAGER, CHATTER = "manager@stats.example", "chatter@stats.example"
PERIOD = "from=2025-12-29&to=2026-01-03"  # the clock starts at 2026-01-01T00:00Z
ANALYTICS = "/api/onlyfans/analytics"
SEND = "/api/onlyfans/messaging/send"


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    env = {"API_RATE_PER_MINUTE": "1000", "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET}
    async for built in open_api(**env):
        yield built


async def signed_in(api: Api, email: str, role: Role) -> ConsoleSession:
    await person(api, email, {ACCOUNT: role})
    return await console_sign_in(api.client, email)


async def from_bridge(api: Api, type_: str, handle: str, account: str = ACCOUNT, **data: Any):
    """An event as the bridge reports it (signed with its secret)."""
    raw = encoded(event(type_, account, handle, **data))
    answer = await api.client.post("/api/onlyfans/events", content=raw, headers=signed(raw))
    assert answer.status_code == 200, answer.text


async def purchase(api: Api, handle: str, cents: int, at: str, **more: Any) -> None:
    await from_bridge(api, "ppv.purchased", handle, amountCents=cents, occurred_at=at, **more)


async def send(api: Api, fan: int, headers: dict[str, str]) -> str:
    answer = await api.client.post(
        SEND, json={"recipientId": fan, "content": "hi"}, headers=headers
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["messageId"])


async def campaign(api: Api) -> None:
    answer = await api.client.post(
        "/api/messages/bulk",
        json={"campaignName": "new year <b>sale</b>", "content": "hi", "segment": {}},
        headers=api.auth(ACCOUNT),
    )
    assert answer.status_code == 202, answer.text
    await fanned_out(api.client, answer.json()["campaignId"], api.auth(ACCOUNT))


async def seeded(api: Api) -> None:
    """Purchases on three days, a chatter's message bought, messages sent and failed on two days
    (the clock moves a day between them), a campaign, and another account's purchase."""
    luna, mia = await api.fan(ACCOUNT, "luna"), await api.fan(ACCOUNT, "mia")
    await person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    chatters = bearer((await sign_in(api.client, CHATTER))["accessToken"])
    gateway = await resolve(api.container.delivery)
    gateway.script(PermanentFailure("blocked"))  # the first delivery fails, the rest go
    for _ in range(3):
        await send(api, luna, api.auth(ACCOUNT))
    # Mia writes five minutes before the chatter answers (the clock is at 00:00).
    await from_bridge(
        api, "message.received", "mia", text="hey", occurred_at="2025-12-31T23:55:00Z"
    )
    bought = await send(api, mia, chatters)
    await in_app(api.client, api.drain)
    api.clock.advance(86_400)  # 2026-01-02
    gateway.script(PermanentFailure("blocked"), PermanentFailure("blocked"))
    for _ in range(3):
        await send(api, mia, api.auth(ACCOUNT))
    await campaign(api)
    await in_app(api.client, api.drain)
    await purchase(api, "luna", 1_250, "2025-12-29T08:00:00Z")
    await purchase(api, "mia", 500, "2025-12-31T23:59:59Z")
    await purchase(api, "mia", 4_000, "2026-01-02T10:00:00Z", messageId=bought)
    await purchase(api, "stranger", 987_654, "2026-01-02T10:00:00Z", account=OTHER)


async def api_figures(api: Api, path: str) -> dict[str, Any]:
    answer = await api.client.get(f"{path}?{PERIOD}", headers=api.auth(ACCOUNT))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def bars(page: str) -> dict[tuple[str, str], int]:
    """(series, day) → the bar's value."""
    found = re.findall(
        r'<rect class="bar [^"]*" data-series="(\w+)" data-date="([\d-]+)" data-value="(\d+)"', page
    )
    return {(series, day): int(value) for series, day, value in found}


def figure(page: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}" data-value="(\d+)"', page)
    assert match, f"no figure {name}"
    return int(match.group(1))


def rows(page: str, key: str) -> list[tuple[str, list[str]]]:
    """Each `data-<key>` row's id and the data-value of its cells."""
    found = re.findall(rf'<tr data-{key}="([^"]+)">(.*?)</tr>', page, re.S)
    return [(row_id, re.findall(r'data-value="([^"]*)"', cells)) for row_id, cells in found]


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="e-{name}">(.*?)</p>', page, re.S)
    assert match, f"no error under {name}"
    return html.unescape(match.group(1))


async def test_the_page_shows_the_apis_figures_for_the_same_period(api: Api) -> None:
    session = await signed_in(api, MANAGER, Role.MANAGER)
    await seeded(api)

    page = await api.client.get(f"/analytics?{PERIOD}", headers=session.headers())

    assert page.status_code == 200, page.text
    report = await api_figures(api, ANALYTICS)
    team = await api_figures(api, f"{ANALYTICS}/team")
    totals = report["totals"]
    # Sent: 3 then 1 of the single sends, 2 of the campaign; not a vacuous match.
    assert [totals[k] for k in ("revenueCents", "messagesSent", "messagesFailed")] == [5_750, 6, 3]
    for name, key in [("revenue", "revenueCents"), ("purchases", "purchases"),
                      ("sent", "messagesSent"), ("failed", "messagesFailed"),
                      ("new-fans", "newFans")]:  # fmt: skip
        assert figure(page.text, name) == totals[key], name
    expected = {}
    for day in report["days"]:
        for series, key in [("revenue", "revenueCents"), ("sent", "messagesSent"),
                            ("failed", "messagesFailed")]:  # fmt: skip
            expected[series, day["date"]] = day[key]
    assert bars(page.text) == expected
    assert len(expected) == 3 * 6  # every day of the period, zeros included
    assert sum(1 for v in expected.values() if v) >= 6  # several days drawn, not all flat
    assert rows(page.text, "fan") == [
        (str(f["fanId"]), [str(f["spentCents"])]) for f in report["topFans"]
    ]
    assert rows(page.text, "campaign") == [
        (str(c["id"]), [str(c["revenueCents"])]) for c in report["campaigns"]
    ]
    [made] = report["campaigns"]  # its name (escaped) links to its page
    assert f'<a href="/campaigns/{made["id"]}">new year &lt;b&gt;sale&lt;/b&gt;</a>' in page.text
    assert rows(page.text, "member") == [
        (m["userId"], [str(m["messagesSent"]), str(m["conversationsAnswered"]),
                       str(m["revenueCents"]),
                       "" if m["medianReplySeconds"] is None else str(m["medianReplySeconds"])])
        for m in team["members"]
    ]  # fmt: skip
    credited = next(m for m in team["members"] if m["revenueCents"] == 4_000)  # the chatter
    assert credited["medianReplySeconds"] == 300
    assert re.search(rf'<tr data-member="{credited["userId"]}">.*?5 min</td>', page.text, re.S)


async def test_another_accounts_figures_are_not_shown(api: Api) -> None:
    session = await signed_in(api, MANAGER, Role.MANAGER)
    await api.fan(OTHER, "stranger")
    await purchase(api, "stranger", 987_654, "2025-12-30T10:00:00Z", account=OTHER)

    page = await api.client.get(f"/analytics?{PERIOD}", headers=session.headers())

    assert page.status_code == 200
    assert figure(page.text, "revenue") == 0
    assert set(bars(page.text).values()) == {0}
    assert "stranger" not in page.text
    assert "9,876.54" not in page.text


async def test_no_period_is_the_apis_default_and_the_quick_links_end_today(api: Api) -> None:
    session = await signed_in(api, MANAGER, Role.MANAGER)

    page = await api.client.get("/analytics", headers=session.headers())

    assert page.status_code == 200
    report = (await api.client.get(ANALYTICS, headers=api.auth(ACCOUNT))).json()
    assert f'value="{report["from"]}"' in page.text
    assert f'value="{report["to"]}"' in page.text
    assert len(bars(page.text)) == 3 * 30
    assert 'href="/analytics?from=2025-12-26&amp;to=2026-01-01">Last 7 days' in page.text
    assert 'href="/analytics?from=2025-12-03&amp;to=2026-01-01" aria-current="true"' in page.text
    assert 'href="/analytics?from=2025-10-04&amp;to=2026-01-01">Last 90 days' in page.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-01-05&to=2026-01-01", "from"),  # from after to
        ("from=2026-02-30", "from"),  # no such day
        ("to=01/02/2026", "to"),  # not YYYY-MM-DD
        ("from=2024-01-01&to=2026-01-01", "from"),  # more than 366 days
        ("to=9999-12-31", "to"),
    ],
)
async def test_a_period_the_api_refuses_is_a_400_under_the_pickers_field(
    api: Api, query: str, field: str
) -> None:
    session = await signed_in(api, MANAGER, Role.MANAGER)

    page = await api.client.get(f"/analytics?{query}", headers=session.headers())

    assert page.status_code == 400
    refused = await api.client.get(f"{ANALYTICS}?{query}", headers=api.auth(ACCOUNT))
    assert refused.status_code == 400
    assert field_error(page.text, field) == refused.json()["error"]
    assert f'id="f-{field}" name="{field}" type="date"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert "data-chart" not in page.text  # no figures for a period that is not one


async def test_a_blank_date_field_is_the_default_bound(api: Api) -> None:
    session = await signed_in(api, MANAGER, Role.MANAGER)

    page = await api.client.get("/analytics?from=&to=2025-12-31", headers=session.headers())

    assert page.status_code == 200
    assert 'value="2025-12-02"' in page.text  # 30 days ending at `to`, as the API's default


async def test_a_chatter_is_refused_the_page(api: Api) -> None:
    session = await signed_in(api, CHATTER, Role.CHATTER)

    page = await api.client.get(f"/analytics?{PERIOD}", headers=session.headers())

    assert page.status_code == 403
    assert "Not for your role" in page.text
    assert "data-chart" not in page.text
