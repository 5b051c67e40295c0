"""Team analytics: what each member of an account sent, answered and sold over a period.

Definitions (README, "Team analytics"), for a period [start, end) of whole UTC days:
- messages sent: outbound messages the member authored whose `sent_at` is in the period;
- conversations answered: the distinct conversations of those messages;
- revenue: the PPV purchases that occurred in the period naming a message the member authored;
- reply time, for each of those messages R: R.created_at minus the created_at of the latest
  inbound message of R's conversation created at or before R, when that message is unanswered,
  i.e. no answering outbound message of the conversation (one that was sent and is not a
  campaign's, whoever wrote it) was created at or after it and before R; otherwise R answered
  nothing and has no reply time. The median is over the member's reply times in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.analytics.period import Period, period_of
from core.analytics.ports import TeamAnalyticsStorage
from core.analytics.records import MemberSends, ReplyTimes, Spend, TeamMember
from core.ports import Clock


@dataclass(frozen=True, slots=True)
class MemberFigures:
    user_id: str
    who: TeamMember
    sends: MemberSends = field(default_factory=lambda: MemberSends(0, 0))
    revenue: Spend = field(default_factory=Spend)
    reply_times: ReplyTimes | None = None  # None: no reply of theirs answered a fan


@dataclass(frozen=True, slots=True)
class TeamReport:
    period: Period
    # Every member now, and past members with activity; most revenue, then most sent.
    members: list[MemberFigures]


@dataclass(frozen=True, slots=True)
class GetTeamAnalytics:
    storage: TeamAnalyticsStorage
    clock: Clock

    async def execute(
        self, account: str, first: date | None = None, last: date | None = None
    ) -> TeamReport:
        """Per member (by user id) of `account`, for `first` … `last` as GetAnalytics reads
        them; Invalid naming `from` or `to` when they make no sense."""
        period = period_of(first, last, self.clock.now().date())
        async with self.storage.begin() as uow:
            sends = await uow.team.member_sends(account, period.start, period.end)
            revenue = await uow.team.member_revenue(account, period.start, period.end)
            times = await uow.team.member_reply_times(account, period.start, period.end)
            people = await uow.team.people(account, sends.keys() | revenue.keys() | times.keys())
        members = [
            MemberFigures(
                user,
                people.get(user, TeamMember(email="")),
                sends.get(user, MemberSends(0, 0)),
                revenue.get(user, Spend()),
                times.get(user),
            )
            for user in people.keys() | sends.keys() | revenue.keys() | times.keys()
        ]
        members.sort(key=lambda m: (-m.revenue.cents, -m.sends.messages, m.user_id))
        return TeamReport(period, members)
