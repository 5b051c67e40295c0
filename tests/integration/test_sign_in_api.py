"""People signing in over HTTP, on SQLite and PostgreSQL: login, the refresh token's rotation
and reuse detection, logout, password change, the per-request check of the session and the
membership, bad tokens, and the brute-force limits."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from core.accounts import Role
from entrypoints.http.auth import issue_token
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support.people import PASSWORD, audit_of, bearer, person, sign_in, whoami
from tests.support.world import TEST_SECRET

ME, FANS = "/api/auth/me", "/api/crm/fans"


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        built.client.app.register(whoami)
        yield built


async def test_login_answers_both_tokens_and_the_accounts_and_sets_the_refresh_cookie(api: Api):
    await person(api, "ann@example.com", {"acct-a": Role.OWNER, "acct-b": Role.CHATTER})

    response = await api.client.post(
        "/api/auth/login", json={"email": " Ann@Example.COM ", "password": PASSWORD}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["tokenType"], body["expiresIn"]) == ("Bearer", 900)
    assert body["user"]["email"] == "ann@example.com"
    assert [(a["id"], a["role"]) for a in body["accounts"]] == [
        ("acct-a", "owner"),
        ("acct-b", "chatter"),
    ]
    assert "password" not in response.text.lower().replace("passwordchanged", "")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"fancrm_refresh={body['refreshToken']};")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/api/auth"):
        assert attribute in cookie
    claims = jwt.decode(body["accessToken"], TEST_SECRET, algorithms=["HS256"])
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 900


async def test_a_person_acts_in_their_earliest_account_or_the_one_named(api: Api):
    ann = await person(api, "ann@example.com", {"acct-a": Role.OWNER, "acct-b": Role.MANAGER})
    author = {"kind": "member", "id": ann.id}
    token = (await sign_in(api.client, "ann@example.com"))["accessToken"]

    default = await api.client.get("/test/whoami", headers=bearer(token))
    named = await api.client.get("/test/whoami", headers=bearer(token, "acct-b"))
    stranger = await api.client.get("/test/whoami", headers=bearer(token, "acct-c"))

    assert default.json() == {"account": "acct-a", "role": "owner", "author": author}
    assert named.json() == {"account": "acct-b", "role": "manager", "author": author}
    assert stranger.status_code == 403
    # The tenant the handlers read is the account: a fan made in acct-b is acct-b's.
    made = await api.client.post(
        FANS, json={"platform": "onlyfans", "handle": "luna"}, headers=bearer(token, "acct-b")
    )
    assert made.status_code == 201
    listed = await api.client.get(FANS, headers=api.auth("acct-b"))
    assert [f["handle"] for f in listed.json()["items"]] == ["luna"]


async def test_the_account_chosen_at_login_is_the_default_and_must_be_one_of_theirs(api: Api):
    await person(api, "ann@example.com", {"acct-a": Role.OWNER, "acct-b": Role.CHATTER})
    chosen = await sign_in(api.client, "ann@example.com", account="acct-b")

    answer = await api.client.get("/test/whoami", headers=bearer(chosen["accessToken"]))
    refused = await api.client.post(
        "/api/auth/login",
        json={"email": "ann@example.com", "password": PASSWORD, "account": "acct-c"},
    )

    assert answer.json()["account"] == "acct-b"
    assert refused.status_code == 403


async def test_a_member_of_no_account_is_signed_in_and_acts_in_none(api: Api):
    solo = await person(api, "solo@example.com")
    token = (await sign_in(api.client, "solo@example.com"))["accessToken"]

    answer = await api.client.get("/test/whoami", headers=bearer(token))
    profile = await api.client.get(ME, headers=bearer(token))

    author = {"kind": "member", "id": solo.id}
    assert answer.json() == {"account": "", "role": None, "author": author}
    assert profile.json()["accounts"] == []


async def test_a_member_removed_mid_session_is_refused_on_the_next_request(api: Api):
    await person(api, "owner@example.com", {"acct-a": Role.OWNER})
    chatter = await person(api, "chat@example.com", {"acct-a": Role.CHATTER})
    owner_token = (await sign_in(api.client, "owner@example.com"))["accessToken"]
    token = (await sign_in(api.client, "chat@example.com"))["accessToken"]
    assert (await api.client.get(FANS, headers=bearer(token, "acct-a"))).status_code == 200

    removed = await api.client.delete(
        f"/api/crm/members/{chatter.id}", headers=bearer(owner_token, "acct-a")
    )

    assert removed.status_code == 204
    refused = await api.client.get(FANS, headers=bearer(token, "acct-a"))
    assert refused.status_code == 403
    assert set(refused.json()) == {"error", "detail"}
    # Without the header they act in no account any more: nothing of acct-a is theirs.
    alone = await api.client.get("/test/whoami", headers=bearer(token))
    assert alone.json()["role"] is None


async def test_a_lowered_role_applies_to_the_next_request(api: Api):
    await person(api, "owner@example.com", {"acct-a": Role.OWNER})
    manager = await person(api, "man@example.com", {"acct-a": Role.MANAGER})
    owner_token = (await sign_in(api.client, "owner@example.com"))["accessToken"]
    token = (await sign_in(api.client, "man@example.com"))["accessToken"]

    changed = await api.client.patch(
        f"/api/crm/members/{manager.id}",
        json={"role": "chatter"},
        headers=bearer(owner_token, "acct-a"),
    )

    assert changed.json()["role"] == "chatter"
    answer = await api.client.get("/test/whoami", headers=bearer(token, "acct-a"))
    assert answer.json()["role"] == "chatter"


async def test_refresh_rotates_and_a_reused_token_ends_the_whole_session(api: Api):
    await person(api, "ann@example.com", {"acct-a": Role.OWNER})
    first = await sign_in(api.client, "ann@example.com")

    second = await api.client.post(
        "/api/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refreshToken"] != first["refreshToken"]
    assert (await api.client.get(ME, headers=bearer(rotated["accessToken"]))).status_code == 200

    reused = await api.client.post(
        "/api/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )

    assert reused.status_code == 401
    assert "used already" in reused.json()["error"]
    # The thief's replay ended the family: the latest token and its access token are dead too.
    latest = await api.client.post(
        "/api/auth/refresh", json={"refreshToken": rotated["refreshToken"]}
    )
    assert latest.status_code == 401
    assert (await api.client.get(ME, headers=bearer(rotated["accessToken"]))).status_code == 401
    assert (await api.client.get(ME, headers=bearer(first["accessToken"]))).status_code == 401


async def test_refresh_reads_the_cookie_and_sets_the_next_one(api: Api):
    await person(api, "ann@example.com")
    first = await sign_in(api.client, "ann@example.com")

    response = await api.client.post(
        "/api/auth/refresh", headers={"Cookie": f"fancrm_refresh={first['refreshToken']}"}
    )

    assert response.status_code == 200, response.text
    assert response.headers["set-cookie"].startswith(
        f"fancrm_refresh={response.json()['refreshToken']};"
    )


async def test_a_refresh_token_expires_after_30_days(api: Api):
    await person(api, "ann@example.com")
    first = await sign_in(api.client, "ann@example.com")
    api.clock.advance(timedelta(days=30).total_seconds())

    response = await api.client.post(
        "/api/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )

    assert response.status_code == 401
    assert "expired" in response.json()["error"]


async def test_logout_ends_the_session_and_clears_the_cookie(api: Api):
    await person(api, "ann@example.com")
    session = await sign_in(api.client, "ann@example.com")

    response = await api.client.post(
        "/api/auth/logout", headers={"Cookie": f"fancrm_refresh={session['refreshToken']}"}
    )

    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert (await api.client.get(ME, headers=bearer(session["accessToken"]))).status_code == 401
    again = await api.client.post(
        "/api/auth/refresh", json={"refreshToken": session["refreshToken"]}
    )
    assert again.status_code == 401
    # Logging out with a token the server does not know (or none) changes nothing.
    assert (await api.client.post("/api/auth/logout")).status_code == 204


async def test_a_password_change_ends_every_other_session(api: Api):
    await person(api, "ann@example.com")
    here = await sign_in(api.client, "ann@example.com")
    elsewhere = await sign_in(api.client, "ann@example.com")
    new = "a brand new passphrase"

    changed = await api.client.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": new},
        headers=bearer(here["accessToken"]),
    )

    assert changed.status_code == 204, changed.text
    assert (await api.client.get(ME, headers=bearer(here["accessToken"]))).status_code == 200
    assert (await api.client.get(ME, headers=bearer(elsewhere["accessToken"]))).status_code == 401
    other_refresh = await api.client.post(
        "/api/auth/refresh", json={"refreshToken": elsewhere["refreshToken"]}
    )
    assert other_refresh.status_code == 401
    old = await api.client.post(
        "/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert old.status_code == 401
    await sign_in(api.client, "ann@example.com", new)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"currentPassword": "not the password", "newPassword": "long enough now"},
            "currentPassword",
        ),
        ({"currentPassword": PASSWORD, "newPassword": "short"}, "newPassword"),
        ({"currentPassword": PASSWORD, "newPassword": "x" * 1025}, "newPassword"),
    ],
)
async def test_a_bad_password_change_is_a_400_naming_the_field(api: Api, body, field):
    await person(api, "ann@example.com")
    token = (await sign_in(api.client, "ann@example.com"))["accessToken"]

    response = await api.client.post("/api/auth/password", json=body, headers=bearer(token))

    assert response.status_code == 400, response.text
    assert field in response.json()["error"]


async def test_the_service_token_and_keys_have_no_profile_or_password(api: Api):
    for path, method in ((ME, "GET"), ("/api/auth/password", "POST")):
        body = {"currentPassword": PASSWORD, "newPassword": "long enough now"}
        response = await api.client.request(
            method, path, json=body if method == "POST" else None, headers=api.auth("acct-a")
        )
        assert response.status_code == 403, (path, response.text)


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


async def bad_tokens(api: Api) -> dict[str, str]:
    """Each a way a token can be wrong, for a person whose session is live."""
    await person(api, "ann@example.com", {"acct-a": Role.OWNER})
    good = (await sign_in(api.client, "ann@example.com"))["accessToken"]
    claims = jwt.decode(good, TEST_SECRET, algorithms=["HS256"])
    header, payload, signature = good.split(".")
    tampered = {**claims, "sub": "someone-else"}
    past = datetime.now(UTC) - timedelta(minutes=1)
    return {
        "alg none": f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "alg none, service": f"{_segment({'alg': 'none'})}.{_segment({'sub': 'acct-a'})}.",
        "another secret": jwt.encode(claims, "another-secret-of-the-same-length-0000", "HS256"),
        "expired": jwt.encode(
            {**claims, "exp": past, "iat": past - timedelta(minutes=15)}, TEST_SECRET, "HS256"
        ),
        "tampered claim": f"{header}.{_segment(tampered)}.{signature}",
        "unknown kind": jwt.encode({**claims, "typ": "refresh"}, TEST_SECRET, "HS256"),
        "no session": jwt.encode({**claims, "sid": "0" * 32}, TEST_SECRET, "HS256"),
        "garbage": "not-a-token",
        "malformed key": "fck_123_abc",
        "unknown key": f"fck_{'0' * 16}_{'A' * 43}",
    }


async def test_every_bad_token_is_a_401_in_the_error_shape(api: Api):
    for why, token in (await bad_tokens(api)).items():
        response = await api.client.get(FANS, headers=bearer(token))
        assert response.status_code == 401, (why, response.text)
        assert set(response.json()) == {"error", "detail"}, why


async def test_a_service_token_or_key_acts_in_its_own_account_only(api: Api):
    own = await api.client.get(FANS, headers=bearer(issue_token(TEST_SECRET, "acct-a"), "acct-a"))
    other = await api.client.get(FANS, headers=bearer(issue_token(TEST_SECRET, "acct-a"), "acct-b"))
    assert own.status_code == 200
    assert other.status_code == 403


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(api: Api):
    await person(api, "ann@example.com", {"acct-a": Role.OWNER})

    wrong = await api.client.post(
        "/api/auth/login", json={"email": "ann@example.com", "password": "not it at all"}
    )
    unknown = await api.client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": "not it at all"}
    )

    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())
    assert wrong.json() == {"error": "email or password is wrong", "detail": None}
    assert "set-cookie" not in wrong.headers
    # The known email's failure is in the audit log of its account; the password never is.
    [failed] = [e for e in await audit_of(api, "acct-a") if e.action == "login.failed"]
    assert "not it at all" not in repr(failed)


async def test_past_five_failures_an_email_is_refused_until_the_bucket_refills(api: Api):
    await person(api, "ann@example.com")
    wrong = {"email": "ann@example.com", "password": "not it at all"}
    answers = [(await api.client.post("/api/auth/login", json=wrong)).status_code for _ in range(5)]

    refused = await api.client.post(
        "/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )

    assert answers == [401] * 5
    assert refused.status_code == 429  # even the right password is not checked now
    assert refused.headers["retry-after"] == "180"
    api.clock.advance(180)
    await sign_in(api.client, "ann@example.com")


async def test_past_twenty_failures_an_address_is_refused_whatever_the_email(api: Api):
    for n in range(20):
        body = {"email": f"guess{n}@example.com", "password": "not it at all"}
        assert (await api.client.post("/api/auth/login", json=body)).status_code == 401

    refused = await api.client.post(
        "/api/auth/login", json={"email": "fresh@example.com", "password": "whatever it is"}
    )

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "45"


async def test_sign_ins_are_in_the_audit_log_of_each_account(api: Api):
    await person(api, "ann@example.com", {"acct-a": Role.OWNER, "acct-b": Role.CHATTER})
    await sign_in(api.client, "ann@example.com")

    for account_id in ("acct-a", "acct-b"):
        [ok] = [e for e in await audit_of(api, account_id) if e.action == "login.ok"]
        assert ok.actor.kind.value == "member"
        assert set(ok.detail) == {"address", "session"}


async def test_no_password_or_token_reaches_the_log(api: Api, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    await person(api, "ann@example.com")
    wrong = {"email": "ann@example.com", "password": "a wrong guess here"}
    await api.client.post("/api/auth/login", json=wrong)
    await api.client.post("/api/auth/login", json={**wrong, "email": "nobody@example.com"})
    signed = await sign_in(api.client, "ann@example.com")
    change = {"currentPassword": PASSWORD, "newPassword": "the next passphrase"}
    await api.client.post("/api/auth/password", json=change, headers=bearer(signed["accessToken"]))

    logged = caplog.text + repr([record.__dict__ for record in caplog.records])
    assert "sign-in for an unknown email" in logged
    for secret in (PASSWORD, "a wrong guess here", "the next passphrase", signed["refreshToken"]):
        assert secret not in logged
