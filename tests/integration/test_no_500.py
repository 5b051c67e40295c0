"""Whatever a client sends to the send endpoints, the answer is never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import Api

FIELDS = ["recipientId", "content", "mediaUrls", "priceCents", "priority", "messages"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=10,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6) | json_values


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=bodies,
    path=st.sampled_from(["/api/onlyfans/messaging/send", "/api/onlyfans/messaging/send-batch"]),
)
async def test_any_json_body_gets_an_answer_below_500(api: Api, body: object, path: str) -> None:
    response = await api.client.post(
        path,
        content=json.dumps(body),
        headers={**api.auth("creator-a"), "content-type": "application/json"},
    )
    assert response.status_code < 500, (body, response.text)
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=40))
async def test_any_bytes_get_an_answer_below_500(api: Api, raw: bytes) -> None:
    response = await api.client.post(
        "/api/onlyfans/messaging/send",
        content=raw,
        headers={**api.auth("creator-a"), "content-type": "application/json"},
    )
    assert response.status_code < 500
