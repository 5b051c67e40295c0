"""A JSON body nested 100, 1,000 or 100,000 deep is a 400 on every endpoint that takes JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.accounts import Role
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.http.permissions import Access, rules_by_operation
from tests.integration.conftest import Api, open_api
from tests.support.events import BRIDGE_SECRET, signed
from tests.support.people import bearer, person, sign_in
from tests.support.world import settings_for_tests

DEPTHS = [100, 1_000, 100_000]
EVENTS = "/api/onlyfans/events"


def json_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation the published contract says takes a JSON body."""
    schema = create_app(build_container(settings_for_tests())).openapi_schema.to_schema()
    return sorted(
        {
            (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
            for path, item in schema["paths"].items()
            for method, operation in item.items()
            if "application/json" in (operation.get("requestBody") or {}).get("content", {})
        }
        | {("POST", EVENTS)}  # signed, its raw body read by the handler
    )


def for_people_only() -> set[str]:
    """The paths only a person signed in may call (their own profile and password)."""
    app = create_app(build_container(settings_for_tests()))
    return {path for (path, _), rule in rules_by_operation(app).items() if rule is Access.PERSON}


def nested(depth: int) -> bytes:
    return b'{"tags": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.fixture
async def api() -> Any:
    async for built in open_api(
        API_RATE_PER_MINUTE="1000000", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET
    ):
        yield built


def test_the_contract_lists_the_json_endpoints() -> None:
    operations = json_operations()
    assert ("POST", "/api/crm/fans") in operations
    assert ("POST", EVENTS) in operations
    assert len(operations) >= 10


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize(("method", "path"), json_operations())
async def test_a_deeply_nested_body_is_a_400(api: Api, method: str, path: str, depth: int) -> None:
    body = nested(depth)
    if path == EVENTS:
        headers = signed(body)
    elif path in for_people_only():
        await person(api, "someone@example.com", {"a": Role.OWNER})
        token = (await sign_in(api.client, "someone@example.com"))["accessToken"]
        headers = {**bearer(token), "Content-Type": "application/json"}
    else:
        headers = {**api.auth("a"), "Content-Type": "application/json"}
    response = await api.client.request(method, path, content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith("invalid request")
