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
class ReplyTimes:
    replies: int  # the messages that answered an inbound message (have a reply time)
    median_s: float  # the median of their reply times, in seconds
