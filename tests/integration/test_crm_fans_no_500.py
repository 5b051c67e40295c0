"""Whatever a client sends to the fan and quick reply endpoints, the answer is never a 500.

On SQLite and on PostgreSQL, which refuses more (NUL characters, over-long strings, big ints).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.paging import MAX_OFFSET
from tests.integration.conftest import DATABASES, Api, open_api_on

FAN_FIELDS = ["platform", "handle", "name", "email", "tags", "notes", "valueCents", "lastActiveAt"]
FAN_FIELDS += ["subscribedAt"]
REPLY_FIELDS = ["title", "content"]
# Around a BIGINT's edges and far past them.
huge_ints = st.sampled_from([2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]) | st.integers(
    min_value=2**62, max_value=2**70
)
# Without a zone, and with zones that push the earliest and latest days out of range in UTC.
times = st.datetimes().map(datetime.isoformat) | st.builds(
    lambda at, hours: at.replace(tzinfo=timezone(timedelta(hours=hours))).isoformat(),
    st.datetimes() | st.sampled_from([datetime.min, datetime.max]),
    st.integers(min_value=-14, max_value=14),
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_ints
    | times
    | st.floats(allow_nan=False)
    | st.text(max_size=70)
    | st.text(alphabet="ab\x00", min_size=250, max_size=400)
)
values = scalars | st.lists(scalars, max_size=3)
bodies = st.dictionaries(st.sampled_from(FAN_FIELDS + REPLY_FIELDS), values, max_size=6) | values
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(params=DATABASES)
async def crm_api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for api in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        yield api


def answered(status: int, body: dict) -> bool:
    return status < 500 and (status < 400 or set(body) == {"error", "detail"})


@SETTINGS
@given(
    body=bodies,
    method=st.sampled_from(["post", "put", "patch"]),
    path=st.sampled_from(["/api/crm/fans", "/api/crm/quick-replies"]),
)
async def test_any_create_or_update_body_gets_an_answer_below_500(
    crm_api: Api, body: object, method: str, path: str
) -> None:
    created = await crm_api.client.post(
        path,
        json={"platform": "onlyfans", "handle": "luna", "title": "t", "content": "c"},
        headers=crm_api.auth("creator-a"),
    )
    target = created.json().get("id", 1)
    response = await getattr(crm_api.client, method)(
        path if method == "post" else f"{path}/{target}",
        content=json.dumps(body),
        headers={**crm_api.auth("creator-a"), "content-type": "application/json"},
    )
    assert answered(response.status_code, response.json()), (body, response.text)


@SETTINGS
@given(
    params=st.dictionaries(
        st.sampled_from(["search", "tags", "sort", "platform", "limit", "offset"]),
        st.text(max_size=12),
        max_size=4,
    )
)
async def test_any_list_query_gets_an_answer_below_500(
    crm_api: Api, params: dict[str, str]
) -> None:
    query = "&".join(f"{key}={quote(value)}" for key, value in params.items())
    response = await crm_api.client.get(f"/api/crm/fans?{query}", headers=crm_api.auth("creator-a"))
    assert answered(response.status_code, response.json()), (params, response.text)


async def test_a_body_that_is_not_utf8_is_a_400(crm_api: Api) -> None:
    response = await crm_api.client.post(
        "/api/crm/fans",
        content=b'{"platform": "onlyfans", "handle": "\x80"}',
        headers={**crm_api.auth("creator-a"), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert "body" in response.json()["error"]


# Every endpoint that takes an id in its path, with a body it would accept.
ID_ENDPOINTS = [
    ("get", "/api/crm/fans/{}", None),
    ("put", "/api/crm/fans/{}", {"platform": "onlyfans", "handle": "luna"}),
    ("patch", "/api/crm/fans/{}", {"name": "Luna"}),
    ("delete", "/api/crm/fans/{}", None),
    ("get", "/api/crm/quick-replies/{}", None),
    ("put", "/api/crm/quick-replies/{}", {"title": "t", "content": "c"}),
    ("patch", "/api/crm/quick-replies/{}", {"title": "t"}),
    ("delete", "/api/crm/quick-replies/{}", None),
    ("get", "/api/crm/conversations/{}", None),
    ("get", "/api/crm/conversations/{}/messages", None),
    ("post", "/api/crm/conversations/{}/messages", {"content": "hi"}),
    ("post", "/api/crm/conversations/{}/read", None),
]
ID_PARAMETERS = {"fans": "fan_id", "quick-replies": "reply_id", "conversations": "conversation_id"}
# A thread's page is checked before its conversation is looked up: no conversation is needed.
LISTS = [
    "/api/crm/fans",
    "/api/crm/quick-replies",
    "/api/crm/conversations",
    "/api/crm/conversations/1/messages",
]


async def call(api: Api, method: str, path: str, body: object) -> tuple[int, dict[str, Any]]:
    response = await api.client.request(method, path, headers=api.auth("creator-a"), json=body)
    return response.status_code, response.json() if response.content else {}


def fields_named(detail: object) -> set[str]:
    """The fields a 400 names: the core's `{"field": ...}` or the schema's list of issues."""
    if isinstance(detail, dict):
        return {detail["field"]}
    return {issue["field"] for issue in detail} if isinstance(detail, list) else set()


@SETTINGS
@given(
    endpoint=st.sampled_from(ID_ENDPOINTS),
    target=st.integers() | huge_ints | st.sampled_from([0, -1, 2**63 - 1]),
)
async def test_any_id_in_a_path_gets_an_answer_below_500(
    crm_api: Api, endpoint: tuple[str, str, object], target: int
) -> None:
    method, template, body = endpoint
    status, answer = await call(crm_api, method, template.format(target), body)
    assert answered(status, answer), (method, template, target, answer)


@SETTINGS
@given(
    path=st.sampled_from(LISTS),
    params=st.dictionaries(
        st.sampled_from(["limit", "offset"]),
        (st.integers() | huge_ints).map(str) | st.text(max_size=4),
        max_size=2,
    ),
)
async def test_any_page_of_any_list_gets_an_answer_below_500(
    crm_api: Api, path: str, params: dict[str, str]
) -> None:
    query = "&".join(f"{key}={quote(value)}" for key, value in params.items())
    status, answer = await call(crm_api, "get", f"{path}?{query}", None)
    assert answered(status, answer), (path, params, answer)


@SETTINGS
@given(
    method=st.sampled_from(["post", "put", "patch"]),
    fields=st.fixed_dictionaries(
        {},
        optional={
            "subscribedAt": st.none() | times,
            "lastActiveAt": st.none() | times,
            "valueCents": st.integers(min_value=0, max_value=100) | huge_ints,
        },
    ),
)
async def test_a_nearly_valid_fan_gets_an_answer_below_500(
    crm_api: Api, method: str, fields: dict[str, object]
) -> None:
    created = await crm_api.client.post(
        "/api/crm/fans",
        json={"platform": "onlyfans", "handle": "luna"},
        headers=crm_api.auth("creator-a"),
    )
    target = created.json().get("id", 1)
    body = {"platform": "onlyfans", "handle": "stella", **fields}
    path = "/api/crm/fans" if method == "post" else f"/api/crm/fans/{target}"
    status, answer = await call(crm_api, method, path, body)
    assert answered(status, answer), (method, body, answer)


@pytest.mark.parametrize(("method", "template", "body"), ID_ENDPOINTS)
@pytest.mark.parametrize("target", [0, 2**63, 2**64])
async def test_an_id_outside_a_bigint_is_a_400_naming_it(
    crm_api: Api, method: str, template: str, body: object, target: int
) -> None:
    status, answer = await call(crm_api, method, template.format(target), body)
    assert status == 400, answer
    assert fields_named(answer["detail"]) == {ID_PARAMETERS[template.split("/")[3]]}


async def test_the_largest_id_is_just_not_found(crm_api: Api) -> None:
    status, _ = await call(crm_api, "get", f"/api/crm/fans/{2**63 - 1}", None)
    assert status == 404


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("offset", [MAX_OFFSET + 1, 2**63])
async def test_an_offset_past_the_maximum_is_a_400_naming_it(
    crm_api: Api, path: str, offset: int
) -> None:
    status, answer = await call(crm_api, "get", f"{path}?offset={offset}", None)
    assert status == 400, answer
    assert fields_named(answer["detail"]) == {"offset"}


@pytest.mark.parametrize("field", ["subscribedAt", "lastActiveAt"])
@pytest.mark.parametrize(
    "value", ["2024-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
async def test_a_time_without_a_zone_or_out_of_range_is_a_400_naming_it(
    crm_api: Api, field: str, value: str, method: str
) -> None:
    fan = await crm_api.fan("creator-a", "luna")
    path = "/api/crm/fans" if method == "post" else f"/api/crm/fans/{fan}"
    body = {"platform": "onlyfans", "handle": "stella", field: value}
    status, answer = await call(crm_api, method, path, body)
    assert status == 400, answer
    assert fields_named(answer["detail"]) == {field}
