"""The console over HTTP without a browser: signing in through its login form, the headers a
page's own requests carry (the session cookies and the CSRF token) and its forms posted as a
browser posts them, and reading back what a page shows in its fields and menu."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from core.accounts import Role
from entrypoints.http.console import CSRF_COOKIE, CSRF_HEADER
from tests.support.people import PASSWORD, person


@dataclass
class ConsoleSession:
    cookies: dict[str, str]
    client: Any  # the test client the session was opened with

    @property
    def csrf(self) -> str:
        return self.cookies[CSRF_COOKIE]

    def headers(self, *, csrf: bool = True, **more_cookies: str) -> dict[str, str]:
        """The cookie header of the session (plus any given) and, unless told not to, the CSRF
        header htmx sends on every change."""
        cookies = {**self.cookies, **more_cookies}
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        return {**headers, CSRF_HEADER: self.csrf} if csrf else headers

    def form(self, **fields: Any) -> dict[str, Any]:
        """A form's fields with its hidden CSRF field."""
        return {"_csrf_token": self.csrf, **fields}

    async def submit(self, path: str, **fields: str) -> Any:
        """A form posted as a browser posts it (its hidden CSRF field, no htmx), its redirect
        not followed."""
        return await self.client.post(
            path, data=self.form(**fields), headers=self.headers(), follow_redirects=False
        )


async def console_sign_in(client: Any, email: str, password: str = PASSWORD) -> ConsoleSession:
    """Sign in as a browser does: the login page (its CSRF cookie), then the form."""
    page = await client.get("/login")
    assert page.status_code == 200, page.text
    csrf = page.cookies[CSRF_COOKIE]
    answer = await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": csrf},
        headers={"Cookie": f"{CSRF_COOKIE}={csrf}"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return ConsoleSession({CSRF_COOKIE: csrf, **dict(answer.cookies)}, client)


async def console_person(api: Any, email: str, memberships: dict[str, Role]) -> ConsoleSession:
    """A new user, a member of each account given with its role, signed in to the console;
    `api` is a tests.integration.conftest.Api."""
    await person(api, email, memberships)
    return await console_sign_in(api.client, email)


def shown(page: str, pattern: str, what: str) -> str:
    """The text `pattern`'s group matches in the page, unescaped; the test fails if none."""
    match = re.search(pattern, page, re.S)
    assert match, f"no {what} in the page"
    return html.unescape(match.group(1))


def field_error(page: str, name: str) -> str:
    """The message shown under the field (macros.html)."""
    return shown(page, rf'<p class="field-error" id="e-{re.escape(name)}">([^<]*)</p>', name)


def input_value(page: str, name: str) -> str:
    """The value of the form's input of that name (macros.html's field)."""
    return shown(page, rf'<input id="f-{re.escape(name)}"[^>]*\svalue="([^"]*)"', f"input {name}")


def textarea_value(page: str, name: str) -> str:
    """The text of the form's text area of that name (macros.html's textarea_field)."""
    pattern = rf'<textarea id="f-{re.escape(name)}"[^>]*>\n(.*?)</textarea>'
    return shown(page, pattern, f"text area {name}")


def menu_paths(page: str) -> list[str]:
    """Where the main menu's links go, in order."""
    return re.findall(r'href="([^"]+)"', shown(page, r'<nav aria-label="Main">(.*?)</nav>', "menu"))
