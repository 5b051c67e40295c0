"""Campaign control: pause, resume, cancel, retry the failed. Each moves the campaign's row and
its messages in one transaction; an illegal transition is a Conflict (409).

Paused: queued rows are held at once, and the consumer holds any envelope still arriving; pending
rows stay in the outbox (the sweep relays only running campaigns). A row mid-`sending` finishes.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from core.accounts import Author
from core.audit import AuditEntry, Detail
from core.campaigns.ports import CampaignStorage
from core.campaigns.records import CampaignStatus
from core.campaigns.views import CampaignView, GetCampaign
from core.errors import Conflict
from core.messaging import MessageStatus, MessagingConfig, SweepOutbox
from core.ports import Clock

log = logging.getLogger(__name__)
Status, Row = CampaignStatus, MessageStatus

# The statuses each control applies to (what a page offers is read from here too).
PAUSABLE = frozenset({Status.RUNNING})
RESUMABLE = frozenset({Status.PAUSED})
CANCELLABLE = frozenset({Status.SCHEDULED, Status.RUNNING, Status.PAUSED})
RETRYABLE = frozenset({Status.RUNNING, Status.COMPLETED, Status.PAUSED})


class _Control:
    """The shared steps; each public use case below is one transition."""

    def __init__(self, storage: CampaignStorage, sweep: SweepOutbox, clock: Clock) -> None:
        self._storage = storage
        self._sweep = sweep
        self._clock = clock
        self._get = GetCampaign(storage)

    async def _move(
        self,
        user_id: str,
        campaign_id: int,
        *,
        allowed: Collection[CampaignStatus],
        to: CampaignStatus,
        rows_from: Collection[MessageStatus],
        rows_to: MessageStatus,
        verb: str,
        actor: Author,
        action: str,
        stored_from: Collection[CampaignStatus] | None = None,
    ) -> int:
        """The transition, its messages moved, and `action` audited, in one transaction."""
        view = await self._get.execute(user_id, campaign_id)  # NotFound for another tenant's
        if view.status not in allowed:
            raise Conflict(f"campaign {campaign_id} is {view.status}: it cannot be {verb}")
        now = self._clock.now()
        async with self._storage.begin() as uow:
            only_from = stored_from or [s for s in allowed if s is not Status.COMPLETED]
            if not await uow.campaigns.set_status(
                user_id, campaign_id, to, now, only_from=only_from
            ):
                raise Conflict(f"campaign {campaign_id} changed meanwhile: it cannot be {verb}")
            moved = await uow.outbox.move_campaign_rows(
                user_id, campaign_id, rows_from, rows_to, now, reset_attempts=verb == "retried"
            )
            detail: Detail = {"messages": moved}
            await uow.audit.add([AuditEntry(user_id, now, actor, action, str(campaign_id), detail)])
            return moved

    async def _relay(self, user_id: str) -> None:
        try:
            await self._sweep.execute(user_id)
        except Exception:  # committed: the next sweep relays it
            log.exception("relaying after a campaign change failed; the sweep will relay it")


class PauseCampaign(_Control):
    async def execute(self, user_id: str, campaign_id: int, *, actor: Author) -> CampaignView:
        await self._move(
            user_id, campaign_id, allowed=PAUSABLE, to=Status.PAUSED,
            rows_from=[Row.QUEUED], rows_to=Row.HELD, verb="paused",
            actor=actor, action="campaign.pause",
        )  # fmt: skip
        return await self._get.execute(user_id, campaign_id)


class ResumeCampaign(_Control):
    async def execute(self, user_id: str, campaign_id: int, *, actor: Author) -> CampaignView:
        await self._move(
            user_id, campaign_id, allowed=RESUMABLE, to=Status.RUNNING,
            rows_from=[Row.HELD], rows_to=Row.PENDING, verb="resumed",
            actor=actor, action="campaign.resume",
        )  # fmt: skip
        await self._relay(user_id)
        return await self._get.execute(user_id, campaign_id)


class CancelCampaign(_Control):
    async def execute(self, user_id: str, campaign_id: int, *, actor: Author) -> CampaignView:
        await self._move(
            user_id, campaign_id, allowed=CANCELLABLE, to=Status.CANCELLED,
            rows_from=[Row.PENDING, Row.QUEUED, Row.HELD], rows_to=Row.CANCELLED,
            verb="cancelled", actor=actor, action="campaign.cancel",
        )  # fmt: skip
        return await self._get.execute(user_id, campaign_id)


class RetryFailedInCampaign(_Control):
    """Only `failed` rows go again (fresh attempts); a paused campaign keeps them until resumed."""

    def __init__(
        self, storage: CampaignStorage, sweep: SweepOutbox, clock: Clock, config: MessagingConfig
    ) -> None:
        super().__init__(storage, sweep, clock)
        self._config = config

    async def execute(self, user_id: str, campaign_id: int, *, actor: Author) -> CampaignView:
        self._config.ensure_enabled()
        view = await self._get.execute(user_id, campaign_id)
        stays = Status.PAUSED if view.status is Status.PAUSED else Status.RUNNING
        await self._move(
            user_id, campaign_id, allowed=RETRYABLE, to=stays,
            rows_from=[Row.FAILED], rows_to=Row.PENDING, verb="retried",
            actor=actor, action="campaign.retry_failed", stored_from=[stays],
        )  # fmt: skip
        await self._relay(user_id)
        return await self._get.execute(user_id, campaign_id)
