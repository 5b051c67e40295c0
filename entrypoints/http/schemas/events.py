"""Inbound event schemas: the envelope, then `data` decoded by the envelope's type.

The body is decoded by hand (not by Litestar) because its signature covers the raw bytes; every
error names the field, `data.` first for the fields of `data`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TypeVar
from uuid import UUID

import msgspec

from core.errors import Invalid
from core.fans import Platform
from core.inbound import (
    EventType,
    FanRef,
    InboundEvent,
    MessageReceived,
    Payload,
    PpvPurchased,
    SubscriptionChanged,
)
from entrypoints.http.requests import TOO_DEEP
from entrypoints.http.schemas import Cents, Schema

T = TypeVar("T")
_AT_PATH = re.compile(r" - at `\$\.?([^`]*)`")
_MISSING = re.compile(r"missing required field `([^`]+)`")


class EventBody(Schema):
    id: str
    type: EventType
    user_id: str
    occurred_at: datetime
    data: msgspec.Raw


class FanData(Schema):
    fan_handle: str
    platform: Platform
    name: str | None = None

    def fan(self) -> FanRef:
        return FanRef(self.platform, self.fan_handle, self.name)


class MessageReceivedData(FanData):
    text: str = ""
    media_urls: list[str] = []

    def payload(self) -> Payload:
        return MessageReceived(self.text, tuple(self.media_urls))


class PpvPurchasedData(FanData, kw_only=True):
    amount_cents: Cents
    message_id: UUID | None = None

    def payload(self) -> Payload:
        return PpvPurchased(self.amount_cents, self.message_id)


class SubscribedData(FanData):
    def payload(self) -> Payload:
        return SubscriptionChanged(subscribed=True)


class UnsubscribedData(FanData):
    def payload(self) -> Payload:
        return SubscriptionChanged(subscribed=False)


_DataType = type[MessageReceivedData | PpvPurchasedData | SubscribedData | UnsubscribedData]
_DATA: dict[EventType, _DataType] = {
    EventType.MESSAGE_RECEIVED: MessageReceivedData,
    EventType.PPV_PURCHASED: PpvPurchasedData,
    EventType.FAN_SUBSCRIBED: SubscribedData,
    EventType.FAN_UNSUBSCRIBED: UnsubscribedData,
}
_BODY_DECODER = msgspec.json.Decoder(EventBody)
_DATA_DECODERS = {kind: msgspec.json.Decoder(schema) for kind, schema in _DATA.items()}


def decode_event(body: bytes) -> InboundEvent:
    """The event in `body`; Invalid naming the field when it is not one."""
    envelope = _decode(_BODY_DECODER, body, prefix="")
    data = _decode(_DATA_DECODERS[envelope.type], envelope.data, prefix="data.")
    return InboundEvent(
        id=envelope.id,
        type=envelope.type,
        user_id=envelope.user_id,
        occurred_at=envelope.occurred_at,
        fan=data.fan(),
        payload=data.payload(),
    )


def _decode(decoder: msgspec.json.Decoder[T], raw: bytes | msgspec.Raw, prefix: str) -> T:
    try:
        return decoder.decode(raw)
    except msgspec.ValidationError as exc:
        field = _field_of(str(exc))
        name = f"{prefix}{field}" if field else prefix.rstrip(".") or "body"
        raise Invalid(f"invalid request: {name}: {exc}", field=name) from exc
    except msgspec.DecodeError as exc:
        raise Invalid(f"invalid request body: {exc}", field=prefix.rstrip(".") or "body") from exc
    except RecursionError:
        field = prefix.rstrip(".") or "body"
        raise Invalid(f"invalid request body: {TOO_DEEP}", field=field) from None


def _field_of(message: str) -> str:
    missing = _MISSING.search(message)
    at = _AT_PATH.search(message)
    path = at.group(1) if at else ""
    if missing:
        return f"{path}.{missing.group(1)}" if path else missing.group(1)
    return path
