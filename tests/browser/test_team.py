"""The team in chromium: the owner invites a chatter and copies the one-time link; the chatter
opens it in a browser of their own, sets a password, signs in and finds no manager's page in
the menu or by URL. An API key made on the keys page works once against the API and stops when
revoked."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from core.identity import API_KEY_PATTERN
from tests.browser.harness import Console, sign_in

NEW_PASSWORD = "a chatter's own passphrase"
PHONE = {"width": 375, "height": 800}


REFUSE_CLIPBOARD = """() => {
  navigator.clipboard.writeText = () => Promise.reject(new Error("refused"));
}"""
SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def invite(page: Page, email: str, role: str) -> str:
    """Invites `email` from the team page; the link it shows."""
    page.goto("/team")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Role", exact=True).select_option(role)
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("Invitation link")
    expect(link).to_have_attribute("readonly", "")
    return link.input_value()


def test_an_invited_chatter_joins_from_the_link_and_sees_no_managers_page(
    page: Page, context: BrowserContext, browser: Browser, console: Console
) -> None:
    email = f"chatter-{uuid.uuid4().hex[:8]}@demo.fancrm.test"
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.base_url)
    sign_in(page, console, console.owner)
    link = invite(page, email, "chatter")

    assert re.fullmatch(rf"{re.escape(console.base_url)}/invite/[\w-]+", link), link
    expect(page.get_by_text("It is shown once, here")).to_be_visible()
    expect(page.get_by_text("for 7 days")).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#invitation-link-copied")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    pending = page.locator("[data-invitation]", has_text=email)
    expect(pending).to_contain_text("as chatter")
    page.set_viewport_size(PHONE)  # the long link stays inside its field on a phone
    assert page.evaluate(SCROLLS_SIDEWAYS) is False

    fresh = browser.new_context(base_url=console.base_url)  # the chatter's own browser
    try:
        joining = fresh.new_page()
        joining.goto(link)
        expect(joining.get_by_role("heading", name="Join Demo creator")).to_be_visible()
        expect(joining.get_by_text(email)).to_be_visible()
        joining.get_by_label("Your name (optional)").fill("New Chatter")
        joining.get_by_label("Choose a password").fill(NEW_PASSWORD)
        joining.get_by_role("button", name="Join Demo creator").click()

        joining.wait_for_url(f"{console.base_url}/login")
        expect(joining.get_by_text("You joined Demo creator; sign in.")).to_be_visible()
        expect(joining.get_by_label("Email")).to_have_value(email)
        joining.get_by_label("Password").fill(NEW_PASSWORD)
        joining.get_by_role("button", name="Sign in").click()
        joining.wait_for_url(f"{console.base_url}/inbox")

        menu = joining.get_by_role("navigation", name="Main")
        expect(menu.get_by_role("link", name="Inbox")).to_be_visible()
        for label in ("Campaigns", "Analytics", "Team"):
            expect(menu.get_by_role("link", name=label)).to_have_count(0)
        for path in ("/campaigns", "/campaigns/new", "/analytics", "/team", "/team/keys"):
            refused = joining.goto(path)
            assert refused is not None
            assert refused.status == 403, path
            expect(joining.get_by_role("heading", name="Not for your role")).to_be_visible()
    finally:
        fresh.close()

    page.goto("/team")
    member = page.locator("[data-member]", has_text=email)
    expect(member).to_contain_text("New Chatter")
    expect(member).to_contain_text("chatter")
    expect(page.locator("[data-invitation]", has_text=email)).to_have_count(0)


def test_an_api_key_is_shown_once_works_and_stops_when_revoked(
    page: Page, console: Console
) -> None:
    name = f"bridge {uuid.uuid4().hex[:6]}"
    sign_in(page, console, console.owner)
    page.goto("/team")
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Role", exact=True).select_option("manager")
    page.get_by_role("button", name="Create key").click()

    field = page.get_by_label(f"Key {name}")
    secret = field.input_value()
    expect(page.get_by_text("is shown once, here")).to_be_visible()
    # Where the clipboard refuses (no permission here), Copy selects the key to copy by hand.
    page.evaluate(REFUSE_CLIPBOARD)
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#api-key-copied")).to_contain_text("Selected: press Ctrl+C")
    expect(field).to_be_focused()
    assert field.evaluate("f => [f.selectionStart, f.selectionEnd]") == [0, len(secret)]
    api = httpx.Client(base_url=console.base_url, headers={"Authorization": f"Bearer {secret}"})
    with api:
        assert api.get("/api/crm/fans").status_code == 200
        page.goto("/team/keys")  # listed again: by name, never with its secret
        item = page.locator("[data-key-id]", has_text=name)
        expect(item).to_contain_text("manager")
        match = re.fullmatch(API_KEY_PATTERN, secret)
        assert match, secret
        assert match.group(2) not in page.content()

        page.once("dialog", lambda dialog: accept_confirm(dialog, name))
        item.get_by_role("button", name="Revoke").click()

        expect(page.get_by_text("The key was revoked")).to_be_visible()
        expect(page.locator("[data-key-id]", has_text=name)).to_contain_text("Revoked")
        assert api.get("/api/crm/fans").status_code == 401


def accept_confirm(dialog: Dialog, name: str) -> None:
    assert f"Revoke the key {name}?" in dialog.message
    dialog.accept()
