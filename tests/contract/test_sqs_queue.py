"""What the SQS adapter does beyond the queue contract, against the moto server over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import EndpointConnectionError

from adapters.queue.sqs import EnvelopeTooLarge, SqsMessageQueue, group_id
from core.errors import Unavailable
from core.messaging.records import Envelope
from tests.support.sqs import QueuePair, create_queue_pair, delete_queue_pair, sqs_client


@dataclass
class Sqs:
    client: Any
    pair: QueuePair
    queue: SqsMessageQueue

    async def raw_messages(self, url: str | None = None) -> list[dict[str, Any]]:
        answer = await self.client.receive_message(
            QueueUrl=url or self.pair.url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
        )
        return list(answer.get("Messages", []))


@pytest.fixture
async def sqs() -> AsyncIterator[Sqs]:
    async with sqs_client() as client:
        # The smallest maximum SQS allows, so an oversized envelope is cheap to make.
        pair = await create_queue_pair(client, visibility_timeout_s=2, MaximumMessageSize="1024")
        yield Sqs(client, pair, SqsMessageQueue(client, pair.url, pair.dlq_url))
        await delete_queue_pair(client, pair)


def envelope(user_id: str = "creator-1", fan_id: int = 1) -> Envelope:
    return Envelope(message_id=uuid4(), user_id=user_id, fan_id=fan_id)


async def test_a_send_carries_the_creator_as_message_group_and_its_delay(sqs: Sqs) -> None:
    await sqs.queue.send(envelope("creator-7"), delay_s=1)
    assert await sqs.raw_messages() == []  # delayed

    stats = await sqs.queue.stats()
    assert stats.delayed == 1
    await sqs.queue.send(envelope("creator-7"))
    [message] = await sqs.raw_messages()
    assert message["Attributes"]["MessageGroupId"] == "creator-7"


def test_a_user_id_sqs_would_refuse_as_a_group_becomes_a_stable_digest() -> None:
    assert group_id("creator-1") == "creator-1"
    odd = group_id("créatrice avec espaces")
    assert odd.startswith("sha256-")
    assert odd == group_id("créatrice avec espaces")
    assert len(group_id("x" * 500)) <= 128


async def test_an_envelope_over_the_queues_maximum_is_refused_with_its_size(sqs: Sqs) -> None:
    too_big = envelope("u" * 2000)
    with pytest.raises(EnvelopeTooLarge, match=r"over the queue's MaximumMessageSize of 1024"):
        await sqs.queue.send(too_big)

    results = await sqs.queue.send_batch([envelope(), too_big, envelope()])
    assert [r.ok for r in results] == [True, False, True]
    assert "MaximumMessageSize" in (results[1].error or "")
    assert len(await sqs.raw_messages()) == 2


async def test_a_batch_resends_only_the_entries_sqs_failed_on_its_side(sqs: Sqs) -> None:
    flaky = FailingFirstTime(sqs.client, failing_ids={"1", "3"})
    queue = SqsMessageQueue(flaky, sqs.pair.url, sqs.pair.dlq_url)
    batch = [envelope(fan_id=n) for n in range(5)]

    results = await queue.send_batch(batch)

    assert all(r.ok for r in results)
    assert flaky.sent_ids == [["0", "1", "2", "3", "4"], ["1", "3"]]
    received = await sqs.queue.receive(10)
    received += await sqs.queue.receive(10)
    assert sorted(r.envelope.fan_id for r in received) == [0, 1, 2, 3, 4]


async def test_entries_sqs_blames_on_the_sender_are_reported_not_resent(sqs: Sqs) -> None:
    flaky = FailingFirstTime(sqs.client, failing_ids={"0"}, sender_fault=True)
    queue = SqsMessageQueue(flaky, sqs.pair.url, sqs.pair.dlq_url)

    results = await queue.send_batch([envelope(), envelope()])

    assert [r.ok for r in results] == [False, True]
    assert "InternalError" in (results[0].error or "")
    assert len(flaky.sent_ids) == 1


async def test_sqs_going_down_mid_batch_fails_only_what_was_not_sent(sqs: Sqs) -> None:
    queue = SqsMessageQueue(GoesDownAfterOneBatch(sqs.client), sqs.pair.url, sqs.pair.dlq_url)

    results = await queue.send_batch([envelope(fan_id=n) for n in range(15)])

    assert [r.ok for r in results] == [True] * 10 + [False] * 5
    assert all("SQS send_batch failed" in (r.error or "") for r in results[10:])


async def test_a_poison_message_is_never_handed_out_and_ends_in_the_dlq(sqs: Sqs) -> None:
    # No visibility timeout: each receive that leaves it unacknowledged makes it visible again.
    pair = await create_queue_pair(sqs.client, visibility_timeout_s=0, max_receives=3)
    queue = SqsMessageQueue(sqs.client, pair.url, pair.dlq_url)
    await sqs.client.send_message(QueueUrl=pair.url, MessageBody="not an envelope")
    await queue.send(envelope(fan_id=9))

    handed_out = []
    for _ in range(4):
        for received in await queue.receive(10):
            handed_out.append(received.envelope.fan_id)
            await queue.ack(received.receipt)

    assert handed_out == [9]
    assert (await queue.stats()).dlq_depth == 1
    await delete_queue_pair(sqs.client, pair)


async def test_the_dlq_is_found_from_the_redrive_policy_when_not_configured(sqs: Sqs) -> None:
    await sqs.client.send_message(QueueUrl=sqs.pair.dlq_url, MessageBody="dead")
    queue = SqsMessageQueue(sqs.client, sqs.pair.url)
    assert (await queue.stats()).dlq_depth == 1


async def test_a_queue_that_does_not_exist_is_unavailable_naming_the_operation() -> None:
    async with sqs_client() as client:
        queue = SqsMessageQueue(client, f"{client.meta.endpoint_url}/123456789012/missing")
        with pytest.raises(Unavailable, match="SQS receive failed"):
            await queue.receive()
        with pytest.raises(Unavailable, match=r"SQS (stats|find the DLQ) failed"):
            await queue.stats()


class GoesDownAfterOneBatch:
    """The real client, until the network to SQS fails after its first SendMessageBatch."""

    def __init__(self, client: Any) -> None:
        self._client, self._batches = client, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def send_message_batch(self, **request: Any) -> Any:
        self._batches += 1
        if self._batches > 1:
            raise EndpointConnectionError(endpoint_url="http://sqs.invalid")
        return await self._client.send_message_batch(**request)


class FailingFirstTime:
    """The real client, except that its first SendMessageBatch fails some entries, as SQS may."""

    def __init__(self, client: Any, failing_ids: set[str], sender_fault: bool = False) -> None:
        self._client = client
        self._failing_ids = failing_ids
        self._sender_fault = sender_fault
        self.sent_ids: list[list[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> Any:
        self.sent_ids.append([entry["Id"] for entry in Entries])
        if len(self.sent_ids) > 1:
            return await self._client.send_message_batch(QueueUrl=QueueUrl, Entries=Entries)
        passing = [e for e in Entries if e["Id"] not in self._failing_ids]
        answer = await self._client.send_message_batch(QueueUrl=QueueUrl, Entries=passing)
        answer["Failed"] = [
            {"Id": i, "SenderFault": self._sender_fault, "Code": "InternalError", "Message": "x"}
            for i in sorted(self._failing_ids)
        ]
        return answer
