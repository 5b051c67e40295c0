"""The console's team, invitation and API key pages over HTTP: they list what the API answers
(GET /api/crm/members, /api/crm/invitations, /api/crm/keys), their changes go through the same
use cases (a link made on the page is accepted by the API; a key made there works as a bearer
and stops when revoked), refusals are messages with the use case's status, never a 500, and
each page is for the role its API operation is."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest

from core.accounts import Role
from entrypoints.http.auth import ACCOUNT_COOKIE
from entrypoints.http.console import CSRF_COOKIE
from entrypoints.http.console.login import JOINED_COOKIE
from tests.integration.conftest import Api
from tests.support.console import (
    ConsoleSession,
    console_person,
    console_sign_in,
    field_error,
    menu_paths,
    shown,
)
from tests.support.people import PASSWORD, account, bearer, in_app, person

ACCOUNT, OTHER = "acct-team", "acct-other"
ACCOUNT_NAME = "<b>Studio</b> & co"
OWNER, MANAGER, CHATTER = "owner@team.example", "manager@team.example", "chatter@team.example"
MEMBERS, INVITATIONS, KEYS = "/api/crm/members", "/api/crm/invitations", "/api/crm/keys"
ACCEPT = "/api/auth/invitations/accept"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
async def named_account(api: Api) -> None:
    """The team's account, named with markup: every page showing its name must escape it."""
    await in_app(api.client, account, api.container, ACCOUNT, ACCOUNT_NAME)


async def members_json(api: Api, account_id: str = ACCOUNT) -> list[dict[str, Any]]:
    answer = await api.client.get(MEMBERS, headers=api.auth(account_id))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def invitations_json(api: Api, account_id: str = ACCOUNT) -> list[dict[str, Any]]:
    answer = await api.client.get(INVITATIONS, headers=api.auth(account_id))
    return list(answer.json()["items"])


