"""The campaign list as the page shows it: one page of campaigns with their counters, the
actions each one's status allows, and the digest a poll compares to answer 204."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from core.campaigns import CampaignAudience, CampaignStatus, CampaignView
from core.campaigns.control import CANCELLABLE, PAUSABLE, RESUMABLE, RETRYABLE
from core.paging import Page
from entrypoints.http.console.formats import money

# While one of these is on the page its counters move (a scheduled one starts by itself):
# the page polls; once none is, it stops.
LIVE = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED})
IDS_SHOWN = 20  # of a campaign's named or left-out fans, on its page


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


def ids_text(ids: Sequence[int]) -> str:
    """Fan ids as a person reads them: the first few, then how many more (a campaign may name
    100,000, a page that nobody reads)."""
    shown = ", ".join(str(i) for i in ids[:IDS_SHOWN])
    more = len(ids) - IDS_SHOWN
    return f"{shown} and {more:,} more" if more > 0 else shown


def audience_facts(audience: CampaignAudience) -> list[tuple[str, str]]:
    """Who a campaign is for, as (what, which) lines a person reads."""
    facts = []
    if audience.fan_ids:
        facts.append(("Named fans", ids_text(audience.fan_ids)))
    if not audience.segment:
        return facts
    for label, tags in (
        ("Any of the tags", audience.tags_any),
        ("All of the tags", audience.tags_all),
        ("None of the tags", audience.tags_none),
    ):
        if tags:
            facts.append((label, ", ".join(sorted(tags))))
    if audience.min_value_cents is not None:
        facts.append(("Spent at least", money(audience.min_value_cents)))
    if audience.max_value_cents is not None:
        facts.append(("Spent at most", money(audience.max_value_cents)))
    if audience.platform is not None:
        facts.append(("Platform", audience.platform.value))
    if audience.exclude_fan_ids:
        facts.append(("Leaving out fans", ids_text(audience.exclude_fan_ids)))
    if audience.exclude_messaged_within_hours is not None:
        hours = audience.exclude_messaged_within_hours
        facts.append(("Leaving out fans messaged in the last", f"{hours} h"))
    if audience.exclude_unread:
        facts.append(("Leaving out fans", "with unread messages"))
    return facts or [("Segment", "every fan")]
