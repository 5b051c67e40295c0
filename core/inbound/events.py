"""The inbound events as records, and the rules their fields must meet."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.checks import check_text, check_time
from core.errors import Invalid
from core.fans import MAX_NAME_LENGTH, MAX_VALUE_CENTS, Platform, normalize_handle
from core.messaging import MAX_CONTENT_LENGTH, MAX_MEDIA_URL_LENGTH

MAX_EVENT_ID_LENGTH = 128
MAX_USER_ID_LENGTH = 128


class EventType(enum.StrEnum):
    MESSAGE_RECEIVED = "message.received"
    PPV_PURCHASED = "ppv.purchased"
    FAN_SUBSCRIBED = "fan.subscribed"
    FAN_UNSUBSCRIBED = "fan.unsubscribed"


@dataclass(frozen=True, slots=True)
class FanRef:
    """The bridge knows fans by platform and handle, not by our ids."""

    platform: Platform
    handle: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class MessageReceived:
    text: str
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PpvPurchased:
    amount_cents: int
    # The message whose content was bought; when it belongs to a campaign, so does the revenue.
    message_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionChanged:
    subscribed: bool


Payload = MessageReceived | PpvPurchased | SubscriptionChanged


@dataclass(frozen=True, slots=True)
class InboundEvent:
    id: str
    type: EventType
    user_id: str
    occurred_at: datetime
    fan: FanRef
    payload: Payload

    def validated(self) -> InboundEvent:
        """The event with its fan's handle normalised; Invalid naming the field otherwise."""
        _check_text("id", self.id, MAX_EVENT_ID_LENGTH)
        _check_text("userId", self.user_id, MAX_USER_ID_LENGTH)
        check_time(self.occurred_at, "occurredAt")
        try:
            handle = normalize_handle(self.fan.handle)
        except Invalid as exc:
            raise Invalid(f"data.fanHandle: {exc.message}", field="data.fanHandle") from exc
        check_text(self.fan.name, "data.name", MAX_NAME_LENGTH)
        _check_payload(self.payload)
        fan = FanRef(self.fan.platform, handle, self.fan.name)
        return InboundEvent(self.id, self.type, self.user_id, self.occurred_at, fan, self.payload)


def _check_text(field: str, value: str, max_length: int) -> None:
    if not value.strip():
        raise Invalid(f"{field} must not be empty", field=field)
    check_text(value, field, max_length)


def _check_payload(payload: Payload) -> None:
    if isinstance(payload, MessageReceived):
        if not payload.text.strip() and not payload.media_urls:
            raise Invalid("data.text must not be empty without mediaUrls", field="data.text")
        check_text(payload.text, "data.text", MAX_CONTENT_LENGTH)
        for url in payload.media_urls:
            check_text(url, "data.mediaUrls", MAX_MEDIA_URL_LENGTH)
    elif isinstance(payload, PpvPurchased):
        if payload.amount_cents < 0:
            raise Invalid("data.amountCents must not be negative", field="data.amountCents")
        if payload.amount_cents > MAX_VALUE_CENTS:  # a fan's value_cents is a BIGINT
            raise Invalid(f"data.amountCents is above {MAX_VALUE_CENTS}", field="data.amountCents")
