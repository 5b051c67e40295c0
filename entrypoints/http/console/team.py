"""The team: members and their roles, and invitations (the one-time link shown to copy)."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
