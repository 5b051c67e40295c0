"""Campaigns in chromium: a segment campaign made from the form, its audience counted as the API
counts it, paused and resumed, its counters reaching completion without a reload; and cancel
asks first.

The dev server's own delivery is instant, so a campaign could finish before anyone pauses it.
This module's server delivers through a stand-in bridge (tests/support/bridge.py) that holds
each delivery of the campaign until the test opens its gate: until then nothing can be sent, so
the campaign is still running when it is paused, whatever the machine's speed.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from playwright.sync_api import Page, expect

from tests.browser.harness import Console, running_console, sign_in
from tests.support.bridge import Bridge, Handler, delivering_to

TAG = "spring-test"
FANS = 4
# How long a test waits for what the server's worker does in the background (deliveries, the
# list's next poll) before calling it stuck: a deadline, not a figure it asserts.
SETTLES_WITHIN_MS = 20_000
HELD_AT_MOST_S = 60  # a test that fails before opening the gate does not hold the bridge forever


@pytest.fixture(scope="module")
def console(bridge: Bridge) -> Iterator[Console]:
    """The dev server delivering through the stand-in bridge, waiting on it as long as allowed."""
    with running_console(**delivering_to(bridge, DELIVERY_WEBHOOK_TIMEOUT_S="15")) as console:
        yield console


def held_until(gate: threading.Event) -> Handler:
    """The bridge's answer to one delivery: accepted, once the gate is open."""

    async def respond(_: web.Request) -> web.StreamResponse:
        await asyncio.to_thread(gate.wait, HELD_AT_MOST_S)
        return web.json_response({"ok": True})

    return respond


def nothing_waiting(console: Console) -> None:
    """The demo campaign seeded at start is delivered: the bridge's script is the test's."""
    deadline = time.monotonic() + SETTLES_WITHIN_MS / 1000
    while console.api.get("/api/onlyfans/messaging/status").json()["queue"]["total"]:
        assert time.monotonic() < deadline, "the dev server's own messages are still waiting"
        time.sleep(0.2)


def tagged_fans(console: Console, tag: str, count: int) -> None:
    for n in range(count):
        body = {"platform": "onlyfans", "handle": f"{tag}-{n}", "tags": [tag]}
        assert console.api.post("/api/crm/fans", json=body).status_code == 201


def test_a_segment_campaign_is_paused_resumed_and_completes_before_our_eyes(
    page: Page, console: Console, bridge: Bridge
) -> None:
    tagged_fans(console, TAG, FANS)
    counted = console.api.post("/api/crm/campaigns/audience", json={"segment": {"tagsAny": [TAG]}})
    assert counted.json()["fans"] == FANS
    nothing_waiting(console)
    gate = threading.Event()
    bridge.answer(*[held_until(gate)] * FANS)
    try:
        sign_in(page, console, console.owner)
        page.goto("/campaigns/new")
        page.get_by_label("Campaign name").fill("Spring <sale>")
        page.get_by_label("Message", exact=True).fill("Spring is here: 20% off all week")
        page.get_by_label("Price ($, blank: free)").fill("4.99")
        page.get_by_label("With any of the tags").fill(TAG)

        expect(page.locator('[data-audience="fans"]')).to_have_text(str(FANS))
        preview = page.locator("#campaign-preview")
        expect(preview).to_contain_text("Spring is here: 20% off all week")
        expect(preview).to_contain_text("Unlock for $4.99")
        page.get_by_role("button", name="Send the campaign").click()

        page.wait_for_url(re.compile(r"/campaigns\?created=\d+$"))
        campaign_id = int(page.url.rpartition("=")[2])
        page.evaluate("window.stillTheSamePage = true")
        item = page.locator(f'[data-campaign="{campaign_id}"]')
        expect(item.locator(".campaign-name")).to_have_text("Spring <sale>")  # text, not markup
        expect(item).to_have_attribute("data-status", "running")
        expect(item.locator('[data-count="targeted"]')).to_have_text(str(FANS))

        item.get_by_role("button", name=re.compile("^Pause")).click()
        expect(item).to_have_attribute("data-status", "paused")
        expect(page.get_by_role("status")).to_contain_text("Spring <sale>: paused.")
        resume = item.get_by_role("button", name=re.compile("^Resume"))
        expect(resume).to_be_focused()  # the button that undoes it, where Pause was
    finally:
        gate.set()  # the deliveries held so far go through (or, on a failure, end)

    resume.click()
    expect(item).to_have_attribute("data-status", "completed", timeout=SETTLES_WITHIN_MS)
    expect(item.locator('[data-count="sent"]')).to_have_text(str(FANS))
    expect(item.locator('[data-count="progressPercent"]')).to_have_text("100%")
    assert page.evaluate("window.stillTheSamePage === true")  # the counters came by polling
    expect(item.get_by_role("button")).to_have_count(0)  # nothing left to do to it
    api_view = console.api.get(f"/api/crm/campaigns/{campaign_id}").json()
    assert (api_view["status"], api_view["counters"]["sent"]) == ("completed", FANS)


def test_cancel_asks_first_and_a_no_changes_nothing(page: Page, console: Console) -> None:
    tagged_fans(console, "cancel-test", 1)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = {
        "campaignName": "Tomorrow",
        "content": "See you tomorrow",
        "segment": {"tagsAny": ["cancel-test"]},
        "sendAt": later,
    }
    made = console.api.post("/api/messages/bulk", json=body)
    assert made.status_code == 202, made.text
    campaign_id = made.json()["campaignId"]
    sign_in(page, console, console.owner)
    page.goto("/campaigns")
    item = page.locator(f'[data-campaign="{campaign_id}"]')
    expect(item).to_have_attribute("data-status", "scheduled")
    cancel = item.get_by_role("button", name=re.compile("^Cancel"))

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    cancel.click()
    expect(cancel).to_be_visible()
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    cancel.click()

    expect(item).to_have_attribute("data-status", "cancelled")
    # Had the first click cancelled it, this one would have been refused (409) instead.
    expect(page.get_by_role("status")).to_have_text("Tomorrow: cancelled.")
    assert len(asked) == 2
    assert "Tomorrow" in asked[0]
    assert console.api.get(f"/api/crm/campaigns/{campaign_id}").json()["status"] == "cancelled"