async def invite_by_api(api: Api, email: str, role: str = "chatter") -> dict[str, Any]:
    answer = await api.client.post(
        INVITATIONS, json={"email": email, "role": role}, headers=api.auth(ACCOUNT)
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def listed_members(page: str) -> list[tuple[str, str]]:
    """(user id, role) of each member the page lists, in order."""
    ids = re.findall(r'data-member="([0-9a-f]{32})"', page)
    roles = re.findall(r'name="role" data-role="(\w+)"', page)
    return list(zip(ids, roles, strict=True))


def shown_once(page: str, field_id: str) -> str:
    """The secret in the read-only field of secret.html's shown_once."""
    return shown(page, rf'id="{field_id}" type="text" value="([^"]+)" readonly', field_id)


async def visitor(api: Api, path: str) -> tuple[Any, ConsoleSession]:
    """A page opened by someone signed in nowhere, and the CSRF cookie it gave them."""
    page = await api.client.get(path)
    csrf = page.cookies.get(CSRF_COOKIE) or (await api.client.get("/login")).cookies[CSRF_COOKIE]
    return page, ConsoleSession({CSRF_COOKIE: csrf}, api.client)


# The team page


async def test_the_team_page_lists_what_the_members_and_invitations_api_answer(api: Api) -> None:
    owner = await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    await person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    await person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    await person(api, "elsewhere@team.example", {OTHER: Role.OWNER})
    invitation = await invite_by_api(api, "soon@team.example", "manager")

    page = await api.client.get("/team", headers=owner.headers())

    assert page.status_code == 200
    members = await members_json(api)
    assert len(members) == 3  # not a vacuous match
    assert listed_members(page.text) == [(m["userId"], m["role"]) for m in members]
    for member in members:
        assert member["email"] in page.text
    assert "elsewhere@team.example" not in page.text
    assert re.findall(r'data-invitation="([^"]+)"', page.text) == [invitation["id"]]
    assert [i["id"] for i in await invitations_json(api)] == [invitation["id"]]
    assert invitation["token"] not in page.text  # a link is shown once, when made
    assert 'href="/team/keys"' in page.text  # the owner may list the keys


async def test_an_invitation_made_on_the_page_shows_its_link_once_and_the_api_accepts_it(
    api: Api,
) -> None:
    manager = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})

    made = await manager.submit("/team/invitations", email="New@Team.example", role="chatter")

    assert made.status_code == 200, made.text
    link = shown_once(made.text, "invitation-link")
    assert link.startswith("http://testserver.local/invite/")
    assert "shown once" in made.text
    assert "for 7 days" in made.text
    assert 'data-copy="invitation-link"' in made.text
    [pending] = await invitations_json(api)
    assert (pending["email"], pending["role"]) == ("new@team.example", "chatter")
    token = link.rsplit("/", 1)[1]
    accepted = await api.client.post(ACCEPT, json={"token": token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["account"]["role"] == "chatter"
    assert "new@team.example" in [m["email"] for m in await members_json(api)]
    again = await api.client.get("/team", headers=manager.headers())
    assert token not in again.text
    assert "new@team.example" in again.text


async def test_a_member_role_is_changed_and_a_member_removed_from_the_page(api: Api) -> None:
    owner = await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    chatter = await person(api, CHATTER, {ACCOUNT: Role.CHATTER})

    changed = await owner.submit(f"/team/members/{chatter.id}/role", role="manager")

    assert changed.status_code == 303
    assert changed.headers["location"] == "/team?done=role"
    roles = {m["email"]: m["role"] for m in await members_json(api)}
    assert roles[CHATTER] == "manager"
    shown = await api.client.get(changed.headers["location"], headers=owner.headers())
    assert "Role saved" in shown.text
    forged = await api.client.get(f"/team?done={SCRIPT}{'x' * 50}", headers=owner.headers())
    assert forged.status_code == 200
    assert 'class="flash' not in forged.text  # says only its own messages, none from a link
    assert (chatter.id, "manager") in listed_members(shown.text)

    removed = await owner.submit(f"/team/members/{chatter.id}/remove")

    assert removed.status_code == 303
    assert CHATTER not in [m["email"] for m in await members_json(api)]
    page = await api.client.get(removed.headers["location"], headers=owner.headers())
    assert "The member was removed" in page.text
    assert chatter.id not in page.text
    assert 'data-confirm="Remove ' in page.text  # the button asks first (console.js)


async def test_a_manager_touching_an_owner_or_the_last_owner_leaving_is_told_why(
    api: Api,
) -> None:
    manager = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    owner_user = await person(api, OWNER, {ACCOUNT: Role.OWNER})
    chatter = await person(api, CHATTER, {ACCOUNT: Role.CHATTER})

    demote = await manager.submit(f"/team/members/{owner_user.id}/role", role="chatter")
    remove = await manager.submit(f"/team/members/{owner_user.id}/remove")
    promote = await manager.submit(f"/team/members/{chatter.id}/role", role="owner")
    unknown_role = await manager.submit(f"/team/members/{chatter.id}/role", role="boss")

    for refused in (demote, remove, promote):
        assert refused.status_code == 403
        assert "data-refused" in refused.text
        assert "<h1>Team</h1>" in refused.text  # the page, with the members still listed
    assert "only an owner may change or remove an owner" in demote.text
    assert "only an owner may change or remove an owner" in remove.text
    assert "only an owner may make someone an owner" in promote.text
    assert unknown_role.status_code == 400
    assert "role must be one of: chatter, manager, owner" in unknown_role.text
    roles = {m["email"]: m["role"] for m in await members_json(api)}
    assert roles == {MANAGER: "manager", OWNER: "owner", CHATTER: "chatter"}

    owner = await console_sign_in(api.client, OWNER)  # the only owner
    step_down = await owner.submit(f"/team/members/{owner_user.id}/role", role="manager")
    leave = await owner.submit(f"/team/members/{owner_user.id}/remove")
    for refused in (step_down, leave):
        assert refused.status_code == 409
        assert "the account&#39;s last owner cannot be removed or demoted" in refused.text
    assert {m["email"]: m["role"] for m in await members_json(api)}[OWNER] == "owner"


async def test_a_manager_cannot_invite_an_owner_and_is_told_under_the_role_field(
    api: Api,
) -> None:
    manager = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    await person(api, CHATTER, {ACCOUNT: Role.CHATTER})

    owner_asked = await manager.submit("/team/invitations", email="boss@team.example", role="owner")
    bad_email = await manager.submit("/team/invitations", email="not-an-email", role="chatter")
    member_already = await manager.submit("/team/invitations", email=CHATTER, role="manager")

    assert owner_asked.status_code == 403
    assert field_error(owner_asked.text, "role") == "only an owner may make someone an owner"
    assert 'value="boss@team.example"' in owner_asked.text  # what was typed stays
    assert bad_email.status_code == 400
    assert field_error(bad_email.text, "email") == "email is not an email address"
    assert member_already.status_code == 409
    assert "is a member of this account already" in field_error(member_already.text, "email")
    assert "invitation-link" not in owner_asked.text + bad_email.text + member_already.text
    assert await invitations_json(api) == []


async def test_a_revoked_invitations_link_opens_nothing(api: Api) -> None:
    manager = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})
    invitation = await invite_by_api(api, "gone@team.example")

    revoked = await manager.submit(f"/team/invitations/{invitation['id']}/revoke")

    assert revoked.status_code == 303
    page = await api.client.get(revoked.headers["location"], headers=manager.headers())
    assert "The invitation was revoked" in page.text
    assert await invitations_json(api) == []
    opened = await api.client.get(f"/invite/{invitation['token']}")
    assert opened.status_code == 404
    assert "no such invitation: it may have been used, revoked or have expired" in opened.text


