"""`fan.inactive` runs, started by the tick for fans who have just gone quiet.

Each enabled inactivity automation remembers up to when it has looked (`scanned_until`); a tick
looks at the fans who crossed the N-day mark since, and moves the mark in the same transaction
with a conditional UPDATE, so with several runners one of them scans each window. A fan who is
active again and then goes quiet again is a new occurrence (their new last activity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.automations.ports import AutomationStorage, RandomSource
from core.automations.records import Automation
from core.automations.triggers import first_run
from core.ports import Clock

INSERT_CHUNK = 1_000


@dataclass(frozen=True, slots=True)
class StartInactiveRuns:
    storage: AutomationStorage
    clock: Clock
    random: RandomSource

    async def execute(self) -> int:
        """Start a run for every fan who went quiet since the last scan; how many started."""
        async with self.storage.begin() as uow:
            automations = await uow.automations.enabled_inactivity()
        started = 0
        for automation in automations:
            started += await self._scan(automation)
        return started

    async def _scan(self, automation: Automation) -> int:
        assert automation.inactive_days is not None
        now = self.clock.now()
        since = automation.scanned_until
        if since is not None and since >= now:
            return 0
        quiet = timedelta(days=automation.inactive_days)
        async with self.storage.begin() as uow:
            if not await uow.automations.move_scan(automation, now, now):
                return 0  # another runner scans this window
            if since is None:  # never scanned: fans who go quiet from now on
                return 0
            fans = await uow.automation_runs.inactive_fans(automation, since - quiet, now - quiet)
            runs = [
                first_run(automation, fan_id, f"inactive:{active_at.isoformat()}", now, self.random)
                for fan_id, active_at in fans
            ]
            started = 0
            for start in range(0, len(runs), INSERT_CHUNK):
                started += await uow.automation_runs.add_many(runs[start : start + INSERT_CHUNK])
        return started
