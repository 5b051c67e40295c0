"""SQS events exactly as Lambda delivers them to a function (the AWS sample event's shape)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from adapters.queue.codec import encode_envelope
from core.messaging.records import Envelope

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:fancrm-outbound"


def sqs_record(body: str, receive_count: int = 1, message_id: str | None = None) -> dict[str, Any]:
    return {
        "messageId": message_id or str(uuid4()),
        "receiptHandle": f"AQEB{uuid4().hex}{uuid4().hex}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": "1763712000000",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1763712000012",
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def sqs_event(bodies: Sequence[str | Envelope]) -> dict[str, Any]:
    """The event for these bodies (envelopes are encoded as the queue carries them), after the
    same JSON round trip the Lambda runtime makes."""
    records = [
        sqs_record(body if isinstance(body, str) else encode_envelope(body).decode())
        for body in bodies
    ]
    return json.loads(json.dumps({"Records": records}))


def failed_ids(answer: dict[str, Any]) -> list[str]:
    return [item["itemIdentifier"] for item in answer["batchItemFailures"]]


class FakeLambdaContext:
    function_name = "fancrm-consumer"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fancrm-consumer"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
