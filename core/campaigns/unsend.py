"""A campaign's messages taken back: what is not sent yet is cancelled (and the campaign with it,
so nothing more goes), and each sent message its fan has not read is unsent, one at a time.

A transient failure of the bridge stops it with Unavailable (503): what was unsent stays unsent,
and asking again carries on with the rest. A message read meanwhile, or that the bridge refuses
for good, stays `sent`. A message being delivered at that moment finishes.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from uuid import UUID

from core.accounts import Author
from core.audit import AuditEntry, Detail
from core.campaigns.ports import CampaignStorage
from core.campaigns.records import CampaignStatus
from core.campaigns.views import CampaignView, GetCampaign
from core.errors import Conflict
from core.messaging import MessageStatus, UnsendMessage
from core.ports import Clock

PAGE = 200
_UNFINISHED = [CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED]


@dataclass(frozen=True, slots=True)
class UnsendUnreadInCampaign:
    storage: CampaignStorage
    unsend: UnsendMessage
    clock: Clock

    async def execute(self, user_id: str, campaign_id: int, *, actor: Author) -> CampaignView:
        """Each step audited as it commits: the cancel (`campaign.cancel`) and each message
        taken back (`message.unsend`)."""
        view = await GetCampaign(self.storage).execute(user_id, campaign_id)  # 404 for another's
        if view.status in _UNFINISHED:
            await self._cancel_the_rest(user_id, campaign_id, actor)
        after: UUID | None = None
        while True:
            async with self.storage.begin() as uow:
                ids = await uow.messages.sent_unread_in_campaign(user_id, campaign_id, after, PAGE)
            for message_id in ids:
                # Read meanwhile, or refused for good (Conflict): it stays sent.
                with contextlib.suppress(Conflict):
                    await self.unsend.execute(user_id, message_id, actor=actor)
            if len(ids) < PAGE:
                return await GetCampaign(self.storage).execute(user_id, campaign_id)
            after = ids[-1]

    async def _cancel_the_rest(self, user_id: str, campaign_id: int, actor: Author) -> None:
        now = self.clock.now()
        async with self.storage.begin() as uow:
            await uow.campaigns.set_status(
                user_id, campaign_id, CampaignStatus.CANCELLED, now, only_from=_UNFINISHED
            )
            moved = await uow.outbox.move_campaign_rows(
                user_id, campaign_id,
                [MessageStatus.SCHEDULED, MessageStatus.PENDING, MessageStatus.QUEUED,
                 MessageStatus.HELD],
                MessageStatus.CANCELLED, now,
            )  # fmt: skip
            detail: Detail = {"messages": moved, "by": "unsend_unread"}
            entry = AuditEntry(user_id, now, actor, "campaign.cancel", str(campaign_id), detail)
            await uow.audit.add([entry])