async def test_another_accounts_member_and_invitation_are_not_found(api: Api) -> None:
    owner = await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    stranger = await person(api, "stranger@team.example", {OTHER: Role.CHATTER})
    theirs = await api.client.post(
        INVITATIONS, json={"email": "x@team.example", "role": "chatter"}, headers=api.auth(OTHER)
    )

    role = await owner.submit(f"/team/members/{stranger.id}/role", role="manager")
    remove = await owner.submit(f"/team/members/{stranger.id}/remove")
    revoke = await owner.submit(f"/team/invitations/{theirs.json()['id']}/revoke")

    assert [role.status_code, remove.status_code, revoke.status_code] == [404, 404, 404]
    assert [m["role"] for m in await members_json(api, OTHER)] == ["chatter"]
    assert len(await invitations_json(api, OTHER)) == 1


async def test_a_chatter_is_refused_the_team_pages_and_is_not_offered_them(api: Api) -> None:
    chatter = await console_person(api, CHATTER, {ACCOUNT: Role.CHATTER})
    owner_user = await person(api, OWNER, {ACCOUNT: Role.OWNER})

    inbox = await api.client.get("/inbox", headers=chatter.headers())
    assert "/team" not in menu_paths(inbox.text)
    for path in ("/team", "/team/keys"):
        page = await api.client.get(path, headers=chatter.headers())
        assert page.status_code == 403, path
        assert "Not for your role" in page.text
    invite = await chatter.submit("/team/invitations", email="x@team.example", role="chatter")
    remove = await chatter.submit(f"/team/members/{owner_user.id}/remove")
    assert (invite.status_code, remove.status_code) == (403, 403)
    assert await invitations_json(api) == []
    assert len(await members_json(api)) == 2


# The invitation page


