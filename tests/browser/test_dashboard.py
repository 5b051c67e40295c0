"""The dashboard in chromium: a message the platform refused is retried from its failed list, and
the figures follow what happens without a reload.

The dev server's own delivery never fails, so this module's server delivers through a stand-in
bridge (tests/support/bridge.py, a real HTTP server) that refuses what a test tells it to (a 422:
the fan blocked the creator, failed at once) and accepts everything else.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import Console, running_console, sign_in
from tests.support.bridge import Bridge, answering, delivering_to

REFUSAL = "fan blocked the creator"
# A message reaches its end (sent, failed) through the server's in-process worker: seconds at
# most; this is how long a test waits before calling it stuck, not a figure it asserts.
SETTLES_WITHIN_S = 20


@pytest.fixture(scope="module")
def console(bridge: Bridge) -> Iterator[Console]:
    """The dev server, delivering through the stand-in bridge."""
    with running_console(**delivering_to(bridge)) as console:
        yield console


def refused_message(console: Console, bridge: Bridge, text: str) -> str:
    """A message the bridge refuses for good: sent through the API, failed by the worker."""
    bridge.answer(answering(422, body=REFUSAL))
    fan = console.api.get("/api/crm/fans").json()["items"][0]["id"]
    sent = console.api.post(
        "/api/onlyfans/messaging/send", json={"recipientId": fan, "content": text}
    )
    assert sent.status_code == 202, sent.text
    message_id = str(sent.json()["messageId"])
    settled(console.api, message_id, "failed")
    return message_id


def settled(api: httpx.Client, message_id: str, status: str) -> None:
    deadline = time.monotonic() + SETTLES_WITHIN_S
    while (now := api.get(f"/api/onlyfans/messaging/{message_id}").json()["status"]) != status:
        assert time.monotonic() < deadline, f"message {message_id} still {now}, not {status}"
        time.sleep(0.2)


def failed_total(console: Console) -> int:
    return int(console.api.get("/api/onlyfans/messaging/failed").json()["total"])


def test_a_failed_message_is_retried_from_the_dashboard_and_leaves_the_list(
    page: Page, console: Console, bridge: Bridge
) -> None:
    message_id = refused_message(console, bridge, "Back online? <b>not bold</b>")
    sign_in(page, console, console.owner)
    page.goto("/dashboard")

    item = page.locator(f'[data-message="{message_id}"]')
    expect(item).to_contain_text("Back online? <b>not bold</b>")  # as text, not markup
    expect(item).to_contain_text(f"webhook answered 422: {REFUSAL}")
    item.get_by_role("button", name="Retry").focus()  # by keyboard alone
    page.keyboard.press("Enter")

    outcome = page.get_by_role("status")
    expect(outcome).to_contain_text("Retried 1: queued again.")
    expect(outcome).to_be_focused()  # the button went with its row: the outcome takes focus
    expect(item).to_have_count(0)
    settled(console.api, message_id, "sent")  # the bridge took it this time
    expect(page.locator('[data-figure="failed"]')).to_have_text(str(failed_total(console)))


def test_the_figures_follow_a_new_failure_without_a_reload(
    page: Page, console: Console, bridge: Bridge
) -> None:
    sign_in(page, console, console.owner)
    page.goto("/dashboard")
    failed = page.locator('[data-figure="failed"]')
    expect(failed).to_have_text(str(failed_total(console)))

    refused_message(console, bridge, "refused while the page is open")
    # The next poll (every 5 s) shows it; the page is never reloaded.
    expect(failed).to_have_text(str(failed_total(console)), timeout=SETTLES_WITHIN_S * 1000)


def test_the_dashboard_on_a_phone_has_no_horizontal_scroll(
    page: Page, console: Console, bridge: Bridge
) -> None:
    refused_message(console, bridge, "a-very-long-unbroken-word-" * 12)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, console, console.owner)
    page.goto("/dashboard")

    expect(page.get_by_role("button", name="Retry all")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_message_retried_meanwhile_is_refused_on_the_page_with_the_reason(
    page: Page, console: Console, bridge: Bridge
) -> None:
    message_id = refused_message(console, bridge, "retried twice")
    sign_in(page, console, console.owner)
    page.goto("/dashboard")
    item = page.locator(f'[data-message="{message_id}"]')
    expect(item).to_be_visible()
    # Someone else retries it first (the API), while this page still lists it.
    retried = console.api.post(f"/api/onlyfans/messaging/{message_id}/retry")
    assert retried.status_code == 200, retried.text

    item.get_by_role("button", name="Retry").click()
    # A 409 htmx would drop: console.js swaps the fragment saying why (data-swap-errors).
    refusal = page.locator(f'[data-refused="{message_id}"]')
    expect(refusal).to_contain_text("409")
    expect(refusal).to_contain_text("only a failed one can be retried")
    expect(item).to_have_count(0)
