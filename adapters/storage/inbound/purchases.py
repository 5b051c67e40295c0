"""PPV purchases in SQL: one row per `ppv.purchased` event, what revenue per day is summed from."""

from __future__ import annotations

from adapters.storage.connection import Connection
from adapters.storage.tables import purchases
from core.inbound import Purchase

_INSERT = purchases.insert()


class SqlAlchemyPurchaseRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, purchase: Purchase) -> None:
        values = {
            "user_id": purchase.user_id,
            "fan_id": purchase.fan_id,
            "amount_cents": purchase.amount_cents,
            "occurred_at": purchase.occurred_at,
            "campaign_id": purchase.campaign_id,
            "message_id": purchase.message_id,
            "author_kind": None if purchase.credited is None else purchase.credited.kind.value,
            "author_id": None if purchase.credited is None else purchase.credited.id,
        }
        await self._connection.execute(_INSERT, values)
