"""The analytics page in chromium: the charts of a period chosen with the picker are drawn from
seeded data, every bar's value and rendered height are the API's numbers for that period, and
a bar's hover title says its number.

The seeds: purchases on several days (events signed as the bridge signs them), and messages
sent and failed through the real worker, delivered to a stand-in bridge that refuses some. A
send happens now, so this module's server keeps its data in a PostgreSQL database of its own,
where the test then moves some messages' times back by whole days, as if sent on earlier days.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from entrypoints.http.console.formats import money
from tests.browser.harness import Console, running_console, sign_in
from tests.support.bridge import BRIDGE_SECRET, Bridge, answering, delivering_to
from tests.support.dev_server import FANCRM
from tests.support.events import encoded, event, signed
from tests.support.postgres import fresh_database

T = TypeVar("T")
ANALYTICS = "/api/onlyfans/analytics"
SETTLES_WITHIN_S = 20  # how long a send may take to be sent or failed before it is called stuck
TODAY = datetime.now(UTC).date()
FIRST = TODAY - timedelta(days=6)  # the period the test picks: the last seven days
# Purchases: (days ago, cents); and sends: (days ago, how many sent, how many failed).
PURCHASES = ((6, 12_50), (4, 99_00), (4, 1_00), (1, 45_00), (0, 5_00))
SENDS = ((5, 3, 1), (3, 1, 2), (0, 2, 0))
# A message's times moved back by whole days, as if it had been sent then.
BACKDATE = sa.text(
    "UPDATE messages SET created_at = created_at - make_interval(days => :days), "
    "queued_at = queued_at - make_interval(days => :days), "
    "sent_at = sent_at - make_interval(days => :days), "
    "updated_at = updated_at - make_interval(days => :days) "
    "WHERE id = CAST(:id AS uuid)"
)


@contextmanager
def event_loop_thread() -> Iterator[Any]:
    """A function running a coroutine to its end on a loop of its own thread (Playwright's
    sync API holds this thread's)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="analytics-seed", daemon=True)
    thread.start()

    def run(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, loop).result(60)

    try:
        yield run
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh PostgreSQL database migrated to head: its URL."""
    with event_loop_thread() as run:
        made = fresh_database("fancrm_analytics")
        url = run(made.__aenter__())
        try:
            env = {**os.environ, "DATABASE_URL": url}
            subprocess.run([FANCRM, "db", "upgrade"], env=env, check=True, timeout=60)
            yield url
        finally:
            run(made.__aexit__(None, None, None))


@pytest.fixture(scope="module")
def console(database: str, bridge: Bridge) -> Iterator[Console]:
    """The dev server on that database, delivering through the stand-in bridge."""
    env = delivering_to(
        bridge,
        API_RATE_PER_MINUTE="100000",  # the seeding polls each send's status
        DATABASE_URL=database,
    )
    with running_console(**env) as console:
        yield console


@pytest.fixture(scope="module")
def seeded(console: Console, bridge: Bridge, database: str) -> None:
    fan = console.api.get("/api/crm/fans").json()["items"][0]
    for days_ago, cents in PURCHASES:
        bought(console, fan["handle"], cents, TODAY - timedelta(days=days_ago))
    days_ago_of: dict[str, int] = {}
    for days_ago, sent, failed in SENDS:
        bridge.answer(*[answering(422, body="fan blocked the creator")] * failed)
        outcomes = ["failed"] * failed + ["sent"] * sent  # the bridge answers in that order
        for outcome in outcomes:
            days_ago_of[sent_through_the_worker(console, fan["id"], outcome)] = days_ago
    with event_loop_thread() as run:
        run(_backdate(database, days_ago_of))


def bought(console: Console, handle: str, cents: int, day: date) -> None:
    """A purchase at noon on `day`, reported as the bridge does (a signed event)."""
    at = f"{day.isoformat()}T12:00:00Z"
    raw = encoded(event("ppv.purchased", "demo-creator", handle, amountCents=cents, occurred_at=at))
    answer = console.api.post(
        "/api/onlyfans/events", content=raw, headers=signed(raw, BRIDGE_SECRET)
    )
    assert answer.status_code == 200, answer.text


def sent_through_the_worker(console: Console, fan_id: int, outcome: str) -> str:
    """A message sent through the API, once the worker has it `outcome` (sent or failed)."""
    body = {"recipientId": fan_id, "content": "hi"}
    answer = console.api.post("/api/onlyfans/messaging/send", json=body)
    assert answer.status_code == 202, answer.text
    message_id = str(answer.json()["messageId"])
    deadline = time.monotonic() + SETTLES_WITHIN_S
    while (now := status_of(console, message_id)) != outcome:
        assert time.monotonic() < deadline, f"message {message_id} still {now}, not {outcome}"
        time.sleep(0.2)
    return message_id


def status_of(console: Console, message_id: str) -> str:
    answer = console.api.get(f"/api/onlyfans/messaging/{message_id}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["status"])


async def _backdate(url: str, days_ago: dict[str, int]) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for message_id, days in days_ago.items():
                await connection.execute(BACKDATE, {"id": message_id, "days": days})
    finally:
        await engine.dispose()


def pick_period(page: Page, first: date, last: date) -> None:
    page.goto("/analytics")
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("To (included)").fill(last.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/analytics?from={first}&to={last}")


BARS = """() => [...document.querySelectorAll("svg[data-chart]")].flatMap(svg => {
  const plot = svg.querySelector("[data-plot]").getBoundingClientRect();
  return [...svg.querySelectorAll("rect.bar")].map(bar => {
    const box = bar.getBoundingClientRect();
    return {series: bar.dataset.series, date: bar.dataset.date, value: Number(bar.dataset.value),
            top: Number(svg.dataset.top), ratio: box.height / plot.height,
            bottom: box.bottom - plot.bottom, plotHeight: plot.height};
  });
})"""
SERIES = {"revenue": "revenueCents", "sent": "messagesSent", "failed": "messagesFailed"}


@pytest.mark.usefixtures("seeded")
def test_every_bar_is_the_apis_number_for_the_period_picked(page: Page, console: Console) -> None:
    sign_in(page, console, console.owner)
    pick_period(page, FIRST, TODAY)

    report = console.api.get(ANALYTICS, params={"from": str(FIRST), "to": str(TODAY)}).json()
    expected = {
        (series, day["date"]): day[key] for day in report["days"] for series, key in SERIES.items()
    }
    drawn = page.evaluate(BARS)
    assert {(bar["series"], bar["date"]): bar["value"] for bar in drawn} == expected
    assert len(drawn) == 3 * 7
    for series, key in SERIES.items():  # several days of each series drawn, not a flat line
        assert sum(1 for day in report["days"] if day[key]) >= 2, series
    for bar in drawn:  # as high as its value on the chart's scale, standing on its baseline
        assert bar["ratio"] == pytest.approx(bar["value"] / bar["top"], abs=1 / bar["plotHeight"])
        assert abs(bar["bottom"]) <= 1
    totals = report["totals"]
    expect(page.locator('[data-figure="revenue"]')).to_have_text(money(totals["revenueCents"]))
    expect(page.locator('[data-figure="sent"]')).to_have_text(str(totals["messagesSent"]))
    expect(page.locator('[data-figure="failed"]')).to_have_text(str(totals["messagesFailed"]))


@pytest.mark.usefixtures("seeded")
def test_a_bars_hover_title_says_its_number_and_the_table_agrees(
    page: Page, console: Console
) -> None:
    sign_in(page, console, console.owner)
    pick_period(page, FIRST, TODAY)
    day = (TODAY - timedelta(days=4)).isoformat()
    report = console.api.get(ANALYTICS, params={"from": str(FIRST), "to": str(TODAY)}).json()
    cents = next(d["revenueCents"] for d in report["days"] if d["date"] == day)
    assert cents >= 100_00  # the two purchases of that day at least

    bar = page.locator(f'rect[data-series="revenue"][data-date="{day}"]')
    bar.hover()
    expect(bar.locator("title")).to_have_text(f"{day}: revenue {money(cents)}")
    revenue = page.get_by_role("figure", name="Revenue per day")
    revenue.get_by_text("As a table").click()
    row = revenue.get_by_role("row", name=day)
    expect(row).to_be_visible()
    expect(row.get_by_role("cell")).to_have_text(money(cents))


@pytest.mark.usefixtures("seeded")
def test_a_period_from_after_to_shows_the_reason_under_from(page: Page, console: Console) -> None:
    sign_in(page, console, console.owner)
    pick_period(page, TODAY, FIRST)

    expect(page.get_by_label("From")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-from")).to_have_text(f"from ({TODAY}) must not be after to ({FIRST})")
    expect(page.locator("svg[data-chart]")).to_have_count(0)
    page.get_by_role("link", name="Last 7 days").click()
    expect(page.locator('rect[data-series="sent"]')).to_have_count(7)