async def test_a_new_person_sets_a_password_on_the_invitation_page_and_then_signs_in(
    api: Api,
) -> None:
    owner = await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    invitation = await invite_by_api(api, "nia@team.example")
    path = f"/invite/{invitation['token']}"

    opened, visit = await visitor(api, path)

    assert opened.status_code == 200
    assert f"Join {html.escape(ACCOUNT_NAME, quote=False)}" in opened.text  # escaped
    assert ACCOUNT_NAME not in opened.text
    assert "nia@team.example" in opened.text
    assert "Choose a password (at least 10 characters)" in opened.text
    assert 'minlength="10"' in opened.text
    short = await visit.submit(path, name="Nia", password="too short")
    assert short.status_code == 400
    assert field_error(short.text, "password") == "password must be at least 10 characters"
    assert 'value="Nia"' in short.text  # the name stays; the password is never sent back
    assert "too short" not in short.text

    joined = await visit.submit(path, name=f"Nia {SCRIPT}", password=PASSWORD)

    assert joined.status_code == 303
    assert joined.headers["location"] == "/login"
    login = await api.client.get(
        "/login", headers={"Cookie": f"{JOINED_COOKIE}={joined.cookies[JOINED_COOKIE]}"}
    )
    said = f"You joined {html.escape(ACCOUNT_NAME, quote=False)}; sign in."
    assert said in login.text.replace("&#39;", "'")
    assert 'value="nia@team.example"' in login.text
    assert f'{JOINED_COOKIE}="";' in login.headers["set-cookie"]  # said once: cleared
    nia = await console_sign_in(api.client, "nia@team.example")
    inbox = await api.client.get("/inbox", headers=nia.headers())
    assert inbox.status_code == 200
    assert "/team" not in menu_paths(inbox.text)
    team = await api.client.get("/team", headers=owner.headers())
    assert "Nia &lt;script&gt;alert(1)&lt;/script&gt;" in team.text
    assert SCRIPT not in team.text
    used = await api.client.get(path)
    assert used.status_code == 404
    assert "no such invitation" in used.text


