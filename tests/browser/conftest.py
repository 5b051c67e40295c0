"""Fixtures of the console's browser tests: one chromium for the package, a dev server per
module, a fresh context (cookies) and page per test, and a screenshot of the page of a test that
failed (its path printed in the failure's report).

The tests are sync. While Playwright's sync API is alive it marks its own event loop as running,
so no async test or fixture can run beside it: that is why the browser is package-scoped (it
closes before the rest of the suite's async tests), and why tests set data up with the sync
`console.api`."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.browser.harness import Console, chromium_path, launch_chromium, running_console
from tests.conftest import service_unreachable
from tests.support.bridge import Bridge, bridge_in_thread


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        service_unreachable("chromium", FileNotFoundError("apt-get install chromium"))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def console() -> Iterator[Console]:
    with running_console() as console:
        yield console


@pytest.fixture(scope="module")
def bridge() -> Iterator[Bridge]:
    """A stand-in bridge for a module whose `console` delivers to it (`delivering_to`)."""
    with bridge_in_thread() as bridge:
        yield bridge


@pytest.fixture
def context(browser: Browser, console: Console) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=console.base_url)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, tmp_path: Path) -> Page:
    """`tmp_path`: where the screenshot of a failure goes (see the hook below)."""
    return context.new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    fixtures = getattr(item, "funcargs", {})
    if report.when == "call" and report.failed and "page" in fixtures:
        screenshot = fixtures["tmp_path"] / "failed.png"
        try:
            fixtures["page"].screenshot(path=screenshot, full_page=True)
            report.sections.append(("screenshot", str(screenshot)))
        except PlaywrightError as error:  # a closed or crashed page: the failure says enough
            report.sections.append(("screenshot", f"none: {error}"))
    return report
