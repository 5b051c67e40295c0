"""Events from the platform bridge: inbound messages, purchases, subscriptions, applied once."""

from core.inbound.events import (
    EventType,
    FanRef,
    InboundEvent,
    MessageReceived,
    Payload,
    PpvPurchased,
    SubscriptionChanged,
)
from core.inbound.process import ProcessInboundEvent
from core.inbound.records import Purchase

__all__ = [
    "EventType",
    "FanRef",
    "InboundEvent",
    "MessageReceived",
    "Payload",
    "PpvPurchased",
    "ProcessInboundEvent",
    "Purchase",
    "SubscriptionChanged",
]
