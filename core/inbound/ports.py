"""What applying the bridge's events needs of storage."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.audit import AuditRepository
from core.automations import AutomationRepository, RunRepository
from core.campaigns import CampaignRepository
from core.conversations import ConversationRepository
from core.fans import FanRepository
from core.inbound.records import Purchase
from core.messaging import MessageRepository
from core.ports import Storage


class ProcessedEventRepository(Protocol):
    async def record(self, user_id: str, event_id: str, event_type: str, now: datetime) -> bool:
        """Remember the event; False when it was already recorded (a replay: apply nothing).

        Written in the transaction of the event's effect, so the two commit or vanish together.
        """
        ...


class PurchaseRepository(Protocol):
    async def add(self, purchase: Purchase) -> None:
        """Written in the transaction of the `ppv.purchased` event that reports it."""
        ...


class InboundStore(Protocol):
    """One transaction, as the inbound use cases see it."""

    fans: FanRepository
    conversations: ConversationRepository
    messages: MessageRepository
    campaigns: CampaignRepository
    processed_events: ProcessedEventRepository
    purchases: PurchaseRepository
    audit: AuditRepository
    automations: AutomationRepository
    automation_runs: RunRepository


InboundStorage = Storage[InboundStore]
