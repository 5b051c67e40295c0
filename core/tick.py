"""One tick of the background work: what `fancrm worker`, the dev server's worker and the
scheduled Lambda run every few seconds, besides consuming the queue."""

from __future__ import annotations

from dataclasses import dataclass

from core.automations import FireDueSteps, StartInactiveRuns
from core.campaigns import ContinueFanOuts, StartDueCampaigns, StopCampaignsPastStopAt
from core.messaging import SweepOutbox


@dataclass(frozen=True, slots=True)
class Tick:
    fan_outs: ContinueFanOuts
    sweep: SweepOutbox
    starts: StartDueCampaigns | None = None
    stops: StopCampaignsPastStopAt | None = None
    inactive: StartInactiveRuns | None = None
    steps: FireDueSteps | None = None

    async def execute(self) -> int:
        """Stop the campaigns past their `stopAt`, start the scheduled ones now due (each claimed
        by one runner only), carry on the fan-outs a crashed or stopped API left half-done (so
        their rows are in the outbox), then relay what the outbox holds (scheduled single sends
        now due included); before the relay, start the runs of fans who went quiet and write
        the automation steps now due (each claimed by one runner only) to the outbox; how many
        messages went on the queue."""
        if self.stops is not None:  # first: nothing past its stop time is relayed below
            await self.stops.execute()
        if self.starts is not None:
            await self.starts.execute()
        await self.fan_outs.execute()
        if self.inactive is not None:
            await self.inactive.execute()
        if self.steps is not None:
            await self.steps.execute()
        return await self.sweep.execute()
