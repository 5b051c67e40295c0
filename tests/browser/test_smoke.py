"""The harness works: chromium draws a page of the real server that needs its scripts to run.
(To be replaced by the console's login once that lands.)"""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_chromium_draws_the_swagger_ui_of_the_real_server(page: Page) -> None:
    page.goto("/schema")

    # Both are drawn by the vendored Swagger UI script from the published contract.
    expect(page.get_by_role("heading", name="fancrm")).to_be_visible()
    expect(page.get_by_role("heading", name="messaging")).to_be_visible()
