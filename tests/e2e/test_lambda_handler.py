"""The Lambda handler fed SQS events shaped exactly as AWS delivers them.

Each test drives the handler's own long-lived loop (as in a Lambda environment), on the real
container with in-memory adapters and a hand-moved clock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import pytest
from dependency_injector import providers

from adapters.clock import ManualClock
from adapters.delivery.simulated import SimulatedDeliveryGateway
from adapters.metrics.memory import InMemoryMetrics
from adapters.queue.memory import InMemoryMessageQueue
from core.fans.records import NewFan, Platform
from core.messaging.records import Envelope, MessageStatus
from core.messaging.writer import NewMessage
from entrypoints.container import build_container, resolve
from entrypoints.lambda_consumer import handler as lambda_module
from entrypoints.lambda_consumer.handler import SqsBatchConsumer
from tests.support.authors import SERVICE
from tests.support.sqs import (
    FAKE_CREDENTIALS,
    QueuePair,
    create_queue_pair,
    sqs_client,
    sqs_env,
)
from tests.support.sqs_events import FakeLambdaContext, failed_ids, sqs_event
from tests.support.world import TEST_SECRET, settings_for_tests

T = TypeVar("T")
CREATOR = "creator-a"


@dataclass
class LambdaWorld:
    consumer: SqsBatchConsumer
    clock: ManualClock

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        return self.consumer.loop.run_until_complete(step)

    def use(self, name: str) -> Any:
        return self.run(resolve(self.consumer.container.providers[name]))

    @property
    def queue(self) -> InMemoryMessageQueue:
        return self.use("queue")  # type: ignore[no-any-return]

    @property
    def gateway(self) -> SimulatedDeliveryGateway:
        return self.use("delivery")  # type: ignore[no-any-return]

    def send(self, count: int) -> list[UUID]:
        """`count` messages sent through the API's use case, one creator, one fan."""
        fan = self.run(self.use("create_fan").execute(CREATOR, NewFan(Platform.ONLYFANS, "fan1")))
        send = self.use("send_message")
        return [
            self.run(
                send.execute(CREATOR, NewMessage(fan.id, f"hello {i}"), author=SERVICE)
            ).message_id
            for i in range(count)
        ]

    def take_from_queue(self) -> list[Envelope]:
        """What SQS would hand Lambda now: every envelope on the queue, whatever its delay."""
        self.clock.advance(3600)
        received = self.run(self.queue.receive(10))
        for item in received:
            self.run(self.queue.ack(item.receipt))
        return [item.envelope for item in received]

    def status(self, message_id: UUID) -> MessageStatus:
        return self.run(self.use("get_message").execute(CREATOR, message_id)).status


@pytest.fixture
def lam() -> Iterator[LambdaWorld]:
    # A burst of one: the second message of a batch is always over the limit.
    container = build_container(settings_for_tests(SEND_RATE_PER_MINUTE="60", SEND_BURST="1"))
    clock = ManualClock()
    container.clock.override(providers.Object(clock))
    consumer = SqsBatchConsumer.started(container)
    yield LambdaWorld(consumer, clock)
    consumer.close()


def test_a_delivered_record_is_not_a_failure(lam: LambdaWorld) -> None:
    [message_id] = lam.send(1)
    answer = lam.consumer.handle(sqs_event(lam.take_from_queue()))

    assert answer == {"batchItemFailures": []}
    assert lam.status(message_id) is MessageStatus.SENT
    assert lam.gateway.delivered_ids() == [message_id]


def test_a_rate_limited_record_is_re_sent_with_a_delay_and_is_not_a_failure(
    lam: LambdaWorld,
) -> None:
    first, second = lam.send(2)
    answer = lam.consumer.handle(sqs_event(lam.take_from_queue()))

    assert failed_ids(answer) == []
    assert lam.gateway.delivered_ids() == [first]
    stats = lam.run(lam.queue.stats())
    assert (stats.delayed, stats.depth) == (1, 0)  # the copy waits for the creator's next token
    assert lam.status(second) is MessageStatus.QUEUED

    [copy] = lam.take_from_queue()
    assert copy.message_id == second
    assert failed_ids(lam.consumer.handle(sqs_event([copy]))) == []
    assert lam.gateway.delivered_ids() == [first, second]


