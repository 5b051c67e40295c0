"""Settings and quick replies in chromium: the demo owner adds a quick reply and a blocked word
from the keyboard, the demo chatter then finds the reply in the inbox's picker and sees the
settings with nothing to change; a bad time zone shows under its field; a delete asks first."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Dialog, Page, expect

from tests.browser.harness import Console, sign_in

# The demo's first conversation (dev mode seeds one per demo fan).
CONVERSATION = "/inbox/1"


def test_the_owners_new_quick_reply_and_blocked_word_reach_the_chatter(
    page: Page, console: Console, browser: Browser
) -> None:
    sign_in(page, console, console.owner)
    page.goto("/settings/quick-replies")

    page.get_by_label("Title").focus()
    page.keyboard.type("See you soon")
    page.keyboard.press("Tab")
    page.keyboard.type("Talk soon, have a lovely evening!")
    tab_to_and_press(page, "Add quick reply")

    expect(page.get_by_role("status").filter(has_text="Quick reply added.")).to_be_visible()
    expect(page.get_by_role("heading", name="See you soon")).to_be_visible()
    titles = [r["title"] for r in console.api.get("/api/crm/quick-replies").json()["items"]]
    assert "See you soon" in titles

    page.get_by_role("link", name="Sending rules").click()
    page.get_by_label("Blocked words").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nsnapchat")
    tab_to_and_press(page, "Save settings")

    expect(page.get_by_role("status").filter(has_text="Settings saved.")).to_be_visible()
    expect(page.get_by_label("Blocked words")).to_have_value(re.compile(r"\nsnapchat$"))
    assert console.api.get("/api/crm/settings").json()["blockedWords"][-1] == "snapchat"

    with browser.new_context(base_url=console.base_url) as chatters_browser:
        chatter = chatters_browser.new_page()
        sign_in(chatter, console, console.chatter)
        chatter.goto(CONVERSATION)
        chatter.get_by_label("Quick reply").select_option(label="See you soon")
        chatter.get_by_role("button", name="Insert").click()
        expect(chatter.get_by_role("textbox", name="Reply")).to_have_value(
            "Talk soon, have a lovely evening!"
        )
        for path, shown in [("/settings", "snapchat"), ("/settings/quick-replies", "See you soon")]:
            chatter.goto(path)
            main = chatter.locator("main")
            expect(main.get_by_text(shown)).to_be_visible()
            expect(main.locator("form, input, select, textarea, button")).to_have_count(0)


def tab_to_and_press(page: Page, button: str) -> None:
    """From the form's last field, Tab reaches its button and Enter presses it: no mouse."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=button)).to_be_focused()
    page.keyboard.press("Enter")


def test_a_time_zone_that_does_not_exist_shows_under_its_field(
    page: Page, console: Console
) -> None:
    before = console.api.get("/api/crm/settings").json()
    sign_in(page, console, console.owner)
    page.goto("/settings")
    zone = page.get_by_label("Time zone")
    zone.fill("Europe/Atlantis")
    page.get_by_role("button", name="Save settings").click()

    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("Europe/Atlantis")
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(zone).to_have_accessible_description(
        "timeZone 'Europe/Atlantis' is not an IANA time zone"
    )
    assert console.api.get("/api/crm/settings").json() == before


def test_a_quick_reply_is_deleted_only_once_confirmed(page: Page, console: Console) -> None:
    made = console.api.post(
        "/api/crm/quick-replies", json={"title": "Short-lived", "content": "Gone soon"}
    )
    assert made.status_code == 201, made.text
    answers: list[bool] = [False, True]  # dismissed first, then accepted
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        if answers.pop(0):
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    sign_in(page, console, console.owner)
    page.goto("/settings/quick-replies")
    delete = page.get_by_role("button", name="Delete Short-lived")

    delete.click()
    expect(page.get_by_role("heading", name="Short-lived")).to_be_visible()
    delete.click()

    expect(page.get_by_role("status").filter(has_text="Quick reply deleted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Short-lived")).to_have_count(0)
    assert asked == ['Delete the quick reply "Short-lived"? This cannot be undone.'] * 2
    gone = console.api.get(f"/api/crm/quick-replies/{made.json()['id']}")
    assert gone.status_code == 404
