"""Whatever a client sends to the send endpoints, the answer is never a 500.

On SQLite and on PostgreSQL, which refuses more (NUL characters, integers past a BIGINT). The
reply in a conversation goes through the same path, so it is exercised here too.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import DATABASES, Api, open_api_on

SEND = "/api/onlyfans/messaging/send"
BATCH = "/api/onlyfans/messaging/send-batch"
CONVERSATIONS = "/api/crm/conversations"
FIELDS = ["recipientId", "content", "mediaUrls", "priceCents", "priority", "messages"]
# Around a BIGINT's edges and far past them: ids, cents and priorities all meet these.
huge_ints = st.sampled_from([2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]) | st.integers(
    min_value=2**62, max_value=2**70
)
texts = st.text(max_size=20) | st.text(alphabet="ab\x00", min_size=1, max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | huge_ints | st.floats(allow_nan=False) | texts,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=10,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6) | json_values
# A message valid but for what the database may refuse: it gets past the schema to the core.
messages = st.fixed_dictionaries(
    {"content": st.just("hello") | texts},
    optional={
        "mediaUrls": st.lists(st.just("https://cdn.example/a.jpg") | texts, max_size=2),
        "priceCents": st.none() | st.integers(min_value=0, max_value=10_000) | huge_ints,
        "priority": st.integers(min_value=1, max_value=10) | huge_ints,
    },
)


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        yield built


async def fan_and_conversation(api: Api) -> tuple[int, int]:
    """creator-a's fan `luna` and their conversation, made on first use."""
    listed = await api.client.get(CONVERSATIONS, headers=api.auth("creator-a"))
    if not listed.json()["items"]:
        fan = await api.fan("creator-a", "luna")
        first = {"recipientId": fan, "content": "hello"}
        sent = await api.client.post(SEND, json=first, headers=api.auth("creator-a"))
        assert sent.status_code == 202, sent.text
        listed = await api.client.get(CONVERSATIONS, headers=api.auth("creator-a"))
    conversation = listed.json()["items"][0]
    return conversation["fanId"], conversation["id"]


def fields_named(response: Any) -> set[str]:
    """The fields a 400 names: the core's `{"field": ...}` or the schema's list of issues."""
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        return {detail["field"]}
    return {issue["field"] for issue in detail or []}


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(body=bodies, path=st.sampled_from([SEND, BATCH]))
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


@SETTINGS
@given(
    message=messages,
    recipient=st.none() | huge_ints,
    endpoint=st.sampled_from(["send", "batch", "reply"]),
)
async def test_a_nearly_valid_message_gets_an_answer_below_500_on_every_send_path(
    api: Api, message: dict[str, object], recipient: int | None, endpoint: str
) -> None:
    fan, conversation = await fan_and_conversation(api)
    one = {"recipientId": fan if recipient is None else recipient, **message}
    path, body = {
        "send": (SEND, one),
        "batch": (BATCH, {"messages": [one]}),
        "reply": (f"{CONVERSATIONS}/{conversation}/messages", message),
    }[endpoint]
    response = await api.client.post(path, json=body, headers=api.auth("creator-a"))
    assert response.status_code < 500, (body, response.text)
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}


BAD_MESSAGES = [
    pytest.param({"content": "hi\x00"}, "content", id="nul-content"),
    pytest.param({"content": "hi", "mediaUrls": ["a\x00"]}, "mediaUrls", id="nul-media-url"),
    pytest.param({"content": "hi", "priceCents": 2**63}, "priceCents", id="price-past-bigint"),
]


@pytest.mark.parametrize(("message", "field"), BAD_MESSAGES)
async def test_a_bad_send_is_a_400_naming_the_field(
    api: Api, message: dict[str, object], field: str
) -> None:
    fan, _ = await fan_and_conversation(api)
    body = {"recipientId": fan, **message}
    response = await api.client.post(SEND, json=body, headers=api.auth("creator-a"))
    assert response.status_code == 400, response.text
    assert fields_named(response) == {field}


@pytest.mark.parametrize(("message", "field"), BAD_MESSAGES)
async def test_a_bad_reply_in_a_conversation_is_a_400_naming_the_field(
    api: Api, message: dict[str, object], field: str
) -> None:
    _, conversation = await fan_and_conversation(api)
    path = f"{CONVERSATIONS}/{conversation}/messages"
    response = await api.client.post(path, json=message, headers=api.auth("creator-a"))
    assert response.status_code == 400, response.text
    assert fields_named(response) == {field}


@pytest.mark.parametrize(("message", "field"), BAD_MESSAGES)
async def test_a_bad_item_fails_alone_in_a_batch_naming_the_field(
    api: Api, message: dict[str, object], field: str
) -> None:
    fan, _ = await fan_and_conversation(api)
    items = [{"recipientId": fan, **message}, {"recipientId": fan, "content": "fine"}]
    response = await api.client.post(BATCH, json={"messages": items}, headers=api.auth("creator-a"))
    assert response.status_code == 202, response.text
    bad, good = response.json()["results"]
    assert bad["status"] is None
    assert bad["error"].startswith(field)
    assert good["status"] == "queued"


@pytest.mark.parametrize("path", [SEND, BATCH])
async def test_a_recipient_id_past_a_bigint_is_a_400_naming_it(api: Api, path: str) -> None:
    one = {"recipientId": 2**63, "content": "hi"}
    body = one if path == SEND else {"messages": [one]}
    response = await api.client.post(path, json=body, headers=api.auth("creator-a"))
    assert response.status_code == 400, response.text
    assert any(field.endswith("recipientId") for field in fields_named(response))