async def test_someone_with_a_user_gives_their_current_password_and_guesses_are_throttled(
    api: Api,
) -> None:
    await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    await person(api, "known@team.example", {OTHER: Role.OWNER})
    await person(api, "guessed@team.example", {OTHER: Role.CHATTER})
    known = await invite_by_api(api, "known@team.example", "manager")
    guessed = await invite_by_api(api, "guessed@team.example")

    opened, visit = await visitor(api, f"/invite/{known['token']}")
    assert "Your current password" in opened.text
    assert "Choose a password" not in opened.text
    assert 'name="name"' not in opened.text  # their user has a name of its own already
    wrong = await visit.submit(f"/invite/{known['token']}", password="the attacker's choice")
    assert wrong.status_code == 401  # a link never resets a password
    assert "give its current password" in field_error(wrong.text, "password")
    right = await visit.submit(f"/invite/{known['token']}", password=PASSWORD)
    assert right.status_code == 303
    roles = {m["email"]: m["role"] for m in await members_json(api)}
    assert roles["known@team.example"] == "manager"
    # Signed in, they work in the account joined, not in the one they had (it comes first).
    assert right.cookies[ACCOUNT_COOKIE] == ACCOUNT
    known_session = await console_sign_in(api.client, "known@team.example")
    cookie = {ACCOUNT_COOKIE: right.cookies[ACCOUNT_COOKIE]}
    team = await api.client.get("/team", headers=known_session.headers(**cookie))
    assert team.status_code == 200
    assert OWNER in team.text  # this account's team

    path = f"/invite/{guessed['token']}"
    statuses = [(await visit.submit(path, password=f"guess {n}")).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    throttled = await visit.submit(path, password=PASSWORD)
    assert throttled.status_code == 429  # the right one too, until the throttle lets go
    assert "Too many failed attempts: try again in" in field_error(throttled.text, "password")
    assert "guessed@team.example" not in [m["email"] for m in await members_json(api)]


async def test_joining_an_account_one_is_a_member_of_already_is_told_above_the_form(
    api: Api,
) -> None:
    await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    invitation = await invite_by_api(api, "twice@team.example")
    await person(api, "twice@team.example", {ACCOUNT: Role.CHATTER})  # added meanwhile
    path = f"/invite/{invitation['token']}"
    _, visit = await visitor(api, path)

    refused = await visit.submit(path, password=PASSWORD)

    assert refused.status_code == 409
    said = shown(refused.text, r'<div class="flash error" role="alert">\s*<p>([^<]*)</p>', "error")
    assert said == "twice@team.example is a member of this account already"
    assert "field-error" not in refused.text  # about no field
    assert {m["email"]: m["role"] for m in await members_json(api)}[
        "twice@team.example"
    ] == "chatter"


async def test_an_unknown_or_expired_link_is_a_404_page_never_a_500(api: Api) -> None:
    await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    expiring = await invite_by_api(api, "late@team.example")
    api.clock.advance(timedelta(days=7).total_seconds())

    for token in ("nothing-at-all", expiring["token"], "x" * 5000):
        opened, visit = await visitor(api, f"/invite/{token}")
        sent = await visit.submit(f"/invite/{token}", password=PASSWORD)
        assert (opened.status_code, sent.status_code) == (404, 404), token[:20]
        assert "no such invitation" in opened.text
        assert "no such invitation" in sent.text
    assert "late@team.example" not in [m["email"] for m in await members_json(api)]


# API keys


async def test_the_keys_page_is_for_owners(api: Api) -> None:
    manager = await console_person(api, MANAGER, {ACCOUNT: Role.MANAGER})

    page = await api.client.get("/team/keys", headers=manager.headers())
    made = await manager.submit("/team/keys", name="mine", role="chatter")
    team = await api.client.get("/team", headers=manager.headers())

    assert (page.status_code, made.status_code) == (403, 403)
    assert "Not for your role" in page.text
    assert 'href="/team/keys"' not in team.text
    assert (await api.client.get(KEYS, headers=api.auth(ACCOUNT))).json()["items"] == []


async def test_a_key_made_on_the_page_is_shown_once_works_and_stops_when_revoked(
    api: Api,
) -> None:
    owner = await console_person(api, OWNER, {ACCOUNT: Role.OWNER})
    blank = await owner.submit("/team/keys", name="  ", role="manager")
    assert blank.status_code == 400
    assert field_error(blank.text, "name") == "name must not be empty"

    made = await owner.submit("/team/keys", name=f"bridge {SCRIPT}", role="manager")

    assert made.status_code == 200, made.text
    key = shown_once(made.text, "api-key")
    assert key.startswith("fck_")
    assert SCRIPT not in made.text  # the name, in the label and the note, is escaped
    assert "shown once" in made.text
    acting = await api.client.get("/api/crm/fans", headers=bearer(key))
    assert acting.status_code == 200, acting.text
    [listed] = (await api.client.get(KEYS, headers=api.auth(ACCOUNT))).json()["items"]
    assert (listed["name"], listed["role"]) == (f"bridge {SCRIPT}", "manager")
    assert key.startswith(f"fck_{listed['id']}_")
    page = await api.client.get("/team/keys", headers=owner.headers())
    secret = key.removeprefix(f"fck_{listed['id']}_")
    assert secret not in page.text
    assert f'data-key-id="{listed["id"]}"' in page.text
    assert "bridge &lt;script&gt;" in page.text
    assert SCRIPT not in page.text

    revoked = await owner.submit(f"/team/keys/{listed['id']}/revoke")

    assert revoked.status_code == 303
    assert (await api.client.get("/api/crm/fans", headers=bearer(key))).status_code == 401
    after = await api.client.get(revoked.headers["location"], headers=owner.headers())
    assert "The key was revoked" in after.text
    assert "Revoked <time" in after.text
    again = await owner.submit(f"/team/keys/{listed['id']}/revoke")
    assert again.status_code == 404
