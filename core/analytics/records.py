"""Money over a period."""

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
