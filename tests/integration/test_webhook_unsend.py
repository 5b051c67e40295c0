"""The webhook gateway's unsend against the real local test bridge: a signed request with the
message id, and the bridge's answers mapped as for deliveries."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.clock import ManualClock
from adapters.delivery.signature import verify
from adapters.delivery.webhook import WebhookDeliveryGateway, open_webhook_gateway
from core.fans.records import Platform
from core.messaging.ports import Delivered, PermanentFailure, Throttled, TransientFailure
from tests.support.bridge import BRIDGE_SECRET, Bridge, answering, running_bridge


@pytest.fixture
async def bridge() -> AsyncIterator[Bridge]:
    async with running_bridge() as running:
        yield running


async def gateway_for(url: str) -> AsyncIterator[WebhookDeliveryGateway]:
    clock = ManualClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    async for gateway in open_webhook_gateway("webhook", url, BRIDGE_SECRET, 2.0, clock):
        assert gateway is not None
        yield gateway


@pytest.fixture
async def gateway(bridge: Bridge) -> AsyncIterator[WebhookDeliveryGateway]:
    async for built in gateway_for(bridge.url):
        yield built


async def test_an_unsend_is_a_signed_request_naming_the_message(
    bridge: Bridge, gateway: WebhookDeliveryGateway
) -> None:
    message_id = uuid4()
    result = await gateway.unsend(message_id, "creator-1", Platform.ONLYFANS, "fan_42")
    assert result == Delivered()
    body, headers = bridge.received[0]
    assert json.loads(body) == {
        "action": "unsend",
        "messageId": str(message_id),
        "userId": "creator-1",
        "platform": "onlyfans",
        "fanHandle": "fan_42",
    }
    assert verify(BRIDGE_SECRET, body, headers["X-Fancrm-Signature"])
    assert headers["Idempotency-Key"] == f"unsend-{message_id}"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (204, Delivered),
        (429, Throttled),
        (503, TransientFailure),
        (500, TransientFailure),
        (408, TransientFailure),
        (404, PermanentFailure),
        (410, PermanentFailure),
    ],
)
async def test_the_bridges_answers_map_as_for_deliveries(
    bridge: Bridge, gateway: WebhookDeliveryGateway, status: int, expected: type
) -> None:
    bridge.answer(answering(status, body="nope" if status >= 300 else ""))
    result = await gateway.unsend(uuid4(), "creator-1", Platform.ONLYFANS, "fan_42")
    assert isinstance(result, expected)


async def test_an_unreachable_bridge_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async for gateway in gateway_for(f"http://127.0.0.1:{port}/deliver"):
        result = await gateway.unsend(uuid4(), "creator-1", Platform.ONLYFANS, "fan_42")
        assert isinstance(result, TransientFailure)
