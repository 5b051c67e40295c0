"""Campaigns: the bulk message form (a segment, its live audience count, a preview), the list
with live progress, and pause, resume, cancel and retry-failed.
"""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
