"""The console's browser harness: Debian's chromium driven by Playwright (never its own browser
download), a real `fancrm serve --dev` with the demo logins it printed, and the sign-in a person
does. Shared by the browser tests' fixtures and `make screenshots`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, Page, Playwright

from tests.support.dev_server import DevServer, Login, start_dev_server, stop

# Headless in a container: no sandbox (root), no GPU, and nothing that calls Google's servers.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return shutil.which("chromium")


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@dataclass
class Console:
    server: DevServer
    owner: Login
    chatter: Login
    api: httpx.Client  # the API with the service token: sets up what a test then looks at

    @property
    def base_url(self) -> str:
        return self.server.base_url


@contextmanager
def running_console(**env: str) -> Iterator[Console]:
    """A dev server with its demo owner and chatter (`env` adds to its environment)."""
    server = start_dev_server(**env)
    try:
        logins = server.logins()
        if not {"owner", "chatter"} <= logins.keys():
            raise RuntimeError("no demo logins in the banner:\n" + "".join(server.banner))
        with httpx.Client(base_url=server.base_url, headers=server.auth, timeout=10) as api:
            yield Console(server, logins["owner"], logins["chatter"], api)
    finally:
        stop(server)


def submit_login(page: Page, console: Console, login: Login) -> None:
    """Fills the login page in as a person does, and sends it."""
    page.goto(f"{console.base_url}/login")
    page.get_by_label("Email").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, console: Console, login: Login) -> None:
    """Signs in through the login page, and waits to be let in."""
    submit_login(page, console, login)
    page.wait_for_url(
        lambda url: url.startswith(console.base_url) and urlsplit(url).path != "/login"
    )
