"""A delivery gateway for dev mode and tests: records what it delivered, and can be told to fail.

Outcomes queued with `script(...)` are used first, one per delivery; after that it delivers. A
message's own outcomes (`script_for`) come before those, whatever order deliveries arrive in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.fans import Platform
from core.messaging import Delivered, DeliveryResult, Outbound
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    outbound: Outbound
    at: datetime


class SimulatedDeliveryGateway:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._script: deque[DeliveryResult] = deque()
        self._scripted_for: dict[UUID, deque[DeliveryResult]] = {}
        self.delivered: list[DeliveryRecord] = []
        self.attempts: list[UUID] = []
        self.unsent: list[UUID] = []

    def script(self, *outcomes: DeliveryResult) -> None:
        """The next deliveries answer these outcomes, in order."""
        self._script.extend(outcomes)

    def script_for(self, message_id: UUID, *outcomes: DeliveryResult) -> None:
        """The next deliveries of this message answer these outcomes, in order."""
        self._scripted_for.setdefault(message_id, deque()).extend(outcomes)

    async def deliver(self, outbound: Outbound) -> DeliveryResult:
        self.attempts.append(outbound.message_id)
        queue = self._scripted_for.get(outbound.message_id) or self._script
        outcome = queue.popleft() if queue else Delivered()
        if isinstance(outcome, Delivered):
            self.delivered.append(DeliveryRecord(outbound, self._clock.now()))
        return outcome

    async def unsend(
        self, message_id: UUID, user_id: str, platform: Platform, fan_handle: str
    ) -> DeliveryResult:
        """Records what it took back; scripted outcomes apply to unsends too."""
        outcome = self._script.popleft() if self._script else Delivered()
        if isinstance(outcome, Delivered):
            self.unsent.append(message_id)
        return outcome

    def delivered_ids(self) -> list[UUID]:
        return [record.outbound.message_id for record in self.delivered]
