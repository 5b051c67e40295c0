"""Every route of the app, by every kind of caller → the status the permission table implies.

Generated from the app's own routes and the table, over HTTP, on SQLite and PostgreSQL: a new
route gets a row here by existing, and one without a rule stops the app before this runs. A
caller the table admits gets anything but 401/403 (its request names nothing, so it is answered
400, 404 or the like); one it refuses gets 403; no credential, 401. A public route answers every
caller alike (a bearer token changes nothing there), and never 403.

The console's pages take the same credentials from cookies (with the CSRF token a page would
send): no credential there is a redirect to the login page, and an account cookie naming an
account one is not a member of opens one's own account instead (so it is no refusal).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from core.accounts import Role
from entrypoints.http.auth import ACCESS_COOKIE, ACCOUNT_COOKIE, ACCOUNT_HEADER, CONSOLE
from entrypoints.http.console import CSRF_COOKIE, CSRF_HEADER
from entrypoints.http.permissions import Access, Rule, routes_of
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support.events import BRIDGE_SECRET
from tests.support.people import bearer, person, sign_in

ACCOUNT, OTHER = "acct-matrix", "acct-elsewhere"
DENIED = {401, 403}


@dataclass(frozen=True)
class Credential:
    name: str
    role: Role | None  # the role it acts with in ACCOUNT; None: it has none there
    person: bool  # a person signed in (PERSON routes), not a key or the service token
    in_account: bool = True  # False: a member of OTHER naming ACCOUNT in X-Fancrm-Account


CREDENTIALS = [
    Credential("owner", Role.OWNER, person=True),
    Credential("manager", Role.MANAGER, person=True),
    Credential("chatter", Role.CHATTER, person=True),
    Credential("manager key", Role.MANAGER, person=False),
    Credential("service token", Role.OWNER, person=False),
    Credential("member of another account", None, person=True, in_account=False),
    Credential("no credential", None, person=False, in_account=False),
]


def expected(rule: Rule, credential: Credential) -> int | None:
    """The status the table implies: 401, 403, or None for 'admitted' (not 401/403). Not for
    public routes: those answer everyone alike."""
    assert rule is not Access.PUBLIC
    if rule is Access.SIGNED or credential.name == "no credential":
        return 401  # a bearer token is no signature; no token is no caller
    if not credential.in_account:
        return 403  # naming an account it is no member of
    if rule is Access.PERSON:
        return None if credential.person else 403
    assert credential.role is not None
    return None if credential.role.includes(rule) else 403


_PARAM = re.compile(r"{(\w+):(\w+)}")
_NOTHING = {"int": "999999999", "uuid": str(uuid.UUID(int=7)), "str": "nobody", "path": "nothing"}


def concrete(path: str) -> str:
    """The path with every parameter naming nothing that exists."""
    return _PARAM.sub(lambda m: _NOTHING[m.group(2)], path)


def expected_in_console(rule: Rule, credential: Credential) -> int | None:
    if credential.name == "no credential":
        return 303  # to the login page
    if not credential.in_account:
        return None  # the stranger works in their own account, where they are owner
    return expected(rule, credential)


@dataclass
class Team:
    headers_of: dict[str, dict[str, str]]
    csrf: str

    def headers(self, name: str, console: bool = False) -> dict[str, str]:
        headers = dict(self.headers_of.get(name, {}))
        if not console:
            return headers
        cookies = {CSRF_COOKIE: self.csrf}
        if "Authorization" in headers:
            cookies[ACCESS_COOKIE] = headers["Authorization"].removeprefix("Bearer ")
        if ACCOUNT_HEADER in headers:
            cookies[ACCOUNT_COOKIE] = headers[ACCOUNT_HEADER]
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return {"Cookie": cookie, CSRF_HEADER: self.csrf}


async def team_of(api: Api) -> Team:
    """An owner, a manager and a chatter signed in, a manager API key, the service token, and
    the owner of another account naming this one."""
    headers: dict[str, dict[str, str]] = {"no credential": {}}
    for role in (Role.OWNER, Role.MANAGER, Role.CHATTER):
        email = f"{role.value}@matrix.example"
        await person(api, email, {ACCOUNT: role})
        headers[role.value] = bearer((await sign_in(api.client, email))["accessToken"])
    service = api.auth(ACCOUNT)
    key = await api.client.post(
        "/api/crm/keys", json={"name": "matrix", "role": "manager"}, headers=service
    )
    assert key.status_code == 201, key.text
    headers["manager key"] = bearer(key.json()["key"])
    headers["service token"] = service
    await person(api, "stranger@elsewhere.example", {OTHER: Role.OWNER})
    stranger = await sign_in(api.client, "stranger@elsewhere.example")
    headers["member of another account"] = bearer(stranger["accessToken"], ACCOUNT)
    login_page = await api.client.get("/login")
    return Team(headers, login_page.cookies[CSRF_COOKIE])


@pytest.fixture(params=DATABASES)
async def team(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Api, Team]]:
    env = {"API_RATE_PER_MINUTE": "100000", "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET}
    async for api in open_api_on(request.param, **env):
        yield api, await team_of(api)


async def test_every_route_answers_every_caller_as_the_permission_table_says(team):
    api, people = team
    mismatches, checked = [], 0
    for path, handler in routes_of(api.client.app):
        for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
            answers = {}
            console = bool(handler.opt.get(CONSOLE))
            for credential in CREDENTIALS:
                headers = people.headers(credential.name, console)
                response = await api.client.request(
                    method, concrete(path), headers=headers, follow_redirects=False
                )
                answers[credential.name] = response.status_code
            checked += len(answers)
            route = f"{method} {path}"
            want = expected_in_console if console else expected
            mismatches += mismatches_of(route, handler.opt["permission"], answers, want)
    assert not mismatches, "\n".join(mismatches)
    assert checked > 7 * 50  # every route was reached, not an empty table


def mismatches_of(
    route: str, rule: Rule, answers: dict[str, int], expected: Callable[..., int | None]
) -> list[str]:
    if rule is Access.PUBLIC:
        alike = len(set(answers.values())) == 1 and 403 not in answers.values()
        return [] if alike else [f"{route} (public) answers callers differently: {answers}"]
    wrong = []
    for credential in CREDENTIALS:
        got, want = answers[credential.name], expected(rule, credential)
        if (want is None and got in DENIED) or (want is not None and got != want):
            wrong.append(f"{route} as {credential.name}: {got}, want {want or 'not 401/403'}")
    return wrong


async def test_the_people_are_who_the_matrix_says(team):
    """The credentials really act with the roles the matrix assumes (else it proves nothing)."""
    api, people = team
    for credential in CREDENTIALS:
        if credential.person and credential.in_account:
            me = await api.client.get("/api/auth/me", headers=people.headers(credential.name))
            roles = {m["id"]: m["role"] for m in me.json()["accounts"]}
            assert roles == {ACCOUNT: credential.role.value}, credential.name
