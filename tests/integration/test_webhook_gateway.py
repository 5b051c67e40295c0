"""The webhook gateway against a real HTTP server on a free local port (aiohttp.web)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime
from uuid import uuid4

import pytest
from aiohttp import web

from adapters.clock import ManualClock
from adapters.delivery.signature import verify
from adapters.delivery.webhook import WebhookDeliveryGateway, open_webhook_gateway
from core.fans.records import Platform
from core.messaging.ports import Delivered, PermanentFailure, Throttled, TransientFailure
from core.messaging.records import Outbound
from tests.support.bridge import BRIDGE_SECRET, Bridge, answering, running_bridge

SECRET = BRIDGE_SECRET


@pytest.fixture
async def bridge() -> AsyncIterator[Bridge]:
    async with running_bridge() as running:
        yield running


async def gateway_for(url: str, timeout_s: float = 2.0) -> AsyncIterator[WebhookDeliveryGateway]:
    clock = ManualClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    async for gateway in open_webhook_gateway("webhook", url, SECRET, timeout_s, clock):
        assert gateway is not None
        yield gateway


@pytest.fixture
async def gateway(bridge: Bridge) -> AsyncIterator[WebhookDeliveryGateway]:
    async for built in gateway_for(bridge.url):
        yield built


def outbound(**changes: object) -> Outbound:
    values: dict[str, object] = {
        "message_id": uuid4(),
        "user_id": "creator-1",
        "platform": Platform.ONLYFANS,
        "fan_handle": "fan_42",
        "text": "hi there, ünïcode ✓",
        "media_urls": ("https://cdn.example/a.jpg",),
        "price_cents": 499,
    }
    return Outbound(**{**values, **changes})  # type: ignore[arg-type]


async def test_a_delivery_is_signed_camel_case_json_with_the_message_id_as_idempotency_key(
    bridge: Bridge, gateway: WebhookDeliveryGateway
) -> None:
    message = outbound()
    assert await gateway.deliver(message) == Delivered()
    [(body, headers)] = bridge.received
    assert verify(SECRET, body, headers["X-Fancrm-Signature"])
    assert not verify("another-secret", body, headers["X-Fancrm-Signature"])
    assert not verify(SECRET, body + b" ", headers["X-Fancrm-Signature"])
    assert headers["Idempotency-Key"] == str(message.message_id)
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "messageId": str(message.message_id),
        "userId": "creator-1",
        "platform": "onlyfans",
        "fanHandle": "fan_42",
        "text": "hi there, ünïcode ✓",
        "mediaUrls": ["https://cdn.example/a.jpg"],
        "priceCents": 499,
    }


@pytest.mark.parametrize("status", [200, 201, 202, 204])
async def test_every_2xx_is_delivered(
    bridge: Bridge, gateway: WebhookDeliveryGateway, status: int
) -> None:
    bridge.answer(answering(status))
    assert await gateway.deliver(outbound()) == Delivered()


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
async def test_5xx_and_408_are_transient_and_keep_the_answer_as_the_reason(
    bridge: Bridge, gateway: WebhookDeliveryGateway, status: int
) -> None:
    bridge.answer(answering(status, body="bridge\nis  restarting"))
    result = await gateway.deliver(outbound())
    assert result == TransientFailure(f"webhook answered {status}: bridge is restarting")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 410, 422, 301, 302])
async def test_other_4xx_and_redirects_are_permanent(
    bridge: Bridge, gateway: WebhookDeliveryGateway, status: int
) -> None:
    headers = {"Location": "http://127.0.0.1:9/elsewhere"} if status < 400 else None
    bridge.answer(answering(status, headers))
    result = await gateway.deliver(outbound())
    assert result == PermanentFailure(f"webhook answered {status}")
    assert len(bridge.received) == 1  # a redirect is not followed


async def test_429_is_throttled_for_the_retry_after_seconds(
    bridge: Bridge, gateway: WebhookDeliveryGateway
) -> None:
    bridge.answer(answering(429, {"Retry-After": "37"}))
    assert await gateway.deliver(outbound()) == Throttled(37.0)


async def test_429_honours_a_retry_after_http_date(
    bridge: Bridge, gateway: WebhookDeliveryGateway
) -> None:
    # The gateway's clock says 2026-03-01 12:00:00 UTC; the bridge asks for 12:02:05.
    when = datetime(2026, 3, 1, 12, 2, 5, tzinfo=UTC)
    bridge.answer(answering(429, {"Retry-After": format_datetime(when, usegmt=True)}))
    assert await gateway.deliver(outbound()) == Throttled(125.0)


async def test_429_without_retry_after_waits_a_minute(
    bridge: Bridge, gateway: WebhookDeliveryGateway
) -> None:
    bridge.answer(answering(429))
    assert await gateway.deliver(outbound()) == Throttled(60.0)


async def test_a_bridge_slower_than_the_timeout_is_transient(bridge: Bridge) -> None:
    async def too_slow(_: web.Request) -> web.StreamResponse:
        await bridge.released.wait()
        return web.Response(status=200)

    bridge.answer(too_slow)
    async for gateway in gateway_for(bridge.url, timeout_s=0.3):
        assert await gateway.deliver(outbound()) == TransientFailure("webhook timed out")


async def test_nothing_listening_is_transient() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async for gateway in gateway_for(f"http://127.0.0.1:{port}/deliver"):
        result = await gateway.deliver(outbound())
    assert isinstance(result, TransientFailure)
    assert result.reason.startswith("webhook unreachable")


async def test_the_resource_closes_its_client_at_shutdown() -> None:
    opened = open_webhook_gateway("webhook", "http://127.0.0.1:9/", SECRET, 1.0, ManualClock())
    gateway = await anext(opened)
    assert gateway is not None
    session = gateway._session
    assert not session.closed
    await opened.aclose()
    assert session.closed


async def test_no_client_is_opened_for_the_simulated_backend() -> None:
    opened = open_webhook_gateway("simulated", "http://127.0.0.1:9/", SECRET, 1.0, ManualClock())
    assert await anext(opened) is None
    await opened.aclose()


async def test_one_keep_alive_pool_per_process_sized_to_the_concurrency(bridge: Bridge) -> None:
    peers: list[object] = []
    in_flight = [0, 0]  # now, most seen

    async def record_peer(request: web.Request) -> web.StreamResponse:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        in_flight[0] += 1
        in_flight[1] = max(in_flight)
        await asyncio.sleep(0.01)
        in_flight[0] -= 1
        return web.json_response({"ok": True})

    bridge.answer(*[record_peer] * 40)
    clock = ManualClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    opened = open_webhook_gateway("webhook", bridge.url, SECRET, 2.0, clock, connections=4)
    async for gateway in opened:
        assert gateway is not None
        together = await asyncio.gather(*(gateway.deliver(outbound()) for _ in range(20)))
        one_by_one = [await gateway.deliver(outbound()) for _ in range(20)]

    assert together + one_by_one == [Delivered()] * 40
    assert in_flight[1] <= 4  # never more connections than the pool holds
    assert len(set(peers)) <= 4  # the same connections, kept alive, served all forty
