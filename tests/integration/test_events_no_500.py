"""Whatever the bridge signs and sends, the events endpoint answers below 500 and names the field
of a bad body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import Api, open_api
from tests.support.events import BRIDGE_SECRET, encoded, event, signed

EVENTS = "/api/onlyfans/events"
TYPES = ["message.received", "ppv.purchased", "fan.subscribed", "fan.unsubscribed", "other"]
DATA_FIELDS = ["fanHandle", "platform", "text", "mediaUrls", "amountCents", "messageId", "name"]
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=70)
values = st.recursive(
    scalars, lambda children: st.lists(children, max_size=3), max_leaves=5
) | st.sampled_from(["onlyfans", "fansly", "luna", "2026-01-01T00:00:00Z"])


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


@pytest.fixture
async def bridge() -> AsyncIterator[Api]:
    async for built in open_api(API_RATE_PER_MINUTE="1000", DELIVERY_WEBHOOK_SECRET=BRIDGE_SECRET):
        yield built


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=mangled_events())
async def test_any_signed_event_gets_an_answer_below_500(bridge: Api, body: dict[str, Any]) -> None:
    raw = encoded(body)

    response = await bridge.client.post(EVENTS, content=raw, headers=signed(raw))

    assert response.status_code in (200, 400), (body, response.text)
    if response.status_code == 400:
        assert set(response.json()) == {"error", "detail"}
        assert response.json()["detail"]["field"] in response.json()["error"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=60))
async def test_any_signed_bytes_get_an_answer_below_500(bridge: Api, raw: bytes) -> None:
    response = await bridge.client.post(EVENTS, content=raw, headers=signed(raw))

    assert response.status_code == 400, response.text
