"""The console over HTTP without a browser: signing in through its login form, and the headers
a page's own requests carry (the session cookies and the CSRF token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from entrypoints.http.console import CSRF_COOKIE, CSRF_HEADER
from tests.support.people import PASSWORD


@dataclass
class ConsoleSession:
    cookies: dict[str, str]

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
    return ConsoleSession({CSRF_COOKIE: csrf, **dict(answer.cookies)})
