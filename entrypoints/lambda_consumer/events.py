"""The SQS event Lambda hands the function, and the partial-batch answer it expects back.

Only the fields the consumer reads are declared; Lambda's others are ignored on decoding.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec


class SqsRecord(msgspec.Struct, rename="camel"):
    message_id: str
    receipt_handle: str
    body: str
    attributes: dict[str, str] = {}


class SqsEvent(msgspec.Struct, rename="pascal"):
    records: list[SqsRecord]


def decode_event(event: Any) -> SqsEvent:
    """Lambda passes the event already parsed from JSON; msgspec checks its shape."""
    return msgspec.convert(event, SqsEvent)


def batch_item_failures(message_ids: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """The records SQS must make visible again; every record not named here is deleted."""
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in message_ids]}
