"""`make screenshots`: a PNG of each console page, on a desktop and on a phone, from a seeded dev
server, into tests/browser/screenshots/ (the README shows them). A page the server does not have
yet (404) is left out with a note."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.browser.harness import Console, chromium_path, launch_chromium, running_console, sign_in

OUT = Path(__file__).parent / "screenshots"


@dataclass(frozen=True, slots=True)
class Shot:
    name: str  # the file is <name>-<viewport>.png
    path: str
    signed_in: bool = True
    # For a page showing what only a request makes (an invitation's link, a key): that request,
    # sent through the API with the service token. What it returns fills the path's {fields}.
    made_by: Callable[[httpx.Client], Mapping[str, str]] | None = None

    def path_on(self, console: Console) -> str:
        made = self.made_by(console.api) if self.made_by is not None else {}
        return self.path.format(**made)


def pending_invitation(api: httpx.Client) -> dict[str, str]:
    """An invitation's token (a new one replaces the one this email had before)."""
    body = {"email": "invited@demo.fancrm.test", "role": "chatter"}
    answer = api.post("/api/crm/invitations", json=body)
    answer.raise_for_status()
    return {"token": str(answer.json()["token"])}


def demo_key(api: httpx.Client) -> dict[str, str]:
    """A key to list, made once (the server outlives several shots of the page)."""
    listed = api.get("/api/crm/keys").json()["items"]
    if not any(key["name"] == "Zapier" for key in listed):
        api.post("/api/crm/keys", json={"name": "Zapier", "role": "manager"}).raise_for_status()
    return {}


# In the order they are taken: the signed-out pages first, as signing in leaves them.
SHOTS = [
    Shot("login", "/login", signed_in=False),
    Shot("invitation", "/invite/{token}", signed_in=False, made_by=pending_invitation),
    Shot("inbox", "/inbox"),
    Shot("conversation", "/inbox/1"),  # the first demo fan's message, opened
    Shot("fans", "/fans"),
    Shot("fan", "/fans/1"),
    Shot("import", "/fans/import"),
    Shot("analytics", "/analytics"),
    Shot("dashboard", "/dashboard"),
    Shot("campaigns", "/campaigns"),
    Shot("campaign-new", "/campaigns/new"),
    Shot("campaign", "/campaigns/1"),  # the demo campaign, sent to the demo VIPs
    Shot("team", "/team"),  # with the invitation made above pending
    Shot("keys", "/team/keys", made_by=demo_key),
    Shot("settings", "/settings"),
    Shot("quick-replies", "/settings/quick-replies"),
]
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 800},
}


def on_the_server(console: Console) -> list[Shot]:
    """The shots whose page the server has (a page asking to sign in first redirects)."""
    shots = []
    for shot in SHOTS:
        if httpx.get(console.base_url + shot.path_on(console)).status_code == 404:
            print(f"{shot.name}: {shot.path} answers 404, left out")
        else:
            shots.append(shot)
    return shots


def take(page: Page, console: Console, shot: Shot, viewport: str) -> None:
    response = page.goto(shot.path_on(console))
    if response is None or not response.ok:
        sys.exit(f"make screenshots: {shot.path} answered {response and response.status}")
    file = OUT / f"{shot.name}-{viewport}.png"
    page.screenshot(path=file)
    print(f"  {file}")


def take_all(browser: Browser, console: Console, shots: list[Shot], viewport: str) -> None:
    context = browser.new_context(base_url=console.base_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    signed_in = False
    for shot in shots:
        if shot.signed_in and not signed_in:
            sign_in(page, console, console.owner)
            signed_in = True
        take(page, console, shot, viewport)
    context.close()


def main() -> None:
    executable = chromium_path()
    if executable is None:
        sys.exit("make screenshots: no chromium on PATH (apt-get install chromium)")
    OUT.mkdir(exist_ok=True)
    with running_console() as console, sync_playwright() as playwright:
        shots = on_the_server(console)
        browser = launch_chromium(playwright, executable)
        for viewport, size in VIEWPORTS.items():
            print(f"{viewport} ({size['width']}x{size['height']}):")
            take_all(browser, console, shots, viewport)
        browser.close()


if __name__ == "__main__":
    main()
