"""An account's members, invitations and API keys over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from core.accounts import Role
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support.people import PASSWORD, audit_of, bearer, person, sign_in, whoami

MEMBERS, INVITATIONS, KEYS = "/api/crm/members", "/api/crm/invitations", "/api/crm/keys"
ACCEPT = "/api/auth/invitations/accept"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        built.client.app.register(whoami)
        yield built


async def as_member(api: Api, email: str, role: Role, account: str = "acct-a") -> dict[str, str]:
    """A person with `role` in `account`, signed in: their headers acting there."""
    await person(api, email, {account: role})
    return bearer((await sign_in(api.client, email))["accessToken"], account)


# Members


async def test_members_are_listed_with_their_role_in_the_order_they_joined(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    api.clock.advance(1)
    await person(api, "chat@example.com", {"acct-a": Role.CHATTER, "acct-b": Role.OWNER})

    page = (await api.client.get(MEMBERS, headers=owner)).json()

    assert [(m["email"], m["role"]) for m in page["items"]] == [
        ("owner@example.com", "owner"),
        ("chat@example.com", "chatter"),
    ]
    assert page["total"] == 2


async def test_a_manager_may_not_touch_an_owner_nor_make_one(api: Api):
    manager = await as_member(api, "man@example.com", Role.MANAGER)
    owner = await person(api, "owner@example.com", {"acct-a": Role.OWNER})
    chatter = await person(api, "chat@example.com", {"acct-a": Role.CHATTER})

    demote = await api.client.patch(
        f"{MEMBERS}/{owner.id}", json={"role": "chatter"}, headers=manager
    )
    remove = await api.client.delete(f"{MEMBERS}/{owner.id}", headers=manager)
    promote = await api.client.patch(
        f"{MEMBERS}/{chatter.id}", json={"role": "owner"}, headers=manager
    )
    allowed = await api.client.patch(
        f"{MEMBERS}/{chatter.id}", json={"role": "manager"}, headers=manager
    )

    assert [demote.status_code, remove.status_code, promote.status_code] == [403, 403, 403]
    assert allowed.status_code == 200


async def test_the_last_owner_can_be_neither_demoted_nor_removed(api: Api):
    headers = await as_member(api, "owner@example.com", Role.OWNER)
    me = (await api.client.get("/api/auth/me", headers=headers)).json()["user"]["id"]

    demoted = await api.client.patch(f"{MEMBERS}/{me}", json={"role": "manager"}, headers=headers)
    removed = await api.client.delete(f"{MEMBERS}/{me}", headers=headers)

    assert (demoted.status_code, removed.status_code) == (409, 409)
    # With a second owner, the first may step down.
    await person(api, "second@example.com", {"acct-a": Role.OWNER})
    stepped = await api.client.patch(f"{MEMBERS}/{me}", json={"role": "manager"}, headers=headers)
    assert stepped.json()["role"] == "manager"


async def test_member_changes_are_in_the_audit_log(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    chatter = await person(api, "chat@example.com", {"acct-a": Role.CHATTER})

    await api.client.patch(f"{MEMBERS}/{chatter.id}", json={"role": "manager"}, headers=owner)
    await api.client.delete(f"{MEMBERS}/{chatter.id}", headers=owner)

    entries = {e.action: e for e in await audit_of(api, "acct-a")}
    changed, removed = entries["member.role_changed"], entries["member.removed"]
    assert (changed.target, changed.detail) == (chatter.id, {"from": "chatter", "to": "manager"})
    assert (removed.target, removed.detail) == (chatter.id, {"role": "manager"})
    assert changed.actor.kind.value == "member"


async def test_an_unknown_member_is_a_404_and_a_malformed_id_a_400(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    unknown = await api.client.delete(f"{MEMBERS}/{'0' * 32}", headers=owner)
    malformed = await api.client.delete(f"{MEMBERS}/not-an-id", headers=owner)
    assert (unknown.status_code, malformed.status_code) == (404, 400)


# Invitations


async def invite(api: Api, headers: dict[str, str], email: str, role: str = "chatter") -> dict:
    response = await api.client.post(
        INVITATIONS, json={"email": email, "role": role}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_invitation_makes_a_new_person_a_member_once(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    issued = await invite(api, owner, "New.Chatter@Example.com")
    assert issued["link"] == f"/invite/{issued['token']}"
    assert issued["email"] == "new.chatter@example.com"
    created = datetime.fromisoformat(issued["createdAt"])
    assert datetime.fromisoformat(issued["expiresAt"]) - created == timedelta(days=7)
    listed = (await api.client.get(INVITATIONS, headers=owner)).json()
    assert [i["id"] for i in listed["items"]] == [issued["id"]]
    assert "token" not in listed["items"][0]

    short = await api.client.post(ACCEPT, json={"token": issued["token"], "password": "short"})
    accepted = await api.client.post(
        ACCEPT, json={"token": issued["token"], "password": PASSWORD, "name": "Nia"}
    )
    again = await api.client.post(ACCEPT, json={"token": issued["token"], "password": PASSWORD})

    assert short.status_code == 400
    assert short.json()["detail"]["field"] == "password"
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["account"] == {"id": "acct-a", "name": "acct-a", "role": "chatter"}
    assert again.status_code == 404
    signed = await sign_in(api.client, "new.chatter@example.com")
    assert [(a["id"], a["role"]) for a in signed["accounts"]] == [("acct-a", "chatter")]
    assert (await api.client.get(INVITATIONS, headers=owner)).json()["items"] == []
    actions = {e.action: e for e in await audit_of(api, "acct-a")}
    assert actions["invitation.created"].detail == {
        "email": "new.chatter@example.com",
        "role": "chatter",
    }
    assert actions["member.joined"].target == accepted.json()["user"]["id"]
    assert issued["token"] not in repr(await audit_of(api, "acct-a"))


async def test_a_link_never_resets_the_password_of_someone_who_has_a_user(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    await person(api, "known@example.com", {"acct-b": Role.OWNER})
    issued = await invite(api, owner, "known@example.com", "manager")

    taken_over = await api.client.post(
        ACCEPT, json={"token": issued["token"], "password": "the attacker's choice"}
    )
    proven = await api.client.post(ACCEPT, json={"token": issued["token"], "password": PASSWORD})

    assert taken_over.status_code == 401
    assert proven.status_code == 200, proven.text
    signed = await sign_in(api.client, "known@example.com", PASSWORD)
    assert {(a["id"], a["role"]) for a in signed["accounts"]} == {
        ("acct-a", "manager"),
        ("acct-b", "owner"),
    }


async def test_only_an_owner_invites_an_owner_and_chatters_invite_no_one(api: Api):
    manager = await as_member(api, "man@example.com", Role.MANAGER)
    chatter = await as_member(api, "chat@example.com", Role.CHATTER)

    by_manager = await api.client.post(
        INVITATIONS, json={"email": "x@example.com", "role": "owner"}, headers=manager
    )
    by_chatter = await api.client.post(
        INVITATIONS, json={"email": "x@example.com", "role": "chatter"}, headers=chatter
    )

    assert (by_manager.status_code, by_chatter.status_code) == (403, 403)
    await invite(api, manager, "x@example.com", "chatter")


async def test_a_revoked_an_expired_or_a_replaced_invitation_opens_nothing(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    revoked = await invite(api, owner, "r@example.com")
    replaced = await invite(api, owner, "again@example.com")
    replacement = await invite(api, owner, "again@example.com", "manager")
    expiring = await invite(api, owner, "e@example.com")

    assert (
        await api.client.delete(f"{INVITATIONS}/{revoked['id']}", headers=owner)
    ).status_code == 204
    assert (
        await api.client.delete(f"{INVITATIONS}/{revoked['id']}", headers=owner)
    ).status_code == 404
    api.clock.advance(timedelta(days=7).total_seconds())

    for dead in (revoked, replaced, expiring):
        response = await api.client.post(
            ACCEPT, json={"token": dead["token"], "password": PASSWORD}
        )
        assert response.status_code == 404, dead["email"]
    assert (await api.client.get(INVITATIONS, headers=owner)).json()["total"] == 0
    del replacement  # expired too: the clock moved past its seven days


async def test_inviting_a_member_already_is_a_409(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    await person(api, "chat@example.com", {"acct-a": Role.CHATTER})
    response = await api.client.post(
        INVITATIONS, json={"email": "chat@example.com", "role": "manager"}, headers=owner
    )
    assert response.status_code == 409


# API keys


async def test_an_api_key_is_shown_once_works_with_its_role_and_stops_when_revoked(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    made = await api.client.post(KEYS, json={"name": "bridge", "role": "chatter"}, headers=owner)
    assert made.status_code == 201, made.text
    key = made.json()
    assert key["key"].startswith(f"fck_{key['id']}_")

    acting = await api.client.get("/test/whoami", headers=bearer(key["key"]))
    listed = (await api.client.get(KEYS, headers=owner)).json()

    assert acting.json() == {
        "account": "acct-a",
        "role": "chatter",
        "author": {"kind": "key", "id": key["id"]},
    }
    [shown] = listed["items"]
    assert "key" not in shown
    assert key["key"].removeprefix(f"fck_{key['id']}_") not in str(listed)
    assert shown["lastUsedAt"] is not None
    revoked = await api.client.delete(f"{KEYS}/{key['id']}", headers=owner)
    assert revoked.status_code == 204
    assert (await api.client.get("/test/whoami", headers=bearer(key["key"]))).status_code == 401
    assert (await api.client.delete(f"{KEYS}/{key['id']}", headers=owner)).status_code == 404
    actions = [e.action for e in await audit_of(api, "acct-a")]
    assert {"key.created", "key.revoked"} <= set(actions)
    assert key["key"].removeprefix(f"fck_{key['id']}_") not in repr(await audit_of(api, "acct-a"))


async def test_a_key_records_its_last_use_at_most_once_a_minute(api: Api):
    owner = await as_member(api, "owner@example.com", Role.OWNER)
    key = (await api.client.post(KEYS, json={"name": "b", "role": "manager"}, headers=owner)).json()

    async def last_used() -> str:
        await api.client.get("/test/whoami", headers=bearer(key["key"]))
        return (await api.client.get(KEYS, headers=owner)).json()["items"][0]["lastUsedAt"]

    first = await last_used()
    api.clock.advance(59)
    assert await last_used() == first
    api.clock.advance(2)
    assert await last_used() != first


async def test_only_owners_make_keys_and_a_service_token_may(api: Api):
    manager = await as_member(api, "man@example.com", Role.MANAGER)
    refused = await api.client.post(KEYS, json={"name": "b", "role": "chatter"}, headers=manager)
    # The service token's tenant may have no account row yet: it is made on the way.
    service = await api.client.post(
        KEYS, json={"name": "b", "role": "owner"}, headers=api.auth("tenant-without-row")
    )
    assert refused.status_code == 403
    assert service.status_code == 201, service.text
    answer = await api.client.get("/test/whoami", headers=bearer(service.json()["key"]))
    assert answer.json()["account"] == "tenant-without-row"
