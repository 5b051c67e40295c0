"""Applying one inbound event: its effect and its id, in one transaction, so a replay is a no-op."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from core.accounts import Author
from core.audit import AuditEntry, Detail
from core.automations import AutomationTriggers, FanTriggered, Trigger
from core.errors import Conflict
from core.fans import MAX_VALUE_CENTS, Fan
from core.inbound.events import (
    EventType,
    InboundEvent,
    MessageReceived,
    PpvPurchased,
    SubscriptionChanged,
)
from core.inbound.ports import InboundStorage, InboundStore
from core.inbound.records import Purchase
from core.messaging import Direction, Message, MessageStatus
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class ProcessInboundEvent:
    storage: InboundStorage
    clock: Clock
    automations: AutomationTriggers | None = None  # None: events start and stop no runs

    async def execute(self, event: InboundEvent) -> bool:
        """Apply the event; False when its id was seen before (a replay, nothing changed).

        The id is recorded first: a concurrent replay waits on it, then finds it and does nothing.
        """
        event = event.validated()
        now = self.clock.now()
        async with self.storage.begin() as uow:
            if not await uow.processed_events.record(event.user_id, event.id, event.type, now):
                return False
            fan, created = await _fan_of(uow, event, now)
            assert fan.id is not None
            payload = event.payload
            # Runs stop before the event's own writes, runs start after them (the audience sees
            # the fan as the event leaves them): a runner writing a step holds its run, then
            # the conversation; taking the run first here too keeps the two from deadlocking.
            await self._stop_runs(uow, event, fan.id, now)
            if isinstance(payload, MessageReceived):
                await _receive_message(uow, event, fan, payload)
            elif isinstance(payload, PpvPurchased):
                await _add_purchase(uow, event, fan.id, payload, now)
            else:
                await _change_subscription(uow, event, fan.id, payload, now)
            if isinstance(payload, MessageReceived | PpvPurchased):  # something the fan did
                await uow.fans.record_activity(event.user_id, fan.id, event.occurred_at, now)
            await self._start_runs(uow, event, fan, created, now)
        return True

    async def _stop_runs(
        self, uow: InboundStore, event: InboundEvent, fan_id: int, now: datetime
    ) -> None:
        payload = event.payload
        if self.automations is None:
            return
        if isinstance(payload, MessageReceived):
            await self.automations.fan_replied(uow, event.user_id, fan_id, now)
        elif isinstance(payload, SubscriptionChanged) and not payload.subscribed:
            await self.automations.fan_unsubscribed(uow, event.user_id, fan_id, now)

    async def _start_runs(
        self, uow: InboundStore, event: InboundEvent, fan: Fan, created: bool, now: datetime
    ) -> None:
        trigger = _TRIGGERS.get(event.type)
        if self.automations is None or trigger is None:
            return
        assert fan.id is not None
        subscribed_before = not created and fan.subscribed_at is not None
        started = FanTriggered(event.user_id, fan.id, trigger, event.id, subscribed_before)
        await self.automations.start(uow, started, now)


# The events that start automations' runs (a message only stops them).
_TRIGGERS = {
    EventType.FAN_SUBSCRIBED: Trigger.SUBSCRIBED,
    EventType.FAN_UNSUBSCRIBED: Trigger.UNSUBSCRIBED,
    EventType.PPV_PURCHASED: Trigger.PURCHASED,
}


async def _fan_of(uow: InboundStore, event: InboundEvent, now: datetime) -> tuple[Fan, bool]:
    """The fan the event names (and whether the event created it), created when unknown: a fan
    we hear from is a fan we have.

    Created for every type, not only `message.received`/`fan.subscribed`: a purchase by a fan
    not imported yet is still revenue, and dropping it would lose money from the figures.
    """
    ref = event.fan
    found = await uow.fans.find_by_handle(event.user_id, ref.platform, ref.handle)
    if found is not None:
        return found, False
    try:
        return await uow.fans.add(_new_fan(event, now)), True
    except Conflict:  # another event created the fan meanwhile
        raced = await uow.fans.find_by_handle(event.user_id, ref.platform, ref.handle)
        assert raced is not None
        return raced, False


def _new_fan(event: InboundEvent, now: datetime) -> Fan:
    """The fan an event introduces, with the dates the event tells."""
    ref, payload, at = event.fan, event.payload, event.occurred_at
    subscribed = isinstance(payload, SubscriptionChanged) and payload.subscribed
    unsubscribed = isinstance(payload, SubscriptionChanged) and not payload.subscribed
    return Fan(
        None,
        event.user_id,
        ref.platform,
        ref.handle,
        name=ref.name,
        subscribed_at=at if subscribed else None,
        unsubscribed_at=at if unsubscribed else None,
        last_active_at=at if isinstance(payload, MessageReceived) else None,
        created_at=now,
        updated_at=now,
    )


async def _receive_message(
    uow: InboundStore, event: InboundEvent, fan: Fan, payload: MessageReceived
) -> None:
    assert fan.id is not None
    conversation = await uow.conversations.get_or_create(event.user_id, fan.id, fan.platform)
    assert conversation.id is not None
    message = Message(
        id=uuid4(),
        user_id=event.user_id,
        conversation_id=conversation.id,
        fan_id=fan.id,
        direction=Direction.IN,
        text=payload.text,
        status=MessageStatus.RECEIVED,
        # When the fan wrote it, so a thread stays in the order things happened.
        created_at=event.occurred_at,
        media_urls=payload.media_urls,
    )
    await uow.messages.add(message)
    await uow.conversations.record_inbound(event.user_id, conversation.id, event.occurred_at)


async def _add_purchase(
    uow: InboundStore, event: InboundEvent, fan_id: int, payload: PpvPurchased, now: datetime
) -> None:
    """Refused (a Conflict, the whole event rolled back and not recorded) rather than capped when
    a total would pass MAX_VALUE_CENTS: a capped total would be wrong and look right.

    The purchase itself is kept too, at the time it occurred: revenue per day is summed from it.
    It credits the author of the message it names, and is audited (the bridge is the actor).
    """
    user_id, amount = event.user_id, payload.amount_cents
    if not await uow.fans.add_value(user_id, fan_id, amount, now):
        raise _too_much("the fan's value")
    message = None
    if payload.message_id is not None:
        # A message id that is not the creator's own is ignored: the fan's spend still counts.
        message = await uow.messages.get(user_id, payload.message_id)
    campaign_id = None if message is None else message.campaign_id
    if campaign_id is not None and not await uow.campaigns.add_revenue(
        user_id, campaign_id, amount, now
    ):
        raise _too_much("the campaign's revenue")
    purchase = Purchase(
        None,
        user_id,
        fan_id,
        amount,
        event.occurred_at,
        campaign_id=campaign_id,
        message_id=None if message is None else message.id,
        credited=None if message is None else message.author,
    )
    await uow.purchases.add(purchase)
    await uow.audit.add([_audited(purchase, now)])


def _audited(purchase: Purchase, now: datetime) -> AuditEntry:
    credited = purchase.credited
    detail: Detail = {
        "fanId": purchase.fan_id,
        "amountCents": purchase.amount_cents,
        "creditedKind": None if credited is None else credited.kind.value,
        "creditedId": None if credited is None else credited.id,
    }
    target = None if purchase.message_id is None else str(purchase.message_id)
    return AuditEntry(purchase.user_id, now, Author.bridge(), "ppv.purchased", target, detail)


def _too_much(total: str) -> Conflict:
    return Conflict(
        f"data.amountCents would take {total} past {MAX_VALUE_CENTS}",
        detail={"field": "data.amountCents"},
    )


async def _change_subscription(
    uow: InboundStore, event: InboundEvent, fan_id: int, payload: SubscriptionChanged, now: datetime
) -> None:
    at = event.occurred_at
    if payload.subscribed:
        await uow.fans.set_subscription(event.user_id, fan_id, now, subscribed_at=at)
    else:
        await uow.fans.set_subscription(event.user_id, fan_id, now, unsubscribed_at=at)
