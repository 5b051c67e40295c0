"""Each role sees only what it may, in chromium: a chatter typing a manager's page is refused
with a page saying so (and the menu never offered it); a form sent without the page's CSRF token
is refused and the session goes on."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import Console, sign_in


@pytest.mark.parametrize("path", ["/dashboard", "/fans/import"])
def test_a_chatter_typing_a_managers_page_is_refused(
    page: Page, console: Console, path: str
) -> None:
    sign_in(page, console, console.chatter)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Inbox")).to_be_visible()
    for label in ("Dashboard", "Import"):
        expect(menu.get_by_role("link", name=label)).to_have_count(0)

    answer = page.goto(path)
    assert answer is not None
    assert answer.status == 403
    expect(page.get_by_role("heading", name="Not for your role")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Traceback")
    expect(menu.get_by_role("link", name="Dashboard")).to_have_count(0)


def test_a_form_sent_without_its_csrf_token_is_refused_and_the_session_goes_on(
    page: Page, console: Console
) -> None:
    sign_in(page, console, console.owner)
    sign_out = page.locator('form[action="/logout"]')
    sign_out.locator('input[name="_csrf_token"]').evaluate("field => field.remove()")
    with page.expect_navigation() as navigation:
        sign_out.get_by_role("button", name="Sign out").click()

    assert navigation.value is not None
    assert navigation.value.status == 403
    expect(page.get_by_role("heading", name="Not sent")).to_be_visible()
    # The same request from outside any form (the page's cookies, no token): refused alike.
    assert page.request.post("/logout", max_redirects=0).status == 403
    still_in = page.goto("/inbox")
    assert still_in is not None
    assert still_in.status == 200
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
