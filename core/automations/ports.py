"""What automations need of the outside: their rows, the runs, and a source of chance."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from core.automations.records import (
    Automation,
    AutomationFigures,
    DueRun,
    Move,
    Run,
    StopReason,
    Trigger,
)
from core.campaigns import Segment
from core.conversations import ConversationRepository
from core.messaging import MessageRepository
from core.paging import Page
from core.ports import Storage


class RandomSource(Protocol):
    """The jitter of each delay and the variant each fan gets; `random.Random` is one, and
    tests inject a seeded or scripted one."""

    def randint(self, a: int, b: int) -> int:
        """An integer in [a, b], both included."""
        ...


class AutomationRepository(Protocol):
    async def add(self, automation: Automation) -> Automation: ...

    async def get(self, user_id: str, automation_id: int) -> Automation | None: ...

    async def replace(self, automation: Automation) -> bool:
        """Its definition (name, trigger, audience, steps) replaced; False when the tenant has
        no such automation."""
        ...

    async def set_enabled(
        self, user_id: str, automation_id: int, enabled: bool, now: datetime
    ) -> Automation | None:
        """Enabled or disabled (enabling restarts the inactivity scan at `now`); the row after."""
        ...

    async def delete(self, user_id: str, automation_id: int) -> bool:
        """The automation and its runs; its messages stay in the fans' threads."""
        ...

    async def enabled_with_trigger(self, user_id: str, trigger: Trigger) -> list[Automation]: ...

    async def enabled_inactivity(self) -> list[Automation]:
        """Every enabled `fan.inactive` automation, any tenant's."""
        ...

    async def move_scan(self, automation: Automation, until: datetime, now: datetime) -> bool:
        """`scanned_until` moved from the value `automation` holds to `until`, in one
        conditional UPDATE: of runners racing to scan the same window, exactly one sees True."""
        ...

    async def figures(
        self, user_id: str, automation_ids: Sequence[int]
    ) -> dict[int, AutomationFigures]:
        """Each named automation's figures (zeros for one with no runs, or of another tenant:
        only the tenant's rows are counted)."""
        ...

    # After the methods annotated with the builtin `list`: this `list` shadows it below.
    async def list(self, user_id: str, limit: int, offset: int) -> Page[Automation]:
        """Oldest first, with the total."""
        ...


class RunRepository(Protocol):
    async def in_audience(
        self, user_id: str, segment: Segment, fan_ids: Collection[int], now: datetime
    ) -> set[int]:
        """Those of `fan_ids` that are the tenant's fans and in the segment now."""
        ...

    async def add_many(self, runs: Sequence[Run]) -> int:
        """Insert the runs, skipping (without error) any whose (automation, fan, occurrence) is
        taken, or whose fan already has a running run of that automation; how many were added."""
        ...

    async def inactive_fans(
        self, automation: Automation, went_quiet_after: datetime, went_quiet_by: datetime
    ) -> list[tuple[int, datetime]]:
        """(fan id, last activity) of the tenant's subscribed fans in the automation's segment
        whose last activity (else subscription, else creation) is in (after, by]."""
        ...

    async def stop_for_fan(
        self,
        user_id: str,
        fan_id: int,
        reason: StopReason,
        now: datetime,
        *,
        sparing: Trigger | None = None,
    ) -> int:
        """Stop the fan's running runs (but those of automations with the trigger `sparing`)
        and cancel what those automations wrote to the fan that nothing has taken yet (pending,
        queued), a completed run's last step too; how many runs stopped."""
        ...

    async def stop_for_automation(
        self, user_id: str, automation_id: int, reason: StopReason, now: datetime
    ) -> int:
        """Stop every running run of the automation and cancel every message it wrote that
        nothing has taken yet (pending, queued); how many runs stopped."""
        ...

    async def users_with_due(self, now: datetime) -> list[str]:
        """Tenants with a running run whose step is due at `now`."""
        ...

    async def claim_due(self, user_id: str, now: datetime, limit: int) -> list[DueRun]:
        """Up to `limit` of the tenant's running runs now due, soonest first, each locked until
        the transaction ends and skipped by other runners meanwhile (FOR UPDATE SKIP LOCKED on
        PostgreSQL; SQLite has one writer at a time)."""
        ...

    async def move(self, moves: Sequence[Move], now: datetime) -> set[int]:
        """Each run moved as said, in one statement, only while it is still running at the step
        its move started from: the ids of the runs that moved."""
        ...


class AutomationStore(Protocol):
    """One transaction, as the automation use cases see it."""

    automations: AutomationRepository
    automation_runs: RunRepository
    conversations: ConversationRepository
    messages: MessageRepository


class TriggerStore(Protocol):
    """What a trigger needs of the transaction of the event that fires it."""

    automations: AutomationRepository
    automation_runs: RunRepository


AutomationStorage = Storage[AutomationStore]
