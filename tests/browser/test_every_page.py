"""Every page of the console, as the owner, on a phone-sized screen: it draws without sideways
scrolling, and the browser refuses nothing under the Content-Security-Policy (an inline script
or style slipped into a template would be refused, and reported on the console)."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.browser.harness import Console, sign_in
from tests.browser.screenshots import SHOTS

PHONE = {"width": 375, "height": 800}


@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_the_page_fits_a_phone_and_breaks_no_policy(page: Page, console: Console, shot) -> None:
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            refused.append(message.text)

    page.on("console", watch)
    page.set_viewport_size(PHONE)
    if shot.signed_in:
        sign_in(page, console, console.owner)
    answer = page.goto(shot.path_on(console))
    assert answer is not None
    assert answer.status == 200, shot.path
    page.wait_for_load_state("networkidle")
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{shot.path} scrolls sideways"
    assert refused == [], refused