def test_a_poison_record_is_a_failure_and_the_rest_of_the_batch_goes_on(
    lam: LambdaWorld,
) -> None:
    [message_id] = lam.send(1)
    [envelope] = lam.take_from_queue()
    event = sqs_event(["not json", '{"message_id": "not-a-uuid"}', envelope, "{}"])
    ids = [record["messageId"] for record in event["Records"]]

    answer = lam.consumer.handle(event)

    assert failed_ids(answer) == [ids[0], ids[1], ids[3]]
    assert lam.gateway.delivered_ids() == [message_id]


def test_a_record_whose_message_is_already_sent_is_acknowledged_without_delivery(
    lam: LambdaWorld,
) -> None:
    lam.send(1)
    event = sqs_event(lam.take_from_queue())
    lam.consumer.handle(event)

    again = lam.consumer.handle(sqs_event([event["Records"][0]["body"]]))  # SQS's at-least-once

    assert failed_ids(again) == []
    assert len(lam.gateway.attempts) == 1
    metrics: InMemoryMetrics = lam.use("metrics")
    assert metrics.count("onlyfans.message.duplicate") == 1


def test_a_deferral_that_cannot_be_re_enqueued_is_a_failure_so_sqs_brings_it_back(
    lam: LambdaWorld,
) -> None:
    _, second = lam.send(2)
    event = sqs_event(lam.take_from_queue())
    lam.queue.available = False  # the queue is down: the delayed copy cannot be sent

    answer = lam.consumer.handle(event)

    assert failed_ids(answer) == [event["Records"][1]["messageId"]]
    assert lam.status(second) is MessageStatus.QUEUED


def test_the_entry_point_builds_once_and_keeps_one_loop_across_invocations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    monkeypatch.setattr(lambda_module, "_consumer", None)
    stray = Envelope(UUID(int=7), CREATOR, 1)  # names no stored message: dropped, acknowledged

    first = lambda_module.handler(sqs_event([stray]), FakeLambdaContext())
    consumer = lambda_module._consumer
    assert consumer is not None
    second = lambda_module.handler(sqs_event(["poison"]), FakeLambdaContext())

    assert first == {"batchItemFailures": []}
    assert len(failed_ids(second)) == 1
    assert lambda_module._consumer is consumer
    assert not consumer.loop.is_closed()
    consumer.close()


def test_on_sqs_the_deferred_copy_goes_back_to_the_queue_with_a_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in FAKE_CREDENTIALS.items():  # the container's client reads the environment
        monkeypatch.setenv(name, value)
    pair = asyncio.run(_new_queue_pair())
    env = {**sqs_env(pair), "SEND_RATE_PER_MINUTE": "60", "SEND_BURST": "1"}
    consumer = SqsBatchConsumer.started(build_container(settings_for_tests(**env)))
    lam = LambdaWorld(consumer, ManualClock())
    try:
        first, second = lam.send(2)  # on SQS now: the first visible, the second delayed
        fan_id = lam.run(lam.use("get_message").execute(CREATOR, first)).fan_id
        before = lam.run(lam.queue.stats())
        event = sqs_event([Envelope(first, CREATOR, fan_id), Envelope(second, CREATOR, fan_id)])

        answer = consumer.handle(event)

        assert failed_ids(answer) == []
        after = lam.run(lam.queue.stats())
        assert (before.delayed, after.delayed) == (1, 2)
        assert lam.status(first) is MessageStatus.SENT
        assert lam.status(second) is MessageStatus.QUEUED
    finally:
        consumer.close()


async def _new_queue_pair() -> QueuePair:
    async with sqs_client() as client:
        return await create_queue_pair(client)


def test_an_event_that_is_not_an_sqs_batch_is_refused_whole(lam: LambdaWorld) -> None:
    with pytest.raises(Exception, match="Records"):
        lam.consumer.handle({"detail-type": "Scheduled Event"})


def test_with_cloudwatch_each_invocation_writes_its_metrics_before_it_returns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    container = build_container(settings_for_tests(METRICS_BACKEND="cloudwatch"))
    consumer = SqsBatchConsumer.started(container)
    try:
        capsys.readouterr()
        consumer.handle(sqs_event([Envelope(UUID(int=7), CREATOR, 1)]))
        written = capsys.readouterr().out
    finally:
        consumer.close()
    # The stray envelope names no stored message: the consumer counts it and drops it.
    points = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    assert any("_aws" in point for point in points), written
