"""The production delivery path in one process: the container's webhook gateway and EMF metrics,
driven by the real consumer, against a real HTTP bridge."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest

from adapters.delivery.signature import verify
from adapters.delivery.webhook import WebhookDeliveryGateway
from adapters.metrics.cloudwatch import CloudWatchEmfMetrics
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import SERVICE
from tests.support.bridge import BRIDGE_SECRET, Bridge, answering, running_bridge
from tests.support.world import World, world

USER = "creator-w"


@pytest.fixture
async def bridge() -> AsyncIterator[Bridge]:
    async with running_bridge() as running:
        yield running


def production_env(bridge: Bridge) -> dict[str, str]:
    return {
        "DELIVERY_BACKEND": "webhook",
        "DELIVERY_WEBHOOK_URL": bridge.url,
        "DELIVERY_WEBHOOK_SECRET": BRIDGE_SECRET,
        "METRICS_BACKEND": "cloudwatch",
        "SEND_RATE_PER_MINUTE": "600",
    }


async def send(w: World, content: str = "hello") -> UUID:
    fan = await w.fan(USER, "fan_7")
    use_case = await w.use("send_message")
    return (await use_case.execute(USER, NewMessage(fan.id, content), author=SERVICE)).message_id


async def status(w: World, message_id: UUID) -> Any:
    return await (await w.use("get_message")).execute(USER, message_id)


def emf_counts(stdout: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for line in stdout.splitlines():
        doc = json.loads(line)
        for metric in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
            value = doc[metric["Name"]]
            counts[metric["Name"]] = counts.get(metric["Name"], 0) + (
                value if metric["Unit"] == "Count" else 0
            )
    return counts


async def test_a_message_goes_out_signed_and_the_metrics_leave_as_emf(
    bridge: Bridge, capsys: pytest.CaptureFixture[str]
) -> None:
    async with world(**production_env(bridge)) as w:
        assert isinstance(w.gateway, WebhookDeliveryGateway)
        assert isinstance(w.metrics, CloudWatchEmfMetrics)
        message_id = await send(w, "see you soon")
        await w.drain()
        assert (await status(w, message_id)).status is MessageStatus.SENT
    [(body, headers)] = bridge.received
    assert verify(BRIDGE_SECRET, body, headers["X-Fancrm-Signature"])
    assert headers["Idempotency-Key"] == str(message_id)
    assert json.loads(body)["text"] == "see you soon"
    # The container's shutdown flushed what the run recorded, as EMF lines on stdout.
    counts = emf_counts(capsys.readouterr().out)
    assert counts["onlyfans.message.queued"] == 1
    assert counts["onlyfans.message.processed"] == 1


async def test_a_bridge_error_is_retried_and_the_retry_carries_the_same_key(
    bridge: Bridge,
) -> None:
    bridge.answer(answering(503, body="restarting"))
    async with world(**production_env(bridge)) as w:
        message_id = await send(w)
        await w.drain()
        message = await status(w, message_id)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    keys = [headers["Idempotency-Key"] for _, headers in bridge.received]
    assert keys == [str(message_id)] * 2


async def test_a_refusal_fails_the_message_with_the_bridges_reason(bridge: Bridge) -> None:
    bridge.answer(answering(422, body="fan blocked the creator"))
    async with world(**production_env(bridge)) as w:
        message_id = await send(w)
        await w.drain()
        message = await status(w, message_id)
    assert message.status is MessageStatus.FAILED
    assert message.error == "webhook answered 422: fan blocked the creator"
    assert len(bridge.received) == 1
