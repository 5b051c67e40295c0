"""Whatever the bridge signs and sends, the events endpoint answers below 500 and names the field
of a bad body.

On SQLite and on PostgreSQL, which refuses more (NUL characters, over-long strings, big ints).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.fans.records import MAX_VALUE_CENTS
from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.support.events import BRIDGE_SECRET, encoded, event, signed

EVENTS = "/api/onlyfans/events"
TYPES = ["message.received", "ppv.purchased", "fan.subscribed", "fan.unsubscribed", "other"]
DATA_FIELDS = ["fanHandle", "platform", "text", "mediaUrls", "amountCents", "messageId", "name"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=MAX_VALUE_CENTS - 2, max_value=2**65)
    | st.text(max_size=70)
    | st.text(alphabet="ab\x00", min_size=250, max_size=400)
)
values = st.recursive(
    scalars, lambda children: st.lists(children, max_size=3), max_leaves=5
) | st.sampled_from(
    [
        "onlyfans",
        "fansly",
        "luna",
        "2026-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        MAX_VALUE_CENTS,
    ]
)


@st.composite
def mangled_events(draw: st.DrawFn) -> dict[str, Any]:
    """A valid event with some of its fields replaced, removed, or added."""
    body = event(draw(st.sampled_from(TYPES)), "creator-a", amountCents=1, text="hi")
    for key in draw(st.lists(st.sampled_from(["id", "userId", "occurredAt", "type"]), max_size=2)):
        body[key] = draw(values)
    data = body["data"]
    for key in draw(st.lists(st.sampled_from(DATA_FIELDS), max_size=3)):
        if draw(st.booleans()):
            data[key] = draw(values)
        else:
            data.pop(key, None)
    return body


@pytest.fixture(params=DATABASES)
async def bridge(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    env = {"API_RATE_PER_MINUTE": "100000", "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET}
    async for built in open_api_on(request.param, **env):
        yield built


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=mangled_events())
async def test_any_signed_event_gets_an_answer_below_500(bridge: Api, body: dict[str, Any]) -> None:
    raw = encoded(body)

    response = await bridge.client.post(EVENTS, content=raw, headers=signed(raw))

    # 409: a purchase that would take the fan's value past a BIGINT (the fan is shared).
    assert response.status_code in (200, 400, 409), (body, response.text)
    if response.status_code != 200:
        assert set(response.json()) == {"error", "detail"}
        assert response.json()["detail"]["field"] in response.json()["error"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=60))
async def test_any_signed_bytes_get_an_answer_below_500(bridge: Api, raw: bytes) -> None:
    response = await bridge.client.post(EVENTS, content=raw, headers=signed(raw))

    assert response.status_code == 400, response.text


NUL = "a\x00b"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (event("fan.subscribed", "a", name="x" * 300), "data.name"),
        (event("fan.subscribed", "a", name=NUL), "data.name"),
        (event("message.received", "a", text=NUL), "data.text"),
        (event("message.received", "a", text="hi", mediaUrls=["https://x", NUL]), "data.mediaUrls"),
        (event("fan.subscribed", "a", event_id=NUL), "id"),
        (event("fan.subscribed", NUL), "userId"),
        (event("ppv.purchased", "a", amountCents=MAX_VALUE_CENTS + 1), "data.amountCents"),
        (event("ppv.purchased", "a", amountCents=2**70), "data.amountCents"),
        (event("fan.subscribed", "a", occurred_at="0001-01-01T00:00:00+14:00"), "occurredAt"),
        (event("fan.subscribed", "a", occurred_at="9999-12-31T23:59:59-14:00"), "occurredAt"),
    ],
)
async def test_what_postgresql_would_refuse_is_a_400_naming_the_field(
    bridge: Api, body: dict[str, Any], field: str
) -> None:
    raw = encoded(body)

    response = await bridge.client.post(EVENTS, content=raw, headers=signed(raw))

    assert response.status_code == 400, response.text
    assert field in response.json()["error"]
    assert response.json()["detail"]["field"] == field


async def test_a_purchase_past_the_largest_value_is_refused_and_changes_nothing(
    bridge: Api,
) -> None:
    created = await bridge.client.post(
        "/api/crm/fans",
        json={"platform": "onlyfans", "handle": "luna", "valueCents": MAX_VALUE_CENTS},
        headers=bridge.auth("creator-a"),
    )
    purchase = encoded(event("ppv.purchased", "creator-a", "luna", amountCents=1))

    refused = await bridge.client.post(EVENTS, content=purchase, headers=signed(purchase))
    fan = await bridge.client.get(
        f"/api/crm/fans/{created.json()['id']}", headers=bridge.auth("creator-a")
    )
    again = await bridge.client.post(EVENTS, content=purchase, headers=signed(purchase))

    assert refused.status_code == 409, refused.text
    assert "data.amountCents" in refused.json()["error"]
    assert refused.json()["detail"]["field"] == "data.amountCents"
    assert fan.json()["valueCents"] == MAX_VALUE_CENTS
    assert again.status_code == 409  # not recorded as processed: nothing was applied
