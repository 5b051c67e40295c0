"""Whatever a client sends to the fan and quick reply endpoints, the answer is never a 500.

On SQLite and on PostgreSQL, which refuses more (NUL characters, over-long strings, big ints).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.storage.migrator import SchemaMigrator
from tests.integration.conftest import Api, open_api
from tests.support.postgres import fresh_database

FAN_FIELDS = ["platform", "handle", "name", "email", "tags", "notes", "valueCents", "lastActiveAt"]
REPLY_FIELDS = ["title", "content"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=70)
    | st.text(alphabet="ab\x00", min_size=250, max_size=400)
)
values = scalars | st.lists(scalars, max_size=3)
bodies = st.dictionaries(st.sampled_from(FAN_FIELDS + REPLY_FIELDS), values, max_size=6) | values
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(params=["sqlite", "postgres"])
async def crm_api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    if request.param == "sqlite":
        async for api in open_api(API_RATE_PER_MINUTE="100000"):
            yield api
        return
    async with fresh_database("fancrm_no500") as url:
        await SchemaMigrator(url).upgrade()
        async for api in open_api(API_RATE_PER_MINUTE="100000", DATABASE_URL=url):
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
