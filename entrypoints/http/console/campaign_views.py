"""The campaign list as the page shows it: one page of campaigns with their counters, the
actions each one's status allows, and the digest a poll compares to answer 204."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from core.campaigns import CampaignStatus, CampaignView
from core.campaigns.control import CANCELLABLE, PAUSABLE, RESUMABLE, RETRYABLE
from core.paging import Page

# While one of these is on the page its counters move (a scheduled one starts by itself):
# the page polls; once none is, it stops.
LIVE = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED})


@dataclass(frozen=True, slots=True)
class Action:
    path: str  # after /campaigns/{id}/
    label: str
    # Its button's id (with the campaign's): pause and resume share one, so focus stays on the
    # button that undoes what was just done when the list comes back.
    button: str
    operation: str  # the API operation it acts as
    statuses: Collection[CampaignStatus]  # the statuses its use case accepts
    needs_failed: bool = False  # offered only when the campaign has failed messages

    def allowed_for(self, view: CampaignView) -> bool:
        if self.needs_failed and not view.counters.failed:
            return False
        return view.status in self.statuses


ACTIONS = (
    Action("pause", "Pause", "toggle", "pauseCampaign", PAUSABLE),
    Action("resume", "Resume", "toggle", "resumeCampaign", RESUMABLE),
    Action("retry-failed", "Retry failed", "retry", "retryFailedCampaignMessages", RETRYABLE, True),
    Action("cancel", "Cancel", "cancel", "cancelCampaign", CANCELLABLE),
)


@dataclass(frozen=True, slots=True)
class CampaignListing:
    page: Page[CampaignView]
    limit: int
    offset: int
    offered: frozenset[str]  # the operations the caller may use: their buttons are shown

    @property
    def live(self) -> bool:
        return any(view.status in LIVE for view in self.page.items)

    @property
    def digest(self) -> str:
        """What the page shows, in a few characters: a poll that finds the same answers 204."""
        shown = [self.page.total] + [
            (v.campaign.id, v.status, v.counters, v.campaign.revenue_cents, v.fan_out_complete)
            for v in self.page.items
        ]
        return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if following < self.page.total else None

    def actions(self, view: CampaignView) -> list[Action]:
        return [a for a in ACTIONS if a.operation in self.offered and a.allowed_for(view)]
