"""Money over a period, and a member's sends and reply times (team analytics)."""

from __future__ import annotations

from dataclasses import dataclass

from core.fans import Fan


@dataclass(frozen=True, slots=True)
class Spend:
    """Money in over a period: the sum and how many purchases made it."""

    cents: int = 0
    purchases: int = 0


@dataclass(frozen=True, slots=True)
class FanSpend:
    fan: Fan
    spend: Spend


@dataclass(frozen=True, slots=True)
class MemberSends:
    messages: int  # sent in the period
    conversations: int  # distinct conversations of those messages


@dataclass(frozen=True, slots=True)
class TeamMember:
    """Who a user id is: a member of the account now (with a role), or one who was."""

    email: str
    name: str | None = None
    role: str | None = None  # None: no longer a member (their past sends still count)


@dataclass(frozen=True, slots=True)
class ReplyTimes:
    replies: int  # the messages that answered an inbound message (have a reply time)
    median_s: float  # the median of their reply times, in seconds
