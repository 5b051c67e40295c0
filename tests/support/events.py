"""Inbound events for tests: bodies as the bridge sends them, and their signature header."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec

from adapters.delivery.signature import sign

BRIDGE_SECRET = "bridge-secret-for-tests-0123456789"
OCCURRED_AT = "2026-01-01T10:00:00Z"
_ids = itertools.count(1)


def event(
    type_: str, user: str, handle: str = "luna", *, event_id: str | None = None, **data: Any
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt-{next(_ids)}",
        "type": type_,
        "userId": user,
        "occurredAt": data.pop("occurred_at", OCCURRED_AT),
        "data": {"fanHandle": handle, "platform": "onlyfans", **data},
    }


def encoded(body: dict[str, Any]) -> bytes:
    return msgspec.json.encode(body)


def signed(raw: bytes, secret: str = BRIDGE_SECRET) -> dict[str, str]:
    return {"X-Fancrm-Signature": sign(secret, raw), "Content-Type": "application/json"}
