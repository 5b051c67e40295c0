"""The inbox in chromium, as the demo chatter uses it: a reply sent from the keyboard becomes
sent, a fan's message signed by the bridge appears in the open inbox, the fan's notes are edited
in the side panel, and a phone-sized screen never scrolls sideways. Never reloaded: each test
marks the page's window and checks the mark is still there."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from entrypoints.dev import DEV_USER
from tests.browser.harness import Console, running_console, sign_in
from tests.support.events import BRIDGE_SECRET, encoded, event, signed

# How long a test waits for what a poll brings (the inbox polls every 1.5 s) or for the worker to
# send a message before calling it lost: a bound on waiting, not a figure under test.
APPEARS_WITHIN_MS = 6_000
SENT_WITHIN_MS = 20_000


@pytest.fixture(scope="module")
def console() -> Iterator[Console]:
    """The dev server, taking events signed with the tests' bridge secret."""
    with running_console(DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET) as console:
        yield console


def fan_writes(console: Console, handle: str, text: str, **data: Any) -> int:
    """A message from the fan, signed as the bridge signs it; the id of their conversation."""
    now = datetime.now(UTC).isoformat()
    raw = encoded(event("message.received", DEV_USER, handle, text=text, occurred_at=now, **data))
    answer = httpx.post(f"{console.base_url}/api/onlyfans/events", content=raw, headers=signed(raw))
    assert answer.status_code == 200, answer.text
    listed = console.api.get("/api/crm/conversations", params={"search": handle}).json()
    return int(next(c["id"] for c in listed["items"] if c["fanHandle"] == handle))


def fan_id_of(console: Console, conversation_id: int) -> int:
    return int(console.api.get(f"/api/crm/conversations/{conversation_id}").json()["fanId"])


def never_reloaded(page: Page) -> None:
    page.evaluate("window.stillTheSamePage = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.stillTheSamePage === true")


def test_a_reply_sent_from_the_inbox_becomes_sent_without_a_reload(
    page: Page, console: Console
) -> None:
    quick = {"title": "Grateful", "content": "Thank you so much!"}
    assert console.api.post("/api/crm/quick-replies", json=quick).status_code == 201
    conversation = fan_writes(console, "reply.fan", "any news?")
    sign_in(page, console, console.chatter)
    page.goto("/inbox")

    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search fans")).to_be_focused()
    page.keyboard.type("reply.fan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox?q=reply.fan*")
    page.keyboard.press("j")  # the first (only) conversation of the search
    page.wait_for_url(f"**/inbox/{conversation}?q=reply.fan")
    expect(page.locator(".message.in", has_text="any news?")).to_be_visible()
    never_reloaded(page)
    page.keyboard.press("r")
    box = page.get_by_role("textbox", name="Reply")
    expect(box).to_be_focused()
    page.keyboard.type("Hi! ")
    page.get_by_label("Quick reply").select_option(label="Grateful")
    page.get_by_role("button", name="Insert").click()
    expect(box).to_have_value("Hi! Thank you so much!")
    expect(page.locator("#reply-count")).to_have_text("22 / 5000")
    page.get_by_role("button", name="Send").click()

    mine = page.locator(".message.out", has_text="Hi! Thank you so much!")
    expect(mine).to_be_visible()
    expect(box).to_have_value("")
    expect(mine.locator(".status")).to_have_text("sent", timeout=SENT_WITHIN_MS)
    assert_not_reloaded(page)
    thread = console.api.get(f"/api/crm/conversations/{conversation}/messages").json()
    assert (thread["items"][0]["content"], thread["items"][0]["status"]) == (
        "Hi! Thank you so much!",
        "sent",
    )


def test_a_signed_inbound_message_appears_in_the_open_inbox(page: Page, console: Console) -> None:
    conversation = fan_writes(console, "inbound.fan", "first message")
    sign_in(page, console, console.chatter)
    page.goto(f"/inbox/{conversation}")
    expect(page.locator(".message.in", has_text="first message")).to_be_visible()
    never_reloaded(page)

    signed_at = time.monotonic()
    fan_writes(console, "inbound.fan", "are you still there?")
    expect(page.locator(".message.in", has_text="are you still there?")).to_be_visible(
        timeout=APPEARS_WITHIN_MS
    )
    print(f"on screen {time.monotonic() - signed_at:.1f} s after the bridge's event was sent")
    fan_writes(console, "newcomer.fan", "hello from someone new", name="Newcomer")
    newcomer = page.locator(".conversations a", has_text="Newcomer")
    expect(newcomer).to_be_visible(timeout=APPEARS_WITHIN_MS)
    expect(newcomer.locator(".badge")).to_contain_text("1")
    assert_not_reloaded(page)
    # Shown while open: the page marked it read.
    expect(page.locator(f"#c-{conversation} .badge")).to_have_count(0)


def test_a_fans_notes_are_edited_in_the_side_panel(page: Page, console: Console) -> None:
    conversation = fan_writes(console, "notes.fan", "hi", name="Nora")
    sign_in(page, console, console.chatter)
    page.goto(f"/inbox/{conversation}")
    panel = page.get_by_role("complementary", name="Nora")
    never_reloaded(page)

    panel.get_by_label("Notes").fill("Prefers mornings <b>not bold</b>")
    panel.get_by_label("Tags").fill("vip, mornings")
    panel.get_by_role("button", name="Save notes and tags").click()

    expect(panel.get_by_role("status")).to_have_text("Notes and tags saved.")
    expect(panel.get_by_label("Notes")).to_have_value("Prefers mornings <b>not bold</b>")
    fan = console.api.get(f"/api/crm/fans/{fan_id_of(console, conversation)}").json()
    assert (fan["notes"], sorted(fan["tags"])) == (
        "Prefers mornings <b>not bold</b>",
        ["mornings", "vip"],
    )
    assert_not_reloaded(page)


def test_the_inbox_on_a_phone_has_no_horizontal_scroll(page: Page, console: Console) -> None:
    long_word = "a-very-long-unbroken-word-" * 12
    conversation = fan_writes(console, "narrow.fan", long_word, name="N" * 120)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, console, console.chatter)

    for path in ("/inbox", f"/inbox/{conversation}"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
        width = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        assert page.evaluate(width), path
    # An open conversation comes first on a phone: the thread above the list.
    thread = page.locator(".inbox-thread").bounding_box()
    listing = page.locator(".inbox-list").bounding_box()
    assert thread is not None
    assert listing is not None
    assert thread["y"] < listing["y"]
