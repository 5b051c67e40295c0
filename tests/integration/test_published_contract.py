"""The published contract (/schema/openapi.json) and the answers it describes, read directly."""

from __future__ import annotations

from typing import Any

import pytest

from core.checks import MAX_ID
from tests.integration.conftest import Api

FANS = "/api/crm/fans"


async def contract(api: Api) -> dict[str, Any]:
    response = await api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


async def test_errors_have_one_documented_shape_on_every_operation(api: Api) -> None:
    document = await contract(api)
    assert document["components"]["schemas"]["Error"]["required"] == ["error", "detail"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            errors = {s: r for s, r in operation["responses"].items() if s >= "400"}
            assert errors, (method, path)
            for status, response in errors.items():
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
    fans = document["paths"][FANS]
    assert {"400", "401", "429", "503"} <= set(fans["get"]["responses"])
    assert "412" in document["paths"][f"{FANS}/{{fan_id}}"]["patch"]["responses"]


async def test_public_operations_need_no_token_and_the_rest_do(api: Api) -> None:
    document = await contract(api)
    assert document["security"] == [{"BearerToken": []}]
    public = {
        (method, path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security") == []
    }
    assert public == {
        ("get", "/health"),
        ("get", "/metrics"),
        ("post", "/api/onlyfans/events"),
        # Sign-in: the body or the cookie carries the credential (password, refresh token,
        # invitation token); the profile and password change need a person's bearer token.
        ("post", "/api/auth/login"),
        ("post", "/api/auth/refresh"),
        ("post", "/api/auth/logout"),
        ("post", "/api/auth/invitations/accept"),
    }
    login = document["paths"]["/api/auth/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login)
    assert "403" in document["paths"]["/api/crm/fans"]["get"]["responses"]  # X-Fancrm-Account
    refresh = document["paths"]["/api/auth/refresh"]["post"]
    assert refresh["requestBody"]["required"] is False  # the cookie may carry it instead
    assert refresh["parameters"][0] == {**refresh["parameters"][0], "in": "cookie"}
    events = document["paths"]["/api/onlyfans/events"]["post"]
    assert events["parameters"][0]["name"] == "X-Fancrm-Signature"
    assert "401" in events["responses"]


async def test_bounds_are_exact_integers_and_bodies_refuse_unknown_fields(api: Api) -> None:
    document = await contract(api)
    [fan_id] = document["paths"][f"{FANS}/{{fan_id}}"]["get"]["parameters"]
    assert fan_id["schema"]["maximum"] == MAX_ID
    assert isinstance(fan_id["schema"]["maximum"], int)
    schemas = document["components"]["schemas"]
    for body in ("FanBody", "FanPatchBody", "QuickReplyBody", "SendMessageBody", "BulkMessageBody"):
        assert schemas[body]["additionalProperties"] is False, body
    title = schemas["QuickReplyBody"]["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, 100)


async def test_every_request_body_has_an_example(api: Api) -> None:
    document = await contract(api)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if media == "application/json":
                    assert "example" in content, (method, path)


async def test_the_docs_page_loads_its_viewer_from_this_server(api: Api) -> None:
    page = await api.client.get("/schema")
    assert page.status_code == 200
    head = page.text.split("<body>")[0]
    assert "cdn" not in head.lower()
    assert "https://" not in head
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        served = await api.client.get(f"/static/swagger-ui/{asset}")
        assert served.status_code == 200, asset
        assert len(served.content) > 1000


async def test_options_names_every_method_of_the_path(api: Api) -> None:
    listed = await api.client.options(FANS, headers=api.auth("a"))
    one = await api.client.options(f"{FANS}/1", headers=api.auth("a"))
    assert listed.headers["allow"] == "GET, OPTIONS, POST"
    assert one.headers["allow"] == "DELETE, GET, OPTIONS, PATCH, PUT"


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("search=a&search=b", "search", "given more than once"),
        ("limit=1&limit=2", "limit", "given more than once"),
        ("sort=nope", "sort", "one of: created, -created, value, -value, lastActive, -lastActive"),
        ("platform=luna", "platform", "one of: onlyfans, fansly, patreon, other"),
    ],
)
async def test_query_errors_name_the_parameter_and_what_it_allows(
    api: Api, query: str, field: str, says: str
) -> None:
    response = await api.client.get(f"{FANS}?{query}", headers=api.auth("a"))
    assert response.status_code == 400
    [issue] = response.json()["detail"]
    assert (issue["field"], issue["source"]) == (field, "query")
    assert says in issue["message"]
    assert "ParamType" not in response.text


async def test_a_body_enum_error_lists_the_allowed_values(api: Api) -> None:
    response = await api.client.post(
        FANS, json={"platform": "luna", "handle": "x"}, headers=api.auth("a")
    )
    assert response.status_code == 400
    assert response.json()["error"] == (
        "invalid request: platform: Invalid enum value 'luna'; one of: onlyfans, fansly, "
        "patreon, other"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"recipientId": "1", "content": "hi"},
        {"recipientId": 1, "content": "hi", "priority": "5"},
        {"recipientId": 1, "content": "hi", "priority": 5.5},
    ],
)
async def test_a_body_is_held_to_its_schema_strictly(api: Api, body: dict) -> None:
    response = await api.client.post(
        "/api/onlyfans/messaging/send", json=body, headers=api.auth("a")
    )
    assert response.status_code == 400, response.text


async def test_every_field_in_error_is_named_in_one_answer(api: Api) -> None:
    body = {"recipientId": "1", "priority": 11, "colour": "red"}
    response = await api.client.post(
        "/api/onlyfans/messaging/send", json=body, headers=api.auth("a")
    )
    assert response.status_code == 400
    named = {issue["field"] for issue in response.json()["detail"]}
    assert named == {"recipientId", "priority", "content", "colour"}


async def test_a_file_field_given_twice_is_named_without_internal_words(api: Api) -> None:
    files = [
        ("file", ("a.csv", b"handle\nx\n", "text/csv")),
        ("file", ("b.csv", b"handle\ny\n", "text/csv")),
    ]
    response = await api.client.post("/api/onlyfans/import/csv", files=files, headers=api.auth("a"))
    assert response.status_code == 400
    assert (
        response.json()["error"]
        == "invalid request: file: given more than once; it takes one value"
    )
    assert "class" not in response.text
