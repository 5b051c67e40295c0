"""Analytics: a period's revenue and messages per day drawn as charts, its totals, top fans,
campaigns with their revenue, and the team's figures.
"""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
