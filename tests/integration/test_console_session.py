"""The console's session over HTTP: signing in with the form, the cookies, their renewal, CSRF,
the security headers, the account switcher, and the pages that answer what goes wrong."""

from __future__ import annotations

import asyncio

from core.accounts import Role
from entrypoints.http.auth import ACCESS_COOKIE
from entrypoints.http.console import CONTENT_SECURITY_POLICY, CSRF_COOKIE
from entrypoints.http.console.session import REFRESH_COOKIE
from tests.integration.conftest import open_api
from tests.support.console import console_sign_in
from tests.support.people import PASSWORD, person

EMAIL = "chatter@console.example"


async def test_the_login_form_sets_http_only_session_cookies_and_goes_where_asked(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    page = await api.client.get("/login?next=/fans")
    csrf = page.cookies[CSRF_COOKIE]
    answer = await api.client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "next": "/fans", "_csrf_token": csrf},
        headers={"Cookie": f"{CSRF_COOKIE}={csrf}"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/fans"
    set_cookies = answer.headers.get_list("set-cookie")
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        (cookie,) = [c for c in set_cookies if c.startswith(name + "=")]
        assert "HttpOnly" in cookie
        assert "Secure" in cookie
        assert "Path=/" in cookie


async def test_a_wrong_password_shows_the_form_again_with_the_reason(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    page = await api.client.get("/login")
    csrf = page.cookies[CSRF_COOKIE]
    answer = await api.client.post(
        "/login",
        data={"email": EMAIL, "password": "not the password", "_csrf_token": csrf},
        headers={"Cookie": f"{CSRF_COOKIE}={csrf}"},
    )
    assert answer.status_code == 401
    assert "Wrong email or password." in answer.text
    assert ACCESS_COOKIE not in answer.cookies


async def test_after_sign_in_it_goes_only_to_a_page_of_this_site(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    page = await api.client.get("/login")
    csrf = page.cookies[CSRF_COOKIE]
    for elsewhere in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        answer = await api.client.post(
            "/login",
            data={"email": EMAIL, "password": PASSWORD, "next": elsewhere, "_csrf_token": csrf},
            headers={"Cookie": f"{CSRF_COOKIE}={csrf}"},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/inbox", elsewhere


async def test_a_change_without_the_csrf_token_is_refused(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    session = await console_sign_in(api.client, EMAIL)
    refused = await api.client.post(
        "/logout", headers=session.headers(csrf=False), follow_redirects=False
    )
    assert refused.status_code == 403
    forged = await api.client.post(
        "/logout",
        headers={**session.headers(csrf=False), "x-csrftoken": "forged" * 12},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    still_in = await api.client.get("/inbox", headers=session.headers(), follow_redirects=False)
    assert still_in.status_code == 200
    out = await api.client.post("/logout", headers=session.headers(), follow_redirects=False)
    assert out.status_code == 303


async def test_pages_carry_a_policy_that_runs_no_inline_script(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    session = await console_sign_in(api.client, EMAIL)
    for path in ("/login", "/inbox", "/account"):
        answer = await api.client.get(path, headers=session.headers())
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
        assert "<script>" not in answer.text  # every script is a file of this site


async def test_the_api_never_takes_the_session_cookie(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    session = await console_sign_in(api.client, EMAIL)
    answer = await api.client.get("/api/crm/fans", headers=session.headers())
    assert answer.status_code == 401


async def test_an_expired_access_cookie_is_renewed_from_the_refresh_cookie_once(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER})
    session = await console_sign_in(api.client, EMAIL)
    without_access = {k: v for k, v in session.cookies.items() if k != ACCESS_COOKIE}
    cookie = "; ".join(f"{k}={v}" for k, v in without_access.items())
    # A page and its polls at once: each is served, none ends the session as a replay would.
    answers = await asyncio.gather(
        *(api.client.get("/inbox", headers={"Cookie": cookie}) for _ in range(3))
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    renewed = {a.cookies[REFRESH_COOKIE] for a in answers}
    assert len(renewed) == 1  # one successor, shared
    assert renewed != {session.cookies[REFRESH_COOKIE]}
    access = answers[0].cookies[ACCESS_COOKIE]
    again = await api.client.get(
        "/inbox", headers={"Cookie": f"{ACCESS_COOKIE}={access}"}, follow_redirects=False
    )
    assert again.status_code == 200


async def test_no_session_sends_a_page_to_sign_in_and_an_htmx_request_there_whole(api):
    page = await api.client.get("/inbox?filter=unread", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/inbox%3Ffilter%3Dunread"
    fragment = await api.client.get("/inbox", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Redirect"].startswith("/login")


async def test_a_member_of_two_accounts_switches_and_a_stranger_account_is_not_found(api):
    await person(api, EMAIL, {"acct-a": Role.CHATTER, "acct-b": Role.MANAGER})
    await person(api, "other@console.example", {"acct-c": Role.OWNER})
    session = await console_sign_in(api.client, EMAIL)
    accounts = await api.client.get("/account", headers=session.headers())
    assert "acct-a" in accounts.text
    assert "acct-b" in accounts.text
    switched = await api.client.post(
        "/account", data=session.form(account="acct-b"), headers=session.headers(),
        follow_redirects=False,
    )  # fmt: skip
    assert switched.status_code == 303
    chosen = switched.cookies["fancrm_account"]
    page = await api.client.get("/inbox", headers=session.headers(fancrm_account=chosen))
    assert "acct-b" in page.text
    assert "manager" in page.text
    stranger = await api.client.post(
        "/account", data=session.form(account="acct-c"), headers=session.headers()
    )
    assert stranger.status_code == 404
    # An account cookie naming someone else's account opens one's own instead.
    page = await api.client.get("/inbox", headers=session.headers(fancrm_account="acct-c"))
    assert page.status_code == 200
    assert "acct-c" not in page.text


async def test_a_path_no_route_serves_is_a_page_for_a_browser_and_json_for_the_api(api):
    page = await api.client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "There is no page at /no-such-page." in page.text
    assert page.headers["content-type"].startswith("text/html")
    api_answer = await api.client.get("/api/no-such", headers={"Accept": "text/html"})
    assert api_answer.status_code == 404
    assert api_answer.json()["error"]


async def test_console_pages_do_not_spend_the_account_api_budget():
    async for api in open_api(API_RATE_PER_MINUTE="2"):
        await person(api, EMAIL, {"acct-a": Role.CHATTER})
        session = await console_sign_in(api.client, EMAIL)
        for _ in range(5):  # a page and its polls
            page = await api.client.get("/inbox", headers=session.headers())
            assert page.status_code == 200
            assert "ratelimit-remaining" not in page.headers
        for _ in range(2):
            answer = await api.client.get("/api/crm/fans", headers=api.auth("acct-a"))
            assert answer.status_code == 200
        spent = await api.client.get("/api/crm/fans", headers=api.auth("acct-a"))
        assert spent.status_code == 429
