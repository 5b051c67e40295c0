"""The message queue on Amazon SQS (a standard queue with a redrive policy to a DLQ), via aioboto3.

Bodies are envelopes in the codec's JSON; a body that is not one is left unacknowledged, so the
redrive policy takes it to the DLQ. `open_sqs_queue` is the container's resource: one client
for the whole process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import AsyncIterator, Sequence
from typing import Any

from adapters.queue.codec import UndecodableEnvelope, decode_envelope, encode_envelope
from adapters.queue.sqs_client import (
    MAX_WAIT_S,
    UNKNOWN_RECEIPT,
    group_id,
    open_sqs_client,
    unavailable_on_error,
)
from core.errors import Unavailable
from core.messaging import MAX_BATCH, MAX_DELAY_S, Envelope, QueueStats, Received, SendResult

log = logging.getLogger(__name__)

MAX_RECEIVE = 10  # SQS's ceiling for one ReceiveMessage call
BATCH_TRIES = 3  # sends of the entries SQS failed on its side, before reporting them failed


async def open_sqs_queue(
    queue_url: str | None, dlq_url: str | None, region: str, endpoint_url: str | None
) -> AsyncIterator[SqsMessageQueue | None]:
    """The process's queue on its one SQS client; None when the queue is not on SQS.

    The container opens every resource, selected or not, so an unused one must cost nothing.
    """
    if not queue_url:
        yield None
        return
    async with open_sqs_client(region, endpoint_url) as client:
        yield SqsMessageQueue(client, queue_url, dlq_url)


class EnvelopeTooLarge(ValueError):
    """The envelope's body is over the queue's MaximumMessageSize."""


class SqsMessageQueue:
    def __init__(self, client: Any, queue_url: str, dlq_url: str | None = None) -> None:
        self._client = client
        self._queue_url = queue_url
        # Found from the queue's redrive policy when not configured; "" when it has none.
        self._dlq_url = dlq_url
        self._max_size: int | None = None

    async def send(self, envelope: Envelope, delay_s: int = 0) -> None:
        _check_delay(delay_s)
        body = await self._body(envelope)
        async with unavailable_on_error("send"):
            await self._client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=body,
                DelaySeconds=delay_s,
                MessageGroupId=group_id(envelope.user_id),
            )

    async def send_batch(
        self, envelopes: Sequence[Envelope], delays_s: Sequence[int] | None = None
    ) -> list[SendResult]:
        delays = list(delays_s) if delays_s is not None else [0] * len(envelopes)
        if len(delays) != len(envelopes):
            raise ValueError(f"delays_s has {len(delays)} delays for {len(envelopes)} envelopes")
        for delay in delays:
            _check_delay(delay)
        results: list[SendResult] = []
        for start in range(0, len(envelopes), MAX_BATCH):
            chunk = envelopes[start : start + MAX_BATCH]
            results += await self._send_chunk(chunk, delays[start : start + MAX_BATCH])
        return results

    async def receive(self, max_messages: int = 10, wait_s: float = 0) -> list[Received]:
        if not 1 <= max_messages <= MAX_RECEIVE:
            raise ValueError(
                f"max_messages must be between 1 and {MAX_RECEIVE}, got {max_messages}"
            )
        if wait_s < 0:
            raise ValueError(f"wait_s must be >= 0, got {wait_s}")
        async with unavailable_on_error("receive"):
            answer = await self._client.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=max_messages,
                # SQS waits in whole seconds: round up so a caller never waits less than asked.
                WaitTimeSeconds=min(math.ceil(wait_s), MAX_WAIT_S),
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            )
        return [r for m in answer.get("Messages", []) if (r := _received(m)) is not None]

    async def ack(self, receipt: str) -> None:
        # As in memory: a receipt SQS does not know deletes nothing, and there is nothing to do.
        async with unavailable_on_error("ack", ignore=UNKNOWN_RECEIPT):
            await self._client.delete_message(QueueUrl=self._queue_url, ReceiptHandle=receipt)

    async def stats(self) -> QueueStats:
        names = [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ]
        dlq_url = await self._dead_letter_queue_url()
        async with unavailable_on_error("stats"):
            queue, dlq = await asyncio.gather(
                self._attributes(self._queue_url, names),
                self._attributes(dlq_url, names) if dlq_url else _no_attributes(),
            )
        return QueueStats(
            depth=int(queue["ApproximateNumberOfMessages"]),
            in_flight=int(queue["ApproximateNumberOfMessagesNotVisible"]),
            delayed=int(queue["ApproximateNumberOfMessagesDelayed"]),
            # Everything in the DLQ, whoever is looking at it right now.
            dlq_depth=sum(int(dlq.get(name, 0)) for name in names),
        )

    async def _send_chunk(
        self, envelopes: Sequence[Envelope], delays: Sequence[int]
    ) -> list[SendResult]:
        results: dict[int, SendResult] = {}
        entries: dict[int, dict[str, Any]] = {}
        for index, (envelope, delay) in enumerate(zip(envelopes, delays, strict=True)):
            try:
                body = await self._body(envelope)
            except EnvelopeTooLarge as exc:
                results[index] = SendResult(ok=False, error=str(exc))
                continue
            entries[index] = {
                "Id": str(index),
                "MessageBody": body,
                "DelaySeconds": delay,
                "MessageGroupId": group_id(envelope.user_id),
            }
        for attempt in range(BATCH_TRIES):
            if not entries:
                break
            if attempt:
                await asyncio.sleep(0.05 * 2 ** (attempt - 1))
            try:
                async with unavailable_on_error("send_batch"):
                    answer = await self._client.send_message_batch(
                        QueueUrl=self._queue_url, Entries=list(entries.values())
                    )
            except Unavailable as exc:  # the rest of the chunk failed; what was sent stays sent
                results.update(
                    (index, SendResult(ok=False, error=exc.message)) for index in entries
                )
                break
            for ok in answer.get("Successful", []):
                results[int(ok["Id"])] = SendResult(ok=True)
                del entries[int(ok["Id"])]
            for failed in answer.get("Failed", []):
                index = int(failed["Id"])
                error = f"{failed.get('Code')}: {failed.get('Message', '')}".strip()
                results[index] = SendResult(ok=False, error=error)
                if failed.get("SenderFault"):  # our request was wrong: sending it again won't help
                    del entries[index]
        return [results[index] for index in range(len(envelopes))]

    async def _body(self, envelope: Envelope) -> str:
        body = encode_envelope(envelope)
        limit = await self._max_message_size()
        if len(body) > limit:
            raise EnvelopeTooLarge(
                f"envelope of message {envelope.message_id} is {len(body)} bytes, over the "
                f"queue's MaximumMessageSize of {limit} bytes"
            )
        return body.decode()

    async def _max_message_size(self) -> int:
        if self._max_size is None:
            async with unavailable_on_error("read queue attributes"):
                attributes = await self._attributes(self._queue_url, ["MaximumMessageSize"])
            self._max_size = int(attributes["MaximumMessageSize"])
        return self._max_size

    async def _dead_letter_queue_url(self) -> str:
        if self._dlq_url is None:
            async with unavailable_on_error("find the DLQ"):
                attributes = await self._attributes(self._queue_url, ["RedrivePolicy"])
                self._dlq_url = await self._url_of(attributes.get("RedrivePolicy"))
        return self._dlq_url

    async def _url_of(self, redrive_policy: str | None) -> str:
        if not redrive_policy:
            return ""
        # arn:aws:sqs:<region>:<account>:<name>
        _, _, _, _, account, name = json.loads(redrive_policy)["deadLetterTargetArn"].split(":")
        answer = await self._client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
        return str(answer["QueueUrl"])

    async def _attributes(self, url: str, names: list[str]) -> dict[str, str]:
        answer = await self._client.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        return dict(answer.get("Attributes", {}))


def _check_delay(delay_s: int) -> None:
    if not 0 <= delay_s <= MAX_DELAY_S:
        raise ValueError(f"delay_s must be between 0 and {MAX_DELAY_S}, got {delay_s}")


def _received(message: dict[str, Any]) -> Received | None:
    try:
        envelope = decode_envelope(message["Body"])
    except UndecodableEnvelope as exc:
        # Left unacknowledged on purpose: the redrive policy moves it to the DLQ after
        # maxReceiveCount receives, where someone can look at it.
        log.error(
            "poison message left for the DLQ",
            extra={"sqs_message_id": message.get("MessageId"), "error": str(exc)},
        )
        return None
    count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", 1))
    return Received(envelope, message["ReceiptHandle"], count)


async def _no_attributes() -> dict[str, str]:
    return {}
